import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface SinkStats {
  accepted: number;
  bytes: number;
  /** Epoch ms of the first and the last accepted message. */
  firstAt: number | null;
  lastAt: number | null;
  /** Accepted messages by AUTH user. */
  byUser: Record<string, number>;
}

export interface BenchSink {
  port: number;
  stats(): Promise<SinkStats>;
  reset(): Promise<SinkStats>;
  /** Resolves once `count` messages were accepted; rejects when none arrived for `idleMs`. */
  waitFor(count: number, idleMs?: number): Promise<SinkStats>;
  stop(): Promise<void>;
}

/** Starts sink-server.ts in its own process. */
export async function startBenchSink(): Promise<BenchSink> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'sink-server.ts')], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /READY (\d+)/.exec(d.toString());
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`the bench sink exited with ${code}`)));
  });
  const ask = (type: 'stats' | 'reset') =>
    new Promise<SinkStats>((ok) => {
      child.once('message', (reply: { stats: SinkStats }) => ok(reply.stats));
      child.send({ type });
    });
  return {
    port,
    stats: () => ask('stats'),
    reset: () => ask('reset'),
    async waitFor(count, idleMs = 30_000) {
      let last = -1;
      let lastChange = Date.now();
      for (;;) {
        const s = await ask('stats');
        if (s.accepted >= count) return s;
        if (s.accepted !== last) [last, lastChange] = [s.accepted, Date.now()];
        if (Date.now() - lastChange > idleMs) throw new Error(`the sink got ${s.accepted} of ${count} messages and nothing more for ${idleMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill();
      await exited;
    },
  };
}
