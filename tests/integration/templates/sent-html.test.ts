import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import { createMailings } from '../../../server/engine/create-mailings.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import type { User } from '../../../server/db/entities/user.entity.js';

/**
 * What a template builds out of liquid string literals (which the sanitiser on save cannot see,
 * since it leaves liquid tags alone) must not reach an inbox: every send's final HTML passes the
 * same sanitiser as a preview, in a real send and in a test send alike.
 */

let t: TestApp;
let sink: SmtpSink;
let owner: User;
let owner_: Client;
let accountId: number;
const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));

/** Each line puts something dangerous together in liquid; `raw` skips the HTML part's escaping. */
const HOSTILE = [
  '{% assign open = "<scr" %}{{ open | append: "ipt>alert(1)</script>" | raw }}',
  `{{ '<a href="javascript:alert(2)">click</a>' | raw }}`,
  `{{ '<img src="https://img.test/i.png" onerror="alert(3)">' | raw }}`,
  `{{ '<p style="background:url(javascript:alert(4))">styled</p>' | raw }}`,
  `{% liquid
  assign tag = "<div onmouseover='alert(5)'>hover</div>"
  echo tag | raw
%}`,
  // Escaped by default: a value shows as text, tags and all.
  '<p>Hello {{ name }} {{ "<b>not bold</b>" }}</p>',
].join('\n');

beforeAll(async () => {
  [t, sink] = await Promise.all([initTestApp(), startSmtpSink()]);
  await alwaysOpen(t);
  const dept = await t.factories.department();
  owner = await t.factories.user('sales_manager', dept.id, { email: 'hostile@sent.test' });
  owner_ = await t.signIn('hostile@sent.test');
  accountId = (await t.factories.account(owner, { smtpPort: sink.port, smtpUser: 'out@sent.test', fromEmail: 'out@sent.test', dailyLimit: 1_000 })).id;
});
afterAll(async () => {
  await sink?.stop();
  await t?.close();
});

/** A mailing to one company, its message saved through the API like a user's. */
async function hostileMailing(email: string): Promise<number> {
  const saved = await owner_.post('/api/messages', { name: 'Hostile', subject: 'Hi {{ name }}', html: HOSTILE });
  expect(saved.status, saved.text).toBe(201);
  const company = await t.factories.company(owner, { name: 'Acme & <Sons>', email });
  const em = t.services.orm.em.fork();
  const actor = { id: owner.id, role: 'sales_manager' as const, departmentId: owner.department!.id };
  const { mailings, reports } = await createMailings(em, actor, { messageId: saved.body.id, selections: { company: { ids: [company.id] } }, start: 'active' }, await settingsRepository.get(em, ''), clock.now());
  expect(reports[0].errors).toEqual([]);
  return mailings[0].id;
}

const receivedBy = async (email: string) => {
  await sink.waitFor((events) => events.some((e) => e.type === 'accepted' && e.to.includes(email)));
  return sink.accepted().find((m) => m.to.includes(email))!;
};

function expectClean(html: string | null) {
  expect(html).toBeTruthy();
  for (const bad of ['<script', 'alert(1)', 'javascript:', 'onerror', 'onmouseover', 'url(']) expect(html).not.toContain(bad);
  // What is harmless stays: the image, the link text, the styled paragraph's text, escaped values.
  expect(html).toContain('<img src="https://img.test/i.png" />');
  expect(html).toContain('click');
  expect(html).toContain('styled');
  expect(html).toContain('&lt;b&gt;not bold&lt;/b&gt;');
}

describe('sent HTML is sanitised', () => {
  // Invariant: a real send carries no script, script URL, event handler or script-loading style.
  it('in a real send through the engine', async () => {
    await hostileMailing('real@acme.test');
    const engine = testEngine(t, clock);
    await engine.run(accountId);
    await engine.close();
    const mail = await receivedBy('real@acme.test');
    expectClean(mail.html);
    // The recipient's own data is escaped too.
    expect(mail.html).toContain('Hello Acme &amp; &lt;Sons&gt;');
  });

  // Invariant: a test send is the same message as a real send, cleaned the same way.
  it('in a test send', async () => {
    const mailingId = await hostileMailing('unused@acme.test');
    const res = await owner_.post(`/api/mailings/${mailingId}/test`, { email: 'probe@sent.test' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.ok).toBe(true);
    expectClean((await receivedBy('probe@sent.test')).html);
  });

  // Invariant: a test send of a message that breaks a render limit answers 400 with the reason, and sends nothing.
  it('refuses a test send of a template bomb with the reason', async () => {
    const bomb = await t.factories.message(owner, { html: '{% for i in (1..49000000) %}x{% endfor %}' });
    const company = await t.factories.company(owner, { email: 'bomb@acme.test' });
    const em = t.services.orm.em.fork();
    const actor = { id: owner.id, role: 'sales_manager' as const, departmentId: owner.department!.id };
    const { mailings } = await createMailings(em, actor, { messageId: bomb.id, selections: { company: { ids: [company.id] } }, start: 'active' }, await settingsRepository.get(em, ''), clock.now());
    const res = await owner_.post(`/api/mailings/${mailings[0].id}/test`, { email: 'bomb-probe@sent.test' });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toMatch(/^The message cannot be rendered: html: the template needs too much memory/);
    expect(sink.accepted().some((m) => m.to.includes('bomb-probe@sent.test'))).toBe(false);
  });
});
