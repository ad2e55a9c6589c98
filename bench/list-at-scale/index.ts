// The list at scale: GET /api/mailings on 100,000 mailings and about 2,000,000 ledger rows in
// MariaDB, with a keyword search, each filter and each sort, as a company manager (every
// department) and as a sales manager (their own department). Server time is measured in-process
// through the hono app (`app.request`, the whole middleware stack and the database, no socket),
// against GET /api/session on the same stack and data as the baseline, sampled in turn with it.
//   npx tsx bench/list-at-scale/index.ts [--mailings 100000] [--samples 50] [--warmup 5] [--only text]
// BENCH_LIST_DATABASE_URL=mysql://…/mailroom_bench_list measures that database instead of a
// scratch one: seeded on first use and kept, so a change can be measured again on the same rows.
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.js';
import { initORM } from '../../server/db/orm.js';
import { createApp, type App } from '../../server/http/app.js';
import { EventBus } from '../../server/live/event-bus.js';
import { TransportPool } from '../../server/mail/transport.js';
import { Engine } from '../../server/engine/index.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { loadSecretKey } from '../../server/security/secret-key.js';
import type { Services } from '../../server/services.js';
import type { DatabaseTarget } from '../../server/config.js';
import { MailingSchema } from '../../server/db/entities/index.js';
import { scratchDatabase } from '../../tests/support/databases.js';
import { TEST_SECRET_KEY } from '../../tests/support/server-process.js';
import { BENCH_PASSWORD } from '../lib/fixtures.js';
import { round, summarize } from '../lib/stats.js';
import { finalJson, machine, table } from '../lib/report.js';
import { existingFixture, seedList, type ListFixture } from './seed.js';

const { values: args } = parseArgs({ options: { mailings: { type: 'string', default: '100000' }, samples: { type: 'string', default: '50' }, warmup: { type: 'string', default: '5' }, only: { type: 'string' } } });
const MAILINGS = Number(args.mailings);
const SAMPLES = Number(args.samples);
const WARMUP = Number(args.warmup);
const TARGET_P95_MS = 50;

interface Query {
  role: 'company manager' | 'sales manager';
  label: string;
  path: string;
}

const SORTS = ['id', 'name', 'recipientType', 'status', 'completion', 'owner', 'sentToday', 'total', 'accounts', 'notifications', 'createdAt'];

/** What the list page asks for: its default page, searches, each filter, each sort both ways and a deep page. */
function queries(f: ListFixture): Query[] {
  const common = (role: Query['role']): Query[] => [
    { role, label: 'default (newest first)', path: '' },
    { role, label: 'search "webinar"', path: 'q=webinar' },
    { role, label: 'search "clearance price"', path: 'q=clearance%20price' },
    { role, label: 'search by id "#54321"', path: 'q=%2354321' },
    { role, label: 'status=active', path: 'status=active' },
    { role, label: 'status=done', path: 'status=done' },
    { role, label: 'status=interrupted', path: 'status=interrupted' },
    { role, label: 'vip=true', path: 'vip=true' },
    { role, label: 'recipientType=lead', path: 'recipientType=lead' },
    { role, label: `ownerId (own)`, path: `ownerId=${f.ownerIds[0]}` },
    { role, label: 'status=active, search "spring"', path: 'status=active&q=spring' },
    { role, label: 'page 40', path: 'page=40' },
    ...SORTS.flatMap((sort) => (['asc', 'desc'] as const).map((dir) => ({ role, label: `sort ${sort} ${dir}`, path: `sort=${sort}&dir=${dir}` }))),
  ];
  return [...common('company manager'), { role: 'company manager', label: 'departmentId', path: `departmentId=${f.departmentIds[1]}` }, ...common('sales manager')];
}

async function signIn(app: App, email: string): Promise<string> {
  const res = await app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: BENCH_PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

/** One request through the whole app, timed until its body is read. */
async function timed(app: App, path: string, cookie: string): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  const res = await app.request(path, { headers: { cookie } });
  const body = await res.text();
  const ms = performance.now() - start;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body}`);
  return { ms, body };
}

async function target(): Promise<{ target: DatabaseTarget; drop(): Promise<void> }> {
  const url = process.env.BENCH_LIST_DATABASE_URL;
  return url ? { target: { kind: 'mysql', url }, drop: async () => {} } : scratchDatabase('mysql');
}

const db = await target();
try {
  const orm = await initORM(db.target);
  let fixture: ListFixture;
  let seedSeconds: number | null = null;
  if (await orm.em.fork().count(MailingSchema, {})) fixture = await existingFixture(orm);
  else {
    console.log(`Seeding ${MAILINGS} mailings…`);
    const start = performance.now();
    fixture = await seedList(orm, MAILINGS);
    seedSeconds = round((performance.now() - start) / 1000, 1);
  }
  const knex = orm.em.fork().getKnex();
  const [counts] = (await knex.raw('select (select count(*) from mailings) as mailings, (select count(*) from mailing_recipients) as ledger, (select count(*) from mailing_events) as events'))[0];
  console.log(`Data: ${counts.mailings} mailings, ${counts.ledger} ledger rows, ${counts.events} notifications${seedSeconds === null ? ' (seeded before)' : `, seeded in ${seedSeconds} s`}`);

  // A fixed clock, so that two runs on the same database answer the same bytes (the digest column).
  const now = new Date(process.env.BENCH_LIST_NOW ?? Date.now());
  const config = { ...loadConfig({ DATA_DIR: '/tmp/mailroom-bench-data', SECRET_KEY: TEST_SECRET_KEY, MAIL_SINK: 'off', DEMO_DATA: 'off' }, []), database: db.target };
  const secrets = new SecretBox(loadSecretKey(TEST_SECRET_KEY, ''));
  const events = new EventBus();
  const transport = new TransportPool();
  const engine = new Engine({ orm, secrets, transport, events, now: () => now, wallClock: Date.now, random: Math.random, leaseMs: config.engine.leaseMs });
  const services: Services = { config, orm, secrets, jobs: null, sink: null, engine, events, transport, now: () => now };
  const app = createApp(services);
  const cookies = { 'company manager': await signIn(app, fixture.companyManagerEmail), 'sales manager': await signIn(app, fixture.salesManagerEmail) };

  const baseline: number[] = [];
  const all: number[] = [];
  const rows: (string | number)[][] = [];
  const perQuery: { role: string; query: string; p50: number; p95: number }[] = [];
  // --only measures the queries whose role and label contain that text, to look at one closely.
  for (const q of queries(fixture).filter((q) => !args.only || `${q.role}: ${q.label}`.includes(args.only))) {
    const path = `/api/mailings${q.path ? `?${q.path}` : ''}`;
    for (let i = 0; i < WARMUP; i++) await timed(app, path, cookies[q.role]);
    const samples: number[] = [];
    let body = '';
    for (let i = 0; i < SAMPLES; i++) {
      baseline.push((await timed(app, '/api/session', cookies[q.role])).ms);
      const sample = await timed(app, path, cookies[q.role]);
      samples.push(sample.ms);
      body = sample.body;
    }
    all.push(...samples);
    const s = summarize(samples);
    const page = JSON.parse(body) as { total: number };
    perQuery.push({ role: q.role, query: q.label, p50: round(s.p50), p95: round(s.p95) });
    rows.push([q.role, q.label, page.total, round(s.p50), round(s.p95), createHash('sha1').update(body).digest('hex').slice(0, 8)]);
    console.log(`  ${q.role}: ${q.label}: p50 ${round(s.p50)} ms, p95 ${round(s.p95)} ms`);
  }
  const b = summarize(baseline);
  const overall = summarize(all);
  const worst = perQuery.reduce((w, q) => (q.p95 > w.p95 ? q : w));
  table(`GET /api/mailings, ${SAMPLES} samples each after ${WARMUP} warm-up requests (ms, in-process app.request)`, ['role', 'query', 'total', 'p50', 'p95', 'digest'], rows);
  table('Summary (ms)', ['', 'p50', 'p95', 'ratio p95 / baseline p95'], [
    ['baseline: GET /api/session', round(b.p50), round(b.p95), 1],
    ['list: all queries', round(overall.p50), round(overall.p95), round(overall.p95 / b.p95, 1)],
    [`list: worst query (${worst.role}: ${worst.query})`, '', worst.p95, round(worst.p95 / b.p95, 1)],
  ]);
  finalJson({
    bench: 'list-at-scale', machine: await machine(), data: { mailings: Number(counts.mailings), ledger: Number(counts.ledger), events: Number(counts.events) }, seedSeconds,
    samples: SAMPLES, queryCount: perQuery.length, baselineP95: round(b.p95), p95: round(overall.p95), worstP95: worst.p95, worstQuery: `${worst.role}: ${worst.query}`,
    baseline: { p50: round(b.p50), p95: round(b.p95) }, list: { p50: round(overall.p50), p95: round(overall.p95) },
    worst: { ...worst }, ratio: round(overall.p95 / b.p95, 1), queries: perQuery, targets: { p95: TARGET_P95_MS }, pass: worst.p95 <= TARGET_P95_MS,
  });
  await orm.close();
} finally {
  await db.drop();
}
