import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initTestApp, makeClient, TEST_PASSWORD, type Client, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { scratchJobStore, startServer, TEST_SECRET_KEY, type ServerProcess } from '../../support/server-process.js';
import { activeMailingOnSink, alwaysOpen } from '../../support/engine.js';
import { SecretBox } from '../../../server/security/secret-box.js';
import { loadSecretKey } from '../../../server/security/secret-key.js';
import { MailingEventSchema, MailingRecipientSchema, MailingSchema } from '../../../server/db/entities/index.js';
import { RECONCILE_JOB } from '../../../server/engine/jobs.js';

/**
 * Templates are untrusted input, and a bomb must not take the server down: the real server
 * process, with the heap `npm start` gives it, previews and sends them. Before templates rendered
 * on a worker pool, one such preview or send killed the process (and a saved one crash-looped it).
 */

const RANGE_BOMB = '{% for i in (1..49000000) %}x{% endfor %}';
const STRING_BOMB = '{% assign s = "x" %}{% for i in (1..30) %}{% assign s = s | append: s %}{% endfor %}{{ s }}';
/**
 * Runs until liquid's render limit (1 s) stops it, in each part it is put in: about 7 s of work on
 * an idle machine, within the memory limit. (Empty iterations took 0.65 s there and rendered, so
 * the test failed whenever the cores were free; a longer range hits the memory limit instead.)
 */
const SLOW = '{% for i in (1..3000000) %}{% assign x = i | plus: 1 %}{% endfor %}';

let t: TestApp;
let sink: SmtpSink;
let jobs: ReturnType<typeof scratchJobStore> | undefined;
let server: ServerProcess | undefined;
let seller_: Client;
let anonymous: Client;

/** A client of the server process, shaped like the in-process test clients. */
const clientOf = (url: string, cookie?: string, csrf?: string) =>
  makeClient({ request: (path: string, init: RequestInit) => fetch(`${url}${path}`, init) } as never, cookie, csrf);

beforeAll(async () => {
  jobs = scratchJobStore();
  // The test seals the accounts' SMTP passwords with the key the server process opens them with.
  const secrets = new SecretBox(loadSecretKey(TEST_SECRET_KEY, ''));
  const started = await Promise.allSettled([initTestApp({ services: { secrets } }).then((app) => (t = app)), startSmtpSink().then((s) => (sink = s))]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  await alwaysOpen(t);
  const dept = await t.factories.department('Bombs');
  await t.factories.user('sales_manager', dept.id, { email: 'seller@bombs.test' });
  server = await startServer({
    databaseUrl: (t.services.config.database as { url: string }).url,
    env: {
      // The heap `npm start` runs with.
      NODE_OPTIONS: '--max-old-space-size=256',
      JOBS_URL: jobs.url, MAIL_SINK: 'off', DEMO_DATA: 'off', RECONCILE_SECONDS: '1', JOBS_POLL_SECONDS: '0.2',
    },
  });
  anonymous = clientOf(server.url);
  const session = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'seller@bombs.test', password: TEST_PASSWORD }) });
  expect(session.status, await session.clone().text()).toBe(200);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  seller_ = clientOf(server.url, session.headers.get('set-cookie')!.split(';')[0], csrfToken);
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await sink?.stop();
  await t?.close();
  jobs?.drop();
});

/** Waits until the engine's reconcile job (every second here) has finished once more. */
async function nextReconcile() {
  const lastFinished = () => jobs!.psql(`select coalesce(max(last_finished_at)::text, '') from agenda_jobs where name = '${RECONCILE_JOB}'`).trim();
  const before = lastFinished();
  await vi.waitFor(() => expect(lastFinished()).not.toBe(before), { timeout: 30_000, interval: 100 });
}

const alive = () => server!.child.exitCode === null && server!.child.signalCode === null;
const preview = (content: { subject?: string; html: string; text?: string }) => seller_.post('/api/messages/preview', { subject: 'Hi', ...content, recipientType: 'contact' });

describe('previews and saves', () => {
  // Invariant: a preview that breaks a memory limit answers 4xx with the reason, and the server stays up.
  const LIQUID_MEMORY = { cause: 'limit', part: 'html', limit: 'memory', value: 4_000_000 };
  const WORKER_LIMIT = { cause: 'limit', part: null, limit: expect.stringMatching(/^(heap|wall_time)$/), at: null };
  it.each([
    ['a loop over a huge range', RANGE_BOMB, /^html: the template needs too much memory/, LIQUID_MEMORY],
    ['a string doubled into gigabytes', STRING_BOMB, /^html: the template needs too much memory/, LIQUID_MEMORY],
    // Within liquid's limits (a short loop), but its 1.8 MB of nested tags outgrow the worker's
    // heap in the sanitiser: the worker's own limits stop it (heap, or wall time on a slow machine).
    ['600,000 nested tags', `{% for i in (1..30000) %}${'<b>'.repeat(20)}{% endfor %}`, /^the template (needed more than \d+ MB of memory|took longer than)/, WORKER_LIMIT],
  ])('answers %s with a 400 naming the limit', async (_what, bomb, reason, problem) => {
    const res = await preview({ html: bomb });
    expect(res.status, `${res.text}\n${server!.output()}`).toBe(400);
    expect(res.body.error).toMatch(reason);
    expect(res.body).toMatchObject({ reason: 'template_invalid', params: { problem } });
    expect(alive(), server!.output()).toBe(true);
    expect((await anonymous.get('/api/health')).status).toBe(200);
  });

  // Invariant: rendering never blocks the event loop: the server answers other requests while
  // slow previews run (before, each held every request for its whole render).
  it('answers health checks while slow previews are in flight', async () => {
    let previewsAnswered = 0;
    const slow = Array.from({ length: 4 }, () => preview({ subject: SLOW, html: SLOW, text: SLOW }).then((res) => (previewsAnswered++, res)));
    const HEALTH_CHECKS = 10;
    const answeredBeforeAnyPreview: boolean[] = [];
    for (let i = 0; i < HEALTH_CHECKS; i++) {
      const health = await anonymous.get('/api/health');
      expect(health.status).toBe(200);
      answeredBeforeAnyPreview.push(previewsAnswered === 0);
    }
    expect(answeredBeforeAnyPreview).toEqual(Array(HEALTH_CHECKS).fill(true));
    // The slow previews end at liquid's render limit, as a template error.
    for (const res of await Promise.all(slow)) {
      expect(res.status, res.text).toBe(400);
      expect(res.body.error).toMatch(/takes too long to render|took longer than/);
      expect(res.body.params.problem).toMatchObject({ cause: 'limit', limit: expect.stringMatching(/^(render_time|wall_time)$/) });
    }
  });

  // Invariant: parsing is off the event loop too: a template of 500,000 characters of outputs
  // (seconds of parsing, more than the worker's heap) is refused while the server answers others.
  it('answers health checks while a huge template is checked for saving', async () => {
    let saved: Awaited<ReturnType<Client['post']>> | null = null;
    const saving = seller_.post('/api/messages', { name: 'Huge', subject: 'Hi', html: '{{a}}'.repeat(100_000) }).then((res) => (saved = res));
    const HEALTH_CHECKS = 10;
    const answeredBeforeTheSave: boolean[] = [];
    for (let i = 0; i < HEALTH_CHECKS; i++) {
      expect((await anonymous.get('/api/health')).status).toBe(200);
      answeredBeforeTheSave.push(saved === null);
    }
    expect(answeredBeforeTheSave).toEqual(Array(HEALTH_CHECKS).fill(true));
    const res = await saving;
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toMatch(/^the template (needed more than \d+ MB of memory|took longer than)/);
    expect(res.body.params.problem).toMatchObject({ cause: 'limit', part: null, limit: expect.stringMatching(/^(heap|wall_time)$/) });
  });
});

describe('sending', () => {
  // Invariant: a saved bomb stops its mailing (Interrupted, with the reason) through the real
  // engine: the process survives, nothing is sent, and no row is rendered again in a loop.
  it('interrupts a mailing whose message is a bomb, once, without a crash', async () => {
    const mailingId = await activeMailingOnSink(t, sink.port, { users: ['bomb@s.test'], companies: 3, domain: 'bomb.test', html: RANGE_BOMB });
    const em = () => t.services.orm.em.fork();
    await vi.waitFor(
      async () => {
        expect(alive(), `the server died:\n${server!.output()}`).toBe(true);
        expect((await em().findOneOrFail(MailingSchema, { id: mailingId })).status).toBe('interrupted');
      },
      { timeout: 60_000, interval: 200 },
    );
    // The engine's safety net runs twice more after the interrupt; none of its runs starts the mailing again.
    for (let run = 0; run < 2; run++) await nextReconcile();
    const mailing = await em().findOneOrFail(MailingSchema, { id: mailingId });
    expect(mailing.status).toBe('interrupted');
    expect(mailing.statusReason).toMatch(/^The message cannot be rendered: html: the template needs too much memory/);
    expect(mailing.statusDetail).toMatchObject({ kind: 'status_interrupted', params: { code: 'message_unrenderable', error: expect.stringMatching(/^html: the template needs too much memory/), problem: { cause: 'limit', part: 'html', limit: 'memory', value: 4_000_000 } } });
    const interruptions = await em().find(MailingEventSchema, { mailing: mailingId, kind: 'status_interrupted' });
    expect(interruptions).toHaveLength(1);
    expect(interruptions[0].level).toBe('critical');
    // Nothing left claimed or in flight, nothing sent.
    const rows = await em().find(MailingRecipientSchema, { mailing: mailingId });
    expect(rows.map((r) => r.state)).toEqual(['pending', 'pending', 'pending']);
    expect(sink.accepted()).toEqual([]);
    expect(alive(), server!.output()).toBe(true);
  });
});
