import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { activeMailingOnSink, alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import { POOL_LIMITS, RenderPoolBusy, renderMessage } from '../../../server/mail/render-pool.js';
import { EmailAccountSchema, MailingRecipientSchema } from '../../../server/db/entities/index.js';

/**
 * Renders wait on the worker pool: a flood of previews must not pile up without bound in the
 * server's memory. Past the bound, a preview is refused at once; a send waits for its turn.
 */

/** Runs until liquid's render limit (1 s) stops it: holds a thread while the queue behind it waits. */
const SLOW = '{% for i in (1..3000000) %}{% assign x = i | plus: 1 %}{% endfor %}';
const CAPACITY = POOL_LIMITS.threads + POOL_LIMITS.queue;
const content = (subject: string) => ({ subject, html: '<p>Hello {{ name }}</p>', text: null, signature: null });

/** How a render ended: rendered, refused as busy, or a template error (the slow ones). */
const outcome = (p: Promise<unknown>) => p.then(() => 'rendered', (err) => (err instanceof RenderPoolBusy ? 'busy' : 'template error'));

/**
 * Takes every place on the pool: slow renders on every thread, quick ones queued behind them, so
 * the pool stays full for at least one render limit. Resolves when all of them are done.
 */
function fillPool(): Promise<string[]> {
  const slow = Array.from({ length: POOL_LIMITS.threads }, () => outcome(renderMessage({ content: content(SLOW), variables: {} }, { whenFull: 'refuse' })));
  const queued = Array.from({ length: CAPACITY - POOL_LIMITS.threads }, () => outcome(renderMessage({ content: content('Hi'), variables: { name: 'x' } }, { whenFull: 'refuse' })));
  return Promise.all([...slow, ...queued]);
}

let t: TestApp;
let sink: SmtpSink;
let seller_: Client;

beforeAll(async () => {
  [t, sink] = await Promise.all([initTestApp(), startSmtpSink()]);
  await alwaysOpen(t);
  const dept = await t.factories.department('Queue');
  await t.factories.user('sales_manager', dept.id, { email: 'seller@queue.test' });
  seller_ = await t.signIn('seller@queue.test');
});
afterAll(async () => {
  await sink?.stop();
  await t?.close();
});

describe('the render queue', () => {
  it('takes as many renders as it has room for and refuses the rest at once, then serves again', async () => {
    const flood = await Promise.all(Array.from({ length: CAPACITY + 200 }, () => outcome(renderMessage({ content: content('Hi'), variables: { name: 'x' } }, { whenFull: 'refuse' }))));
    expect(flood.filter((o) => o === 'rendered')).toHaveLength(CAPACITY);
    expect(flood.filter((o) => o === 'busy')).toHaveLength(200);
    expect(await outcome(renderMessage({ content: content('Hi'), variables: { name: 'x' } }, { whenFull: 'refuse' }))).toBe('rendered');
  });

  it('refuses a preview with 429 and Retry-After while the queue is full, and previews again after', async () => {
    const filled = fillPool();
    const refused = await seller_.post('/api/messages/preview', { subject: 'Hi', html: '<p>Hello {{ name }}</p>', recipientType: 'contact' });
    expect(refused.status, refused.text).toBe(429);
    expect(refused.body.error).toMatch(/too many templates/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await filled).filter((o) => o === 'busy')).toEqual([]);
    const served = await seller_.post('/api/messages/preview', { subject: 'Hi', html: '<p>Hello {{ name }}</p>', recipientType: 'contact' });
    expect(served.status, served.text).toBe(200);
  });

  // Sending must neither lose nor double a message: a full queue only delays it.
  it('sends a mailing while the queue is full: each recipient once, none failed', async () => {
    const mailingId = await activeMailingOnSink(t, sink.port, { users: ['full@queue.test'], companies: 3, domain: 'queued.test' });
    const account = await t.services.orm.em.fork().findOneOrFail(EmailAccountSchema, { smtpUser: 'full@queue.test' });
    const engine = testEngine(t, new TestClock(Date.now()));
    try {
      const filled = fillPool();
      await engine.run(account.id);
      await filled;
    } finally {
      await engine.close();
    }
    const rows = await t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId });
    expect(rows.map((r) => r.state)).toEqual(['sent', 'sent', 'sent']);
    const counts = sink.acceptedCountsByRecipient();
    expect(['c0@queued.test', 'c1@queued.test', 'c2@queued.test'].map((to) => counts.get(to))).toEqual([1, 1, 1]);
  });
});
