// Mailing attachment: the same mailing to 2,000 recipients, once with a 5 MB attachment and once
// without, each sent by a real worker process into the counting sink; the worker's memory is
// sampled from /proc while it sends. Does the attachment cost memory per recipient, or only bytes?
//   npx tsx bench/mailing-attachment/index.ts [--rounds 2] [--recipients 2000] [--mb 5]
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initORM } from '../../server/db/orm.js';
import { attachmentsDirOf } from '../../server/db/attachment-files.js';
import { MailingSchema, MessageAttachmentSchema } from '../../server/db/entities/index.js';
import { scratchDatabase } from '../../tests/support/databases.js';
import { scratchJobStore, startWorker } from '../../tests/support/server-process.js';
import { startBenchSink } from '../lib/sink.js';
import { seedSendingRun, startMailing } from '../lib/fixtures.js';
import { alternate, variantArg } from '../lib/rounds.js';
import { median, round } from '../lib/stats.js';
import { memoryOf, slopePerMinute } from '../lib/process-memory.js';
import { finalJson, machine, table } from '../lib/report.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, recipients: { type: 'string', default: '2000' }, mb: { type: 'string', default: '5' }, variant: { type: 'string' } } });
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? args.recipients);
const FILE_BYTES = Math.round(Number(process.env.BENCH_MB ?? args.mb) * 2 ** 20);
const ACCOUNTS = 4;
const DOMAIN = 'bench.test';
const SAMPLE_MS = 250;

interface RoundResult {
  variant: string;
  messages: number;
  /** Bytes the sink received, all messages together. */
  megabytes: number;
  seconds: number;
  perSecond: number;
  /** The worker's RSS, MB: when the first message arrived, the highest sample, when the last arrived. */
  rssStart: number;
  rssPeak: number;
  rssEnd: number;
  /** VmHWM at the end: the highest RSS the worker ever had, samples or not. */
  hwm: number;
  /** Least-squares slope of RSS over the sending, MB per minute. */
  slope: number;
}

/** The worker's RSS every SAMPLE_MS, with how many messages the sink had accepted by then. */
async function sampleWhileSending(pid: number, sink: Awaited<ReturnType<typeof startBenchSink>>) {
  const samples: { seconds: number; rss: number; accepted: number }[] = [];
  const started = Date.now();
  let lastChange = Date.now();
  for (;;) {
    const stats = await sink.stats();
    if (stats.accepted !== (samples.at(-1)?.accepted ?? 0)) lastChange = Date.now();
    samples.push({ seconds: (Date.now() - started) / 1000, rss: memoryOf(pid).rss, accepted: stats.accepted });
    if (stats.accepted >= RECIPIENTS) return { samples, stats };
    if (Date.now() - lastChange > 60_000) throw new Error(`the sink got ${stats.accepted} of ${RECIPIENTS} messages and nothing more for 60 s`);
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
  }
}

/** One mailing sent by a real `--role worker` process; with `withFile`, its message carries FILE_BYTES of PDF. */
async function send(withFile: boolean): Promise<RoundResult> {
  const sink = await startBenchSink();
  const db = await scratchDatabase('mysql');
  if (db.target.kind !== 'mysql') throw new Error('unreachable');
  const jobStore = scratchJobStore();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-attachment-'));
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  try {
    const orm = await initORM(db.target);
    const sender = await seedSendingRun(orm, { sinkPort: sink.port, accounts: ACCOUNTS, recipients: RECIPIENTS, domain: DOMAIN });
    if (withFile) {
      // Stored as an upload leaves it: the bytes under their hash, one row naming them.
      const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(FILE_BYTES - 16), Buffer.from('\n%%EOF\n')]);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      mkdirSync(attachmentsDirOf(dataDir), { recursive: true });
      writeFileSync(join(attachmentsDirOf(dataDir), sha256), bytes);
      await orm.em.fork().insert(MessageAttachmentSchema, { message: sender.messageId, filename: 'catalogue.pdf', contentType: 'application/pdf', size: bytes.length, sha256, contentId: null, createdAt: new Date() });
    }
    const mailingId = await startMailing(orm, sender);
    worker = await startWorker({ databaseUrl: db.target.url, env: { DATA_DIR: dataDir, DEMO_DATA: 'off', MAIL_SINK: 'off', JOBS_URL: jobStore.url, JOBS_POLL_SECONDS: '0.2' } });
    const pid = worker.child.pid!;
    const { samples, stats } = await sampleWhileSending(pid, sink);
    const hwm = memoryOf(pid).peak;
    const mailing = await orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId });
    if (mailing.sentCount !== RECIPIENTS || stats.accepted !== RECIPIENTS) throw new Error(`sent ${mailing.sentCount}, sink accepted ${stats.accepted}, expected ${RECIPIENTS} each`);
    await orm.close();
    // From the first accepted message to the last: start-up and seeding are not sending.
    const sending = samples.filter((s, i) => s.accepted > 0 || samples[i + 1]?.accepted > 0);
    const seconds = (stats.lastAt! - stats.firstAt!) / 1000;
    return {
      variant: withFile ? 'attachment' : 'plain', messages: stats.accepted, megabytes: round(stats.bytes / 2 ** 20), seconds: round(seconds, 2), perSecond: round((stats.accepted - 1) / seconds),
      rssStart: round(sending[0].rss), rssPeak: round(Math.max(...sending.map((s) => s.rss))), rssEnd: round(sending.at(-1)!.rss), hwm: round(hwm),
      slope: round(slopePerMinute(sending.map((s) => ({ seconds: s.seconds, rss: s.rss }))), 2),
    };
  } finally {
    await worker?.stop();
    await sink.stop();
    await db.drop();
    jobStore.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const variant = variantArg();
if (variant === 'plain' || variant === 'attachment') finalJson({ ...(await send(variant === 'attachment')) });
else {
  console.log(`Mailing attachment: ${RECIPIENTS} recipients over ${ACCOUNTS} accounts, without and with a ${round(FILE_BYTES / 2 ** 20)} MB attachment, ${args.rounds} alternating rounds`);
  const results = await alternate<RoundResult>('bench/mailing-attachment/index.ts', ['plain', 'attachment'], Number(args.rounds), { BENCH_RECIPIENTS: String(RECIPIENTS), BENCH_MB: String(FILE_BYTES / 2 ** 20) });
  const rows = [...results.get('plain')!, ...results.get('attachment')!];
  table('Every round (RSS of the worker process, MB; slope in MB per minute)', ['variant', 'msg/s', 'MB sent', 'seconds', 'RSS start', 'RSS peak', 'RSS end', 'VmHWM', 'slope'],
    rows.map((r) => [r.variant, r.perSecond, r.megabytes, r.seconds, r.rssStart, r.rssPeak, r.rssEnd, r.hwm, r.slope]));
  const of = (v: string, key: keyof RoundResult) => median(results.get(v)!.map((r) => r[key] as number));
  const ratio = round(of('attachment', 'perSecond') / of('plain', 'perSecond'), 3);
  const extraPeak = round(of('attachment', 'rssPeak') - of('plain', 'rssPeak'));
  // Flat: the file adds a few copies of itself at most (nowhere near one per recipient), and
  // memory does not grow while the 2,000 go out.
  const flat = extraPeak < (10 * FILE_BYTES) / 2 ** 20 && of('attachment', 'slope') < 10;
  table('Median', ['', 'plain', 'attachment'], [
    ['messages per second', of('plain', 'perSecond'), of('attachment', 'perSecond')],
    ['MB per second into the sink', round(of('plain', 'megabytes') / of('plain', 'seconds')), round(of('attachment', 'megabytes') / of('attachment', 'seconds'))],
    ['RSS peak, MB', of('plain', 'rssPeak'), of('attachment', 'rssPeak')],
    ['RSS slope, MB/min', of('plain', 'slope'), of('attachment', 'slope')],
  ]);
  console.log(`\nthroughput ratio (attachment / plain): ${ratio}; extra peak RSS with the file: ${extraPeak} MB (one copy per recipient would be ${round((RECIPIENTS * FILE_BYTES) / 2 ** 20)} MB)`);
  finalJson({
    bench: 'mailing-attachment', machine: await machine(), recipients: RECIPIENTS, attachmentMb: round(FILE_BYTES / 2 ** 20), accounts: ACCOUNTS,
    plainPerSecond: of('plain', 'perSecond'), attachmentPerSecond: of('attachment', 'perSecond'), ratio, plainPeakRssMb: of('plain', 'rssPeak'), attachmentPeakRssMb: of('attachment', 'rssPeak'), extraPeakRssMb: extraPeak,
    attachmentSlopeMbPerMin: of('attachment', 'slope'), rounds: Object.fromEntries([...results].map(([v, rs]) => [v, rs])), pass: flat,
  });
}
