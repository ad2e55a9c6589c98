import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { AppEnv } from './env.js';

/** Turns zod's issues into one readable sentence plus the full list. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues = (result.error as ZodError).issues;
  const first = issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  return c.json({ error: `${where}${first?.message ?? 'Invalid input'}`, details: issues.map((i) => ({ path: i.path.join('.'), message: i.message })) }, 400);
};

/** Every resource router is one of these, so validation errors read the same everywhere. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
