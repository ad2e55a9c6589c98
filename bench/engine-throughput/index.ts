// Engine throughput: the full engine (a worker process: agenda, the ledger on MariaDB, pooled
// nodemailer) against nodemailer's pooled transport alone, both into the same kind of sink.
//   npx tsx bench/engine-throughput/index.ts [--rounds 3] [--recipients 20000]
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { initORM } from '../../server/db/orm.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { loadSecretKey } from '../../server/security/secret-key.js';
import { compose } from '../../server/engine/compose.js';
import { MailingSchema } from '../../server/db/entities/index.js';
import type { EmailAccount } from '../../server/db/entities/email-account.entity.js';
import type { Settings } from '../../server/db/entities/settings.entity.js';
import { scratchDatabase } from '../../tests/support/databases.js';
import { scratchJobStore, startWorker, TEST_SECRET_KEY } from '../../tests/support/server-process.js';
import { startBenchSink, type SinkStats } from '../lib/sink.js';
import { BENCH_MESSAGE, recipientEmail, recipientName, seedSendingRun, startMailing } from '../lib/fixtures.js';
import { alternate, variantArg } from '../lib/rounds.js';
import { median, round } from '../lib/stats.js';
import { finalJson, machine, table } from '../lib/report.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, recipients: { type: 'string', default: '20000' }, variant: { type: 'string' } } });
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? args.recipients);
const ACCOUNTS = 4;
const DOMAIN = 'bench.test';

interface RoundResult {
  variant: string;
  messages: number;
  seconds: number;
  perSecond: number;
}

/** Messages per second from the first to the last message the sink accepted. */
function rate(variant: string, stats: SinkStats): RoundResult {
  const seconds = (stats.lastAt! - stats.firstAt!) / 1000;
  return { variant, messages: stats.accepted, seconds: round(seconds, 2), perSecond: round((stats.accepted - 1) / seconds) };
}

/** The same messages the engine builds (same template, variables, unsubscribe link and headers), built before the clock starts. */
async function renderAll(secrets: SecretBox): Promise<Mail.Options[][]> {
  const settings = { publicBaseUrl: 'http://localhost:3000', unsubscribeMailto: null, unsubscribeText: 'To stop receiving these e-mails, unsubscribe here: {{ unsubscribe_url }}' } as Settings;
  const byAccount: Mail.Options[][] = Array.from({ length: ACCOUNTS }, () => []);
  for (let i = 0; i < RECIPIENTS; i++) {
    const n = i % ACCOUNTS;
    const account = { fromName: 'Bench Sender', fromEmail: `sender${n + 1}@bench.test`, dkimDomain: null } as EmailAccount;
    byAccount[n].push(
      await compose(secrets, {
        mailingId: 1, recipientType: 'company', content: { ...BENCH_MESSAGE, text: null }, signature: null, account, settings,
        to: { email: recipientEmail(i, DOMAIN), name: recipientName(i) }, fields: { name: recipientName(i), website: null, email: recipientEmail(i, DOMAIN), country: null },
        rowId: i + 1, messageId: `<${randomBytes(8).toString('hex')}@bench.test>`, attachments: [], attachmentsDir: undefined, locale: 'en',
      }),
    );
  }
  return byAccount;
}

/** Baseline: one pooled nodemailer transport per account, shaped as the engine's (one connection each), no database. */
async function baseline(): Promise<RoundResult> {
  const sink = await startBenchSink();
  try {
    const messages = await renderAll(new SecretBox(loadSecretKey(TEST_SECRET_KEY, '')));
    await Promise.all(
      messages.map(async (list, n) => {
        const transport = nodemailer.createTransport({ pool: true, maxConnections: 1, maxMessages: 100, maxRequeues: 0, host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true, auth: { user: `sender${n + 1}@bench.test`, pass: 'bench' } });
        await Promise.all(list.map((m) => transport.sendMail(m)));
        transport.close();
      }),
    );
    return rate('baseline', await sink.waitFor(RECIPIENTS));
  } finally {
    await sink.stop();
  }
}

/** The product: a real `--role worker` process sends an active mailing made through createMailings. */
async function engine(): Promise<RoundResult> {
  const sink = await startBenchSink();
  const db = await scratchDatabase('mysql');
  if (db.target.kind !== 'mysql') throw new Error('unreachable');
  const jobStore = scratchJobStore();
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  try {
    const orm = await initORM(db.target);
    const mailingId = await startMailing(orm, await seedSendingRun(orm, { sinkPort: sink.port, accounts: ACCOUNTS, recipients: RECIPIENTS, domain: DOMAIN }));
    // Agenda on PostgreSQL, as in production (JOBS_URL): the embedded store would run its
    // database in the worker's own thread, which no deployment that cares about speed does.
    worker = await startWorker({ databaseUrl: db.target.url, env: { DEMO_DATA: 'off', MAIL_SINK: 'off', JOBS_URL: jobStore.url, JOBS_POLL_SECONDS: '0.2' } });
    const stats = await sink.waitFor(RECIPIENTS, 60_000);
    const mailing = await orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId });
    if (mailing.sentCount !== RECIPIENTS || stats.accepted !== RECIPIENTS) throw new Error(`sent ${mailing.sentCount}, sink accepted ${stats.accepted}, expected ${RECIPIENTS} each`);
    await orm.close();
    return rate('engine', stats);
  } finally {
    await worker?.stop();
    await sink.stop();
    await db.drop();
    jobStore.drop();
  }
}

const variant = variantArg();
if (variant === 'baseline') finalJson({ ...(await baseline()) });
else if (variant === 'engine') finalJson({ ...(await engine()) });
else {
  console.log(`Engine throughput: ${RECIPIENTS} recipients over ${ACCOUNTS} accounts, ${args.rounds} alternating rounds`);
  const results = await alternate<RoundResult>('bench/engine-throughput/index.ts', ['baseline', 'engine'], Number(args.rounds), { BENCH_RECIPIENTS: String(RECIPIENTS) });
  const base = results.get('baseline')!;
  const eng = results.get('engine')!;
  table('Messages per second (first to last accepted by the sink)', ['round', 'baseline msg/s', 'engine msg/s', 'ratio'], base.map((b, i) => [i + 1, b.perSecond, eng[i].perSecond, round(eng[i].perSecond / b.perSecond, 2)]));
  const baseMedian = median(base.map((r) => r.perSecond));
  const engMedian = median(eng.map((r) => r.perSecond));
  const ratio = round(engMedian / baseMedian, 3);
  table('Median', ['', 'msg/s'], [['baseline (nodemailer alone)', baseMedian], ['engine', engMedian], ['ratio (target ≥ 0.6)', ratio]]);
  finalJson({ bench: 'engine-throughput', machine: await machine(), recipients: RECIPIENTS, accounts: ACCOUNTS, baselinePerSecond: baseMedian, enginePerSecond: engMedian, ratio, rounds: { baseline: base.map((r) => r.perSecond), engine: eng.map((r) => r.perSecond) }, targets: { ratio: 0.6, perSecond: 500 }, pass: engMedian / baseMedian >= 0.6 && engMedian >= 500 });
}
