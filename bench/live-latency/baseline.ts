import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server } from 'socket.io';
import type { MailingProgressV1, RecipientChangesV1 } from '../../server/live/protocol.js';
import { round } from '../lib/stats.js';
import { startClients, type Recorded, type RoundResult } from './clients.js';

const SOCKETS = 200;

/**
 * The baseline: a bare socket.io server (no app, no database, no engine) replays the pushes the
 * product's first client received, same events, same payloads, at the same moments, to the same
 * 200 sockets. What is left is socket.io and the clients' own process on this machine.
 */
export async function baseline(opts: { recordedFrom: string }): Promise<RoundResult> {
  const recorded = JSON.parse(readFileSync(opts.recordedFrom, 'utf8')) as Recorded[];
  const progress = recorded.filter((r) => r.event === 'mailing:progress:v1').map((r) => r.payload as unknown as MailingProgressV1);
  const last = progress.at(-1);
  if (!last) throw new Error(`${opts.recordedFrom} holds no progress push`);

  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) =>
    socket.on('mailing:watch', async (mailingId: number, reply: (r: unknown) => void) => {
      await socket.join(`mailing:${mailingId}`);
      reply({ ok: true, snapshot: null, viewers: [], at: new Date().toISOString() });
    }),
  );
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  const room = `mailing:${last.mailingId}`;
  const clients = await startClients({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, cookies: Array.from({ length: SOCKETS }, () => undefined), mailingId: last.mailingId });
  try {
    clients.start();
    const started = Date.now();
    for (const r of recorded) {
      const wait = started + r.t - Date.now();
      if (wait > 0) await sleep(wait);
      io.to(room).emit(r.event, { ...r.payload, at: new Date().toISOString() });
    }
    await sleep(1000);
    const seconds = (Date.now() - started) / 1000;
    // The product's last counters are what every client should end with.
    const report = await clients.finish({ status: last.status, total: last.total, sent: last.sent, failed: last.failed });
    const changes = recorded.filter((r) => r.event === 'mailing:recipients:v1').reduce((n, r) => n + (r.payload as unknown as RecipientChangesV1).changes.length, 0);
    return { variant: 'baseline', ...report, seconds: round(seconds, 1), eventsPerSecond: round(changes / (recorded.at(-1)!.t / 1000)) };
  } finally {
    clients.stop();
    await new Promise((ok) => void io.close(() => ok(null)));
  }
}
