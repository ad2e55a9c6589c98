// A million recipients: the real server makes and starts one mailing of 1,000,000 companies through
// the API; how long it takes against a raw INSERT … SELECT of the same rows, how much memory the
// server needs for it against its own idle size, and whether that memory stays flat while it sends.
//   npx tsx bench/million-recipients/index.ts [--recipients 1000000] [--send-seconds 120]
import { parseArgs } from 'node:util';
import { initORM } from '../../server/db/orm.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { loadSecretKey } from '../../server/security/secret-key.js';
import type { MailingDetailDto, PreflightDto } from '../../server/http/schemas/mailings.js';
import { scratchDatabase } from '../../tests/support/databases.js';
import { scratchJobStore, startServer, TEST_SECRET_KEY, type ServerProcess } from '../../tests/support/server-process.js';
import { startBenchSink } from '../lib/sink.js';
import { seedCompanies, seedSender } from '../lib/fixtures.js';
import { get, post, signIn } from '../lib/api.js';
import { round } from '../lib/stats.js';
import { finalJson, machine, table } from '../lib/report.js';
import { seedExclusions } from './seed.js';
import { rawLedgerInsert } from './floor.js';
import { memoryOf, sampleRss, slopePerMinute } from '../lib/process-memory.js';

const { values: args } = parseArgs({ options: { recipients: { type: 'string', default: '1000000' }, 'send-seconds': { type: 'string', default: '120' } } });
const RECIPIENTS = Number(args.recipients);
const SEND_SECONDS = Number(args['send-seconds']);
const ACCOUNTS = 4;
const DOMAIN = 'bench.test';
const TARGETS = { createdSeconds: 60, peakRssMb: 300, sendingSlopeMbPerMinute: 5 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (since: number) => (performance.now() - since) / 1000;

const sink = await startBenchSink();
const db = await scratchDatabase('mysql');
if (db.target.kind !== 'mysql') throw new Error('unreachable');
// The job store runs outside the server (PostgreSQL, as JOBS_URL does in production), so the RSS measured is the server's own.
const jobStore = scratchJobStore();
let server: ServerProcess | null = null;
try {
  console.log(`A million recipients: ${RECIPIENTS} mailable companies over ${ACCOUNTS} accounts, then ${SEND_SECONDS} s of sending`);
  const orm = await initORM(db.target);
  const sender = await seedSender(orm, secrets(), { sinkPort: sink.port, accounts: ACCOUNTS });
  let started = performance.now();
  await seedCompanies(orm, sender, RECIPIENTS, DOMAIN);
  const excluded = await seedExclusions(orm, sender, RECIPIENTS, Math.round(RECIPIENTS / 100), DOMAIN);
  console.log(`  seeded ${RECIPIENTS} mailable companies and ${excluded.optedOut} each opted out, duplicate and unsubscribed in ${round(seconds(started))} s`);
  const floor = await rawLedgerInsert(orm, sender);
  if (floor.rows !== RECIPIENTS) throw new Error(`the raw insert wrote ${floor.rows} rows, expected ${RECIPIENTS}`);
  console.log(`  baseline: INSERT … SELECT of the same ${floor.rows} ledger rows in ${round(floor.seconds, 2)} s`);
  await orm.close();

  // The heap limit `npm start` sets; reconcile at its default pace, as in production.
  server = await startServer({ databaseUrl: db.target.url, env: { DEMO_DATA: 'off', MAIL_SINK: 'off', JOBS_URL: jobStore.url, JOBS_POLL_SECONDS: '0.2', NODE_OPTIONS: '--max-old-space-size=256' } });
  const pid = server.child.pid!;
  const url = server.url;
  const signedIn = await signIn(url, sender.ownerEmail);
  await sleep(5000);
  const idle = memoryOf(pid);
  console.log(`  server pid ${pid} idle: RSS ${round(idle.rss)} MB`);

  // What the Make Massmail dialog does with no row selected: the pre-flight, then the creation, of the whole filter.
  const request = { messageId: sender.messageId, selections: { company: { filter: {} } } };
  let sampler = sampleRss(pid, 100);
  started = performance.now();
  const preflight = (await post<{ reports: PreflightDto[] }>(url, signedIn, '/api/mailings/preflight', request)).reports[0];
  const preflightSeconds = seconds(started);
  const preflightRss = sampler.stop();
  console.log(`  pre-flight in ${round(preflightSeconds, 2)} s: ${preflight.recipients} recipients, excluded ${JSON.stringify(preflight.excluded)}`);

  sampler = sampleRss(pid, 100);
  started = performance.now();
  const created = await post<{ mailings: MailingDetailDto[]; reports: PreflightDto[] }>(url, signedIn, '/api/mailings', { ...request, start: 'active' });
  const responseSeconds = seconds(started);
  const creationRss = sampler.stop();
  // The kernel's high-water mark at the response: the peak of everything up to and including the creation.
  const creationPeak = memoryOf(pid).peak;
  const mailingId = created.mailings[0].id;
  let status = '';
  while (!['active', 'active_error'].includes(status)) status = (await get<MailingDetailDto>(url, signedIn, `/api/mailings/${mailingId}`)).status;
  const activeSeconds = seconds(started);
  const report = created.reports[0];
  if (report.recipients !== RECIPIENTS || JSON.stringify(report.excluded) !== JSON.stringify(preflight.excluded)) {
    throw new Error(`created ${report.recipients} recipients excluding ${JSON.stringify(report.excluded)}; pre-flight said ${preflight.recipients}, ${JSON.stringify(preflight.excluded)}`);
  }
  console.log(`  created mailing ${mailingId} (${report.recipients} recipients, ${report.allocation.map((a) => a.recipients).join(' / ')} per account) in ${round(responseSeconds, 2)} s, active after ${round(activeSeconds, 2)} s`);

  const samples: { seconds: number; rss: number; sent: number }[] = [];
  const sendStart = performance.now();
  for (let at = 0; at <= SEND_SECONDS; at += 5) {
    await sleep(Math.max(0, at * 1000 - (performance.now() - sendStart)));
    samples.push({ seconds: at, rss: round(memoryOf(pid).rss), sent: (await sink.stats()).accepted });
  }
  if (samples[samples.length - 1].sent === 0) throw new Error(`nothing was sent:\n${server.output()}`);
  // Pools, caches and the JIT fill up in the first seconds of sending; flat means no growth after that.
  const slope = round(slopePerMinute(samples.filter((s) => s.seconds >= SEND_SECONDS / 2)), 2);
  const wholeSlope = round(slopePerMinute(samples), 2);
  const peak = memoryOf(pid).peak;

  table('While sending', ['seconds', 'RSS MB', 'accepted by the sink'], samples.map((s) => [s.seconds, s.rss, s.sent]));
  table('Creation time', ['', 'seconds'], [
    ['baseline: raw INSERT … SELECT', round(floor.seconds, 2)],
    ['pre-flight (POST /api/mailings/preflight)', round(preflightSeconds, 2)],
    ['POST /api/mailings, request to response', round(responseSeconds, 2)],
    ['… to mailing visible as active', round(activeSeconds, 2)],
    ['ratio to the baseline', round(responseSeconds / floor.seconds, 2)],
  ]);
  table('Server memory', ['', 'MB'], [
    ['baseline: idle after start', round(idle.rss)],
    ['highest sample during the pre-flight', round(preflightRss)],
    ['highest sample during the creation (POST to response)', round(creationRss)],
    ['peak RSS through the creation (VmHWM at the response)', round(creationPeak)],
    ['increase over idle', round(creationPeak - idle.rss)],
    ['peak RSS of the whole run, sending included (VmHWM)', round(peak)],
    ['slope while sending, whole window (warm-up included), MB per minute', wholeSlope],
    ['slope while sending, second half of the window, MB per minute', slope],
  ]);
  const pass = responseSeconds <= TARGETS.createdSeconds && peak <= TARGETS.peakRssMb && slope <= TARGETS.sendingSlopeMbPerMinute;
  finalJson({
    bench: 'million-recipients', machine: await machine(), recipients: RECIPIENTS, accounts: ACCOUNTS, excluded: report.excluded,
    baselineInsertSeconds: round(floor.seconds, 2), preflightSeconds: round(preflightSeconds, 2), createdSeconds: round(responseSeconds, 2), activeSeconds: round(activeSeconds, 2),
    ratioToBaseline: round(responseSeconds / floor.seconds, 2), idleRssMb: round(idle.rss), preflightRssMb: round(preflightRss), creationRssMb: round(creationRss), creationPeakRssMb: round(creationPeak), runPeakRssMb: round(peak),
    sendingSlopeMbPerMinute: slope, sendingPerSecond: round((samples[samples.length - 1].sent - samples[0].sent) / (samples[samples.length - 1].seconds - samples[0].seconds)),
    sending: { slopeMbPerMinute: slope, wholeWindowSlopeMbPerMinute: wholeSlope, samples }, targets: TARGETS, pass,
  });
} finally {
  await server?.stop();
  await sink.stop();
  await db.drop();
  jobStore.drop();
}

function secrets(): SecretBox {
  return new SecretBox(loadSecretKey(TEST_SECRET_KEY, ''));
}
