// Why this file exists: the benchmarks' SMTP server, run as its own process so it never shares an
// event loop with what is measured. It accepts everything, parses nothing, and counts: how many
// messages it accepted and when the first and the last arrived, which the parent asks for over IPC.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SinkStats } from './sink.js';

const stats: SinkStats = { accepted: 0, bytes: 0, firstAt: null, lastAt: null, byUser: {} };

const server = new SMTPServer({
  authMethods: ['PLAIN', 'LOGIN'],
  authOptional: true,
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  // Real servers accept many clients at once; the default (unlimited) is kept explicit.
  maxClients: 10_000,
  onAuth(auth, _session, callback) {
    callback(null, { user: auth.username });
  },
  onData(stream, session, callback) {
    let size = 0;
    stream.on('data', (chunk: Buffer) => (size += chunk.length));
    stream.on('end', () => {
      const now = Date.now();
      stats.accepted++;
      stats.bytes += size;
      stats.firstAt ??= now;
      stats.lastAt = now;
      const user = String(session.user ?? '');
      stats.byUser[user] = (stats.byUser[user] ?? 0) + 1;
      callback(null, 'OK: queued');
    });
  },
});
server.on('error', (err) => console.error('[bench-sink]', err.message));

process.on('message', (req: { type: 'stats' | 'reset' }) => {
  if (req.type === 'reset') Object.assign(stats, { accepted: 0, bytes: 0, firstAt: null, lastAt: null, byUser: {} });
  process.send!({ type: 'stats', stats });
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.server.address() as AddressInfo).port}`));
