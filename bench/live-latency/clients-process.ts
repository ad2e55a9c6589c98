// Why this file exists: the benchmark's watchers, run as their own process. It opens one
// socket.io-client per cookie it is given, watches one mailing on each as the mailing page does,
// and between `start` and `finish` times every push by the server time it carries.
import { writeFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, MailingProgressV1, RecipientChangesV1, ServerToClient, SubscribeReply } from '../../server/live/protocol.js';
import { median, summarize } from '../lib/stats.js';
import type { ClientsPlan, ClientsReport, FinalCounters, Recorded } from './clients.js';

type Client = Socket<ServerToClient, ClientToServer>;

/** Pushes that report a change and so are timed; viewer lists are not (they come from the watches themselves). */
const TIMED = ['mailing:progress:v1', 'mailing:recipients:v1', 'mailing:status:v1'] as const;
/** Sockets that connect and watch at once; the rest wait, as people open a page over a few seconds. */
const BATCH = 20;

interface Seen {
  events: number;
  bytes: number;
  sentChanges: number;
  disconnects: number;
  regressions: number;
  last: MailingProgressV1 | null;
}

let measuring = false;
let closing = false;
let startedAt = 0;
const latencies: number[] = [];
const byEvent = new Map<string, number[]>(TIMED.map((e) => [e, []]));
const recorded: Recorded[] = [];

/** The first client also measures the bytes it got and, when asked, records every push. */
function watchOne(plan: ClientsPlan, cookie: string | undefined, first: boolean): Promise<{ socket: Client; seen: Seen }> {
  const socket: Client = io(plan.url, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {} });
  const seen: Seen = { events: 0, bytes: 0, sentChanges: 0, disconnects: 0, regressions: 0, last: null };
  socket.on('disconnect', () => closing || seen.disconnects++);
  for (const event of TIMED) {
    socket.on(event, ((payload: { at: string }) => {
      if (!measuring) return;
      const now = Date.now();
      const latency = now - Date.parse(payload.at);
      latencies.push(latency);
      byEvent.get(event)!.push(latency);
      seen.events++;
      // The size of the JSON the server sent, near enough (socket.io adds a few bytes of framing).
      if (first) seen.bytes += JSON.stringify(payload).length;
      if (event === 'mailing:progress:v1') {
        const p = payload as MailingProgressV1;
        if (seen.last && p.sent < seen.last.sent) seen.regressions++;
        seen.last = p;
      }
      if (event === 'mailing:recipients:v1') seen.sentChanges += (payload as RecipientChangesV1).changes.filter((c) => c.state === 'sent').length;
      if (first && plan.recordTo) recorded.push({ t: now - startedAt, event, payload });
    }) as never);
  }
  return new Promise((ok, fail) => {
    socket.once('connect_error', (err) => fail(new Error(`connect failed: ${err.message}`)));
    socket.once('connect', () =>
      socket.timeout(60_000).emit('mailing:watch', plan.mailingId, (err: Error | null, reply: SubscribeReply) => {
        if (err || !reply.ok) fail(new Error(`watch failed: ${err?.message ?? (reply.ok ? '' : reply.error)}`));
        else ok({ socket, seen });
      }),
    );
  });
}

function report(all: Seen[], final: FinalCounters): ClientsReport {
  const events = all.map((s) => s.events);
  const behind = all.filter((s) => !s.last || s.last.sent !== final.sent || s.last.failed !== final.failed || s.last.status !== final.status || s.sentChanges !== final.sent);
  return {
    clients: all.length,
    latency: summarize(latencies),
    byEvent: Object.fromEntries([...byEvent].map(([e, l]) => [e, summarize(l)])),
    events: { min: Math.min(...events), median: median(events), max: Math.max(...events) },
    sentChanges: { min: Math.min(...all.map((s) => s.sentChanges)), max: Math.max(...all.map((s) => s.sentChanges)) },
    disconnects: all.reduce((n, s) => n + s.disconnects, 0),
    behind: behind.length,
    regressions: all.reduce((n, s) => n + s.regressions, 0),
    bytesPerClient: all[0]?.bytes ?? 0,
  };
}

process.once('message', async (plan: ClientsPlan) => {
  try {
    const clients: { socket: Client; seen: Seen }[] = [];
    for (let i = 0; i < plan.cookies.length; i += BATCH) {
      clients.push(...(await Promise.all(plan.cookies.slice(i, i + BATCH).map((cookie, j) => watchOne(plan, cookie, i + j === 0)))));
    }
    process.on('message', (m: { type: 'start' } | { type: 'finish'; final: FinalCounters }) => {
      if (m.type === 'start') {
        startedAt = Date.now();
        measuring = true;
        return;
      }
      measuring = false;
      if (plan.recordTo) writeFileSync(plan.recordTo, JSON.stringify(recorded));
      closing = true;
      for (const c of clients) c.socket.disconnect();
      process.send!({ type: 'report', report: report(clients.map((c) => c.seen), m.final) }, () => process.exit(0));
    });
    process.send!({ type: 'ready', connected: clients.length });
  } catch (err) {
    process.send!({ type: 'failed', error: (err as Error).message }, () => process.exit(1));
  }
});
process.on('disconnect', () => process.exit(0));
