import type { Context } from 'hono';
import type { AppEnv } from './env.js';
import type { EngineContext } from '../engine/ports.js';

/** The engine's context for operations started from HTTP (pause, combine, rebinding …). */
export function engineOf<E extends AppEnv>(c: Context<E>): EngineContext {
  const { orm, secrets, transport, events, now, config } = c.var.services;
  return { orm, secrets, transport, events, now, random: Math.random, leaseMs: config.engine.leaseMs };
}

/** Runs these accounts' jobs now; in a web-only process the workers' reconcile picks them up instead. */
export async function wake<E extends AppEnv>(c: Context<E>, accounts: number[]): Promise<void> {
  if (accounts.length) await c.var.services.engine?.wake(accounts);
}
