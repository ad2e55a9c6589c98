// Live latency: 200 socket.io clients in their own process watch a mailing while the real server
// sends it at full speed; each push's server time against its receipt. The baseline replays the
// same pushes from a bare socket.io server to the same clients; `hub` feeds the server's live hub
// more events than the engine sends today.
//   npx tsx bench/live-latency/index.ts [--rounds 3] [--recipients 20000] [--seconds 60] [--rate 1000]
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, variantArg } from '../lib/rounds.js';
import { median, round } from '../lib/stats.js';
import { finalJson, machine, table } from '../lib/report.js';
import type { RoundResult } from './clients.js';
import { product } from './product.js';
import { baseline } from './baseline.js';
import { hubAtRate } from './synthetic.js';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, recipients: { type: 'string', default: '20000' }, seconds: { type: 'string', default: '60' }, rate: { type: 'string', default: '1000' }, variant: { type: 'string' } },
});
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? args.recipients);
const SECONDS = Number(process.env.BENCH_SECONDS ?? args.seconds);
const RATE = Number(process.env.BENCH_RATE ?? args.rate);
// The product's pushes, as its first client received them; the next baseline replays the latest.
const RECORDING = process.env.BENCH_RECORDING ?? join(tmpdir(), `live-latency-${process.pid}.json`);
const TARGET_P95_MS = 250;

const healthy = (r: RoundResult) => r.clients === 200 && r.disconnects === 0 && r.behind === 0 && r.regressions === 0;
const medianOf = (rounds: RoundResult[], pick: (r: RoundResult) => number) => median(rounds.map(pick));

const variant = variantArg();
if (variant === 'product') finalJson({ ...(await product({ recipients: RECIPIENTS, seconds: SECONDS, recordTo: RECORDING })) });
else if (variant === 'baseline') finalJson({ ...(await baseline({ recordedFrom: RECORDING })) });
else if (variant === 'hub') finalJson({ ...(await hubAtRate({ rate: RATE, seconds: Math.min(SECONDS, 30) })) });
else {
  console.log(`Live latency: 200 sockets watch a mailing of ${RECIPIENTS} recipients for at most ${SECONDS} s; the hub alone at ${RATE} events/s; ${args.rounds} alternating rounds`);
  // The product runs first, so the first baseline has a recording to replay.
  const results = await alternate<RoundResult>('bench/live-latency/index.ts', ['product', 'baseline', 'hub'], Number(args.rounds), {
    BENCH_RECIPIENTS: String(RECIPIENTS), BENCH_SECONDS: String(SECONDS), BENCH_RATE: String(RATE), BENCH_RECORDING: RECORDING,
  });
  rmSync(RECORDING, { force: true });
  const [prod, base, hub] = ['product', 'baseline', 'hub'].map((v) => results.get(v)!);
  table(
    'Every round (latency = receipt − the push\'s server time, ms, over every client\'s pushes)',
    ['round', 'variant', 'events/s in', 's', 'sockets', 'pushes/client min', 'median', 'max', 'KB/client', 'p50', 'p95', 'p99', 'max ms', 'p95 progress', 'p95 changes', 'disconnects', 'behind', 'out of order'],
    prod.flatMap((p, i) => [p, base[i], hub[i]].map((r) => [
      i + 1, r.variant, r.eventsPerSecond, r.seconds, r.clients, r.events.min, r.events.median, r.events.max, Math.round(r.bytesPerClient / 1024),
      r.latency.p50, r.latency.p95, r.latency.p99, r.latency.max, r.byEvent['mailing:progress:v1'].p95, r.byEvent['mailing:recipients:v1'].p95, r.disconnects, r.behind, r.regressions,
    ])),
  );
  const p95 = { product: medianOf(prod, (r) => r.latency.p95), baseline: medianOf(base, (r) => r.latency.p95), hub: medianOf(hub, (r) => r.latency.p95) };
  const ratio = round(p95.product / p95.baseline, 2);
  const everyoneKept = prod.every(healthy);
  table('Median of the rounds', ['', 'events/s in', 'p50 ms', 'p95 ms', 'p99 ms'], [
    ['baseline (bare socket.io, the product\'s pushes)', medianOf(base, (r) => r.eventsPerSecond), medianOf(base, (r) => r.latency.p50), p95.baseline, medianOf(base, (r) => r.latency.p99)],
    ['product (server, engine, hub, MariaDB)', medianOf(prod, (r) => r.eventsPerSecond), medianOf(prod, (r) => r.latency.p50), p95.product, medianOf(prod, (r) => r.latency.p99)],
    ['ratio of p95 (product / baseline)', '', '', ratio, ''],
    [`hub alone, fed ${RATE} events/s`, medianOf(hub, (r) => r.eventsPerSecond), medianOf(hub, (r) => r.latency.p50), p95.hub, medianOf(hub, (r) => r.latency.p99)],
  ]);
  console.log(`\nTarget: p95 ≤ ${TARGET_P95_MS} ms (product ${p95.product} ms), every client connected to the end, caught up and in order (${everyoneKept ? 'yes' : 'no'})`);
  finalJson({
    bench: 'live-latency', machine: await machine(), recipients: RECIPIENTS, sockets: 200, maxSeconds: SECONDS,
    eventsPerSecond: medianOf(prod, (r) => r.eventsPerSecond), p50: medianOf(prod, (r) => r.latency.p50), p95: p95.product, p99: medianOf(prod, (r) => r.latency.p99), max: Math.max(...prod.map((r) => r.latency.max)),
    baselineP95: p95.baseline, ratio, everyoneKept,
    hub: { eventsPerSecond: medianOf(hub, (r) => r.eventsPerSecond), p95: p95.hub, everyoneKept: hub.every(healthy) },
    rounds: Object.fromEntries([...results].map(([v, rs]) => [v, rs.map(({ variant: _, ...r }) => r)])),
    targets: { p95Ms: TARGET_P95_MS, disconnects: 0, behind: 0 },
    pass: p95.product <= TARGET_P95_MS && everyoneKept,
  });
}
