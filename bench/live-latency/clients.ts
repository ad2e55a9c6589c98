import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Summary } from '../lib/stats.js';
import type { MailingStatus } from '../../server/domain/mailing-status.js';

/** What the client process is asked to do: one socket per cookie (undefined: no cookie), all watching one mailing. */
export interface ClientsPlan {
  url: string;
  cookies: (string | undefined)[];
  mailingId: number;
  /** Where the first client writes every push it received (time, event, payload), for the baseline to replay. */
  recordTo?: string;
}

/** The counters a client should show once sending stopped. */
export interface FinalCounters {
  status: MailingStatus;
  total: number;
  sent: number;
  failed: number;
}

/** One push as the first client saw it: milliseconds after the start, event name, payload. */
export interface Recorded {
  t: number;
  event: string;
  payload: { at: string } & Record<string, unknown>;
}

export interface ClientsReport {
  clients: number;
  /** Receipt time − the push's `at`, over every push that carries a change (progress, recipients, status). */
  latency: Summary;
  /** The same by event: the progress push waits for a read of the counters, the others do not. */
  byEvent: Record<string, Summary>;
  /** Pushes received per client: min, median, max. */
  events: { min: number; median: number; max: number };
  /** Recipient changes received per client (each `sent` change counted once). */
  sentChanges: { min: number; max: number };
  disconnects: number;
  /** Clients whose last counters or received changes differ from the final counters. */
  behind: number;
  /** Times a client saw `sent` go down from one progress push to the next (out-of-order delivery). */
  regressions: number;
  bytesPerClient: number;
}

/** What one variant (one fresh process) returns to the coordinator. */
export interface RoundResult extends ClientsReport {
  variant: 'product' | 'baseline' | 'hub';
  /** The measuring window, from the start to the final counters. */
  seconds: number;
  /** Recipient events per second coming into the hub (for the baseline, the changes its replayed pushes carry). */
  eventsPerSecond: number;
}

type FromChild = { type: 'ready'; connected: number } | { type: 'report'; report: ClientsReport } | { type: 'failed'; error: string };

/**
 * The watchers in their own process (clients-process.ts), so receiving never shares an event
 * loop with the server being measured. ready() resolves once every socket watches the mailing;
 * start() opens the measuring window; finish() closes it and returns the report.
 */
export async function startClients(plan: ClientsPlan) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'clients-process.ts')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () =>
    new Promise<FromChild>((ok, fail) => {
      const onExit = (code: number | null) => fail(new Error(`the client process exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (m: FromChild) => {
        child.off('exit', onExit);
        if (m.type === 'failed') fail(new Error(m.error));
        else ok(m);
      });
    });
  const ready = next();
  child.send(plan);
  const { connected } = (await ready) as Extract<FromChild, { type: 'ready' }>;
  return {
    connected,
    start: () => void child.send({ type: 'start' }),
    async finish(final: FinalCounters): Promise<ClientsReport> {
      const reply = next();
      child.send({ type: 'finish', final });
      const { report } = (await reply) as Extract<FromChild, { type: 'report' }>;
      await new Promise((ok) => (child.exitCode === null ? child.once('exit', ok) : ok(null)));
      return report;
    },
    stop: () => void (child.exitCode === null && child.kill()),
  };
}
