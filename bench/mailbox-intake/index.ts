// Mailbox intake: readInbox over a real dovecot mailbox of 10,000 mixed messages (answers to a
// real ledger and unrelated mail), against imapflow fetching the same mailbox and mailparser
// parsing it, nothing else. Each variant runs in a fresh process, in alternating order.
//   npx tsx bench/mailbox-intake/index.ts [--rounds 3] [--messages 10000]
import { parseArgs } from 'node:util';
import { startDovecot } from '../../tests/support/dovecot.js';
import { alternate, variantArg } from '../lib/rounds.js';
import { median, round } from '../lib/stats.js';
import { finalJson, machine, table } from '../lib/report.js';
import { onInterrupt } from '../lib/interrupt.js';
import { MIX, planMailbox, SENDER } from './plan.js';
import { mailboxMessages } from './messages.js';
import { baseline } from './baseline.js';
import { intake } from './product.js';
import type { RoundResult } from './results.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, messages: { type: 'string', default: '10000' }, variant: { type: 'string' } } });
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? args.messages);
/** The bench's own IMAP ports: the tests' dovecots use 14300–14399 (tests/support/imap-ports.ts). */
const IMAP_PORTS = { first: 14400, last: 14499 };
/** Flat: the live heap grows by less than this per 1,000 messages once warm (a leak of 1 KB a message reads 1). */
const TARGETS = { perSecond: 500, liveHeapSlopeMbPer1000: 1 };

const variant = variantArg();
if (variant === 'baseline') finalJson({ ...(await baseline(Number(process.env.BENCH_IMAP_PORT), MESSAGES)) });
else if (variant === 'intake') finalJson({ ...(await intake(Number(process.env.BENCH_IMAP_PORT), MESSAGES, Number(process.env.BENCH_ANCHOR))) });
else await coordinate();

async function coordinate() {
  console.log(`Mailbox intake: ${MESSAGES} messages (${Object.entries(MIX).map(([k, s]) => `${Math.round(s * 100)}% ${k}`).join(', ')}), ${args.rounds} alternating rounds`);
  // The ledger's send times and the answers' dates are both counted back from here.
  const anchor = Date.now();
  const dovecot = await startDovecot({ [SENDER.email]: SENDER.password }, { ports: IMAP_PORTS });
  const uninterrupted = onInterrupt(() => dovecot.stop());
  try {
    let bytes = 0;
    const started = performance.now();
    // Written into the maildir and indexed by dovecot: APPENDing 10,000 took 64-192 s on two busy cores.
    const delivered = await dovecot.deliverToInbox(SENDER.email, (function* () {
      for (const raw of mailboxMessages(planMailbox(MESSAGES), anchor)) {
        bytes += raw.length;
        yield raw;
      }
    })());
    const fillSeconds = (performance.now() - started) / 1000;
    console.log(`  delivered ${delivered} messages (${round(bytes / 2 ** 20)} MB) to dovecot's maildir and indexed them in ${round(fillSeconds)} s; IMAP on port ${dovecot.port}`);

    const env = { BENCH_IMAP_PORT: String(dovecot.port), BENCH_ANCHOR: String(anchor), BENCH_MESSAGES: String(MESSAGES) };
    const results = await alternate<RoundResult>('bench/mailbox-intake/index.ts', ['baseline', 'intake'], Number(args.rounds), env);
    await report(results.get('baseline')!, results.get('intake')!, { fillSeconds, mailboxMb: round(bytes / 2 ** 20) });
  } finally {
    uninterrupted();
    await dovecot.stop();
  }
}

async function report(base: RoundResult[], prod: RoundResult[], mailbox: { fillSeconds: number; mailboxMb: number }) {
  table('Messages per second (connect to last message)', ['round', 'baseline msg/s', 'intake msg/s', 'ratio', 'intake acted on', 'breaker tripped at'], base.map((b, i) => [i + 1, round(b.perSecond), round(prod[i].perSecond), round(prod[i].perSecond / b.perSecond, 2), prod[i].acted!, prod[i].breakerAt ?? '-']));
  const seconds = (r: RoundResult, key: string) => round((r.stages[key] ?? 0) / 1000, 2);
  // The intake fetches and classifies ahead while it applies: its stages overlap and need not add up to the wall time.
  table('Where the time goes (seconds; the intake\'s stages overlap)', ['round', 'variant', 'wall', 'waiting for FETCH', 'parse', 'classify', 'transactions'], [
    ...base.map((b, i) => [i + 1, 'baseline', round(b.seconds, 2), seconds(b, 'fetchMs'), seconds(b, 'parseMs'), '-', '-']),
    ...prod.map((p, i) => [i + 1, 'intake', round(p.seconds, 2), seconds(p, 'fetchMs'), '-', seconds(p, 'classifyMs'), seconds(p, 'transactionMs')]),
  ]);
  table('Memory (MB; slopes in MB per 1,000 messages: RSS over the second half [whole run], the live heap from 2,000 messages on)', ['round', 'variant', 'RSS start', 'peak', 'end', 'slope', 'heap used start', 'peak', 'end', 'live heap at 1,000 … at the end', 'slope'], [...base, ...prod].map((r, i) => {
    const m = r.memory;
    const live = m.live.map((l) => l.liveHeapMb);
    return [(i % base.length) + 1, r.variant, m.startRssMb, m.peakRssMb, m.endRssMb, `${m.rssSlope} [${m.rssSlopeWhole}]`, m.startHeapMb, m.peakHeapMb, m.endHeapMb, `${live[0]} … ${live[live.length - 1]}`, m.liveHeapSlope];
  }));
  const baseMedian = round(median(base.map((r) => r.perSecond)));
  const prodMedian = round(median(prod.map((r) => r.perSecond)));
  const ratio = round(prodMedian / baseMedian, 3);
  const heapSlope = Math.max(...prod.map((r) => r.memory.liveHeapSlope));
  const rssSlope = Math.max(...prod.map((r) => r.memory.rssSlope));
  table('Median', ['', 'value'], [['baseline (imapflow + mailparser) msg/s', baseMedian], ['intake msg/s (target ≥ 500)', prodMedian], ['ratio intake / baseline', ratio], ['intake live heap slope, worst round, MB / 1,000 msgs (target ≤ 1)', heapSlope], ['intake RSS slope, worst round, MB / 1,000 msgs', rssSlope]]);
  finalJson({
    bench: 'mailbox-intake', machine: await machine(), messages: MESSAGES, mailboxMb: mailbox.mailboxMb, fillSeconds: round(mailbox.fillSeconds, 1),
    baselinePerSecond: baseMedian, intakePerSecond: prodMedian, ratio, intakeLiveHeapSlopeMbPer1000: heapSlope, intakeRssSlopeMbPer1000: rssSlope,
    intakePeakRssMb: Math.max(...prod.map((r) => r.memory.peakRssMb)), breakerAt: prod[0].breakerAt,
    rounds: { baseline: base.map((r) => round(r.perSecond)), intake: prod.map((r) => round(r.perSecond)), intakeStages: prod.map((r) => r.stages), memory: Object.fromEntries(['baseline', 'intake'].map((v) => [v, (v === 'baseline' ? base : prod).map((r) => r.memory)])) },
    targets: TARGETS, pass: prodMedian >= TARGETS.perSecond && heapSlope <= TARGETS.liveHeapSlopeMbPer1000,
  });
}
