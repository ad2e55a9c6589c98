import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import type { TestDb } from '../../support/databases.js';
import type { User } from '../../../server/db/entities/user.entity.js';
import {
  CompanySchema,
  DepartmentSchema,
  MailingEventSchema,
  MailingRecipientSchema,
  MailingSchema,
  SettingsSchema,
  SuppressionSchema,
  UserSchema,
} from '../../../server/db/entities/index.js';
import type { DomainEvent } from '../../../server/domain/events.js';
import { unsubscribeToken } from '../../../server/mail/unsubscribe-token.js';
import { createApp } from '../../../server/http/app.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NOW = new Date('2026-03-02T10:00:00Z');

describe.each(['mysql', 'sqlite'] as TestDb[])('unsubscribe pages on %s', (db) => {
  let t: TestApp;
  let owner: User;
  const heard: DomainEvent[] = [];

  const em = () => t.services.orm.em.fork();
  const request = (path: string, init?: RequestInit) => t.app.request(path, init);
  // What a mailbox provider sends for RFC 8058 one-click: a form post, no cookie, no CSRF token.
  const oneClick = (token: string) =>
    request(`/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });

  /** A company, a mailing to companies and the company's ledger row; returns the row's token. */
  async function recipient(email: string) {
    const company = await t.factories.company(owner, { email: email.toLowerCase() });
    const e = em();
    const mailing = e.create(MailingSchema, {
      name: 'Autumn news', recipientType: 'company', status: 'active',
      owner: e.getReference(UserSchema, owner.id), department: e.getReference(DepartmentSchema, owner.department!.id),
    });
    const row = e.create(MailingRecipientSchema, { mailing, recipientId: company.id, email, state: 'pending' });
    await e.flush();
    return { company, mailing, row, token: unsubscribeToken(t.services.secrets, row.id) };
  }

  const state = async (email: string, mailingId: number, companyId: number) => {
    const e = em();
    return {
      suppressions: await e.find(SuppressionSchema, { email: email.toLowerCase() }),
      events: await e.find(MailingEventSchema, { mailing: mailingId }),
      massMailing: (await e.findOneOrFail(CompanySchema, companyId)).massMailing,
    };
  };

  beforeAll(async () => {
    t = await initTestApp({ db, now: () => NOW });
    t.services.events.on((e) => heard.push(e));
    const dept = await t.factories.department();
    owner = await t.factories.user('sales_manager', dept.id);
  });
  afterAll(() => t.close());

  // A GET only asks: link scanners open links, so showing the page must change nothing.
  it('shows a confirmation page that changes nothing', async () => {
    const { token, mailing, company } = await recipient('Jane.Doe@Acme.test');
    const res = await request(`/u/${token}`);
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(page).toContain('Click below to stop receiving our newsletters.');
    expect(page).toContain('j***@acme.test');
    expect(page).not.toMatch(/jane\.doe@acme\.test/i);
    expect(page).toMatch(/<form method="post">[\s\S]*<button type="submit">Unsubscribe<\/button>/);
    expect(await state('jane.doe@acme.test', mailing.id, company.id)).toEqual({ suppressions: [], events: [], massMailing: true });
  });

  // One-click POST: the address is suppressed for every mailing, the CRM opt-in is cleared, the
  // mailing notes it and the engine hears of it. A repeated POST is harmless and changes nothing.
  it('unsubscribes on a one-click POST, once', async () => {
    const { token, mailing, company } = await recipient('Jim.Beam@Acme.test');
    heard.length = 0;
    const res = await oneClick(token);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');

    const after = await state('jim.beam@acme.test', mailing.id, company.id);
    expect(after.massMailing).toBe(false);
    expect(after.suppressions).toHaveLength(1);
    expect(after.suppressions[0]).toMatchObject({ email: 'jim.beam@acme.test', reason: 'unsubscribed', source: `mailing:${mailing.id}` });
    expect(after.events).toHaveLength(1);
    expect(after.events[0]).toMatchObject({ level: 'info', kind: 'unsubscribed', recipientEmail: 'jim.beam@acme.test', at: NOW });
    expect(after.events[0].text).toContain('jim.beam@acme.test');
    expect(heard).toEqual([{ type: 'recipient.unsubscribed', mailingId: mailing.id, departmentId: owner.department!.id, ownerId: owner.id, email: 'jim.beam@acme.test', at: NOW.toISOString() }]);

    const again = await oneClick(token);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('You are unsubscribed');
    const later = await state('jim.beam@acme.test', mailing.id, company.id);
    expect(later.suppressions).toHaveLength(1);
    expect(later.events).toHaveLength(1);
    expect(heard).toHaveLength(1);
    // The link now says so instead of asking again.
    expect(await (await request(`/u/${token}`)).text()).toContain('You are unsubscribed');
  });

  // Nobody can unsubscribe someone else by guessing: a forged or unknown token is a 404 page.
  it('answers a tampered or unknown token with 404 and changes nothing', async () => {
    const { token, mailing, company } = await recipient('keep.me@acme.test');
    const [id, mac] = token.split('.');
    const tampered = `${id}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    const unknownRow = unsubscribeToken(t.services.secrets, 999_999);
    for (const bad of [tampered, unknownRow, 'nonsense']) {
      for (const res of [await request(`/u/${bad}`), await oneClick(bad)]) {
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await res.text()).toContain('This link is not valid');
      }
    }
    expect(await state('keep.me@acme.test', mailing.id, company.id)).toEqual({ suppressions: [], events: [], massMailing: true });
  });

  // Only a well-formed, signed token reaches the page: any other path under /u (empty, extra
  // segments, malformed) is the same 4xx page for GET and POST, never the app nor a JSON error,
  // even when the built UI is served beside it.
  it('answers every /u path that is not a token with the invalid-link page', async () => {
    const ui = mkdtempSync(join(tmpdir(), 'mailroom-spa-'));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Mailroom app</title>');
    const withUi = createApp(t.services, { staticDir: ui });
    const { token } = await recipient('paths@acme.test');
    for (const path of ['/u', '/u/', `/u/${token}/extra`, `/u//${token}`, '/u/preview/x', '/u/%00', `/u/${token}.`]) {
      for (const method of ['GET', 'POST']) {
        const res = await withUi.request(path, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...(method === 'POST' ? { body: 'List-Unsubscribe=One-Click' } : {}) });
        const page = await res.text();
        expect([method, path, res.status]).toEqual([method, path, 404]);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(page).toContain('This link is not valid');
      }
    }
    // The real token still works beside them.
    expect((await withUi.request(`/u/${token}`)).status).toBe(200);
  });

  it('shows the preview page in a demo mode that changes nothing', async () => {
    const before = await em().count(SuppressionSchema);
    const page = await (await request('/u/preview')).text();
    expect(page).toContain('Preview: this page does not unsubscribe anyone.');
    expect(page).toContain('j***@acme.example');
    const done = await request('/u/preview', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are unsubscribed');
    expect(await em().count(SuppressionSchema)).toBe(before);
  });

  // Recipients never sign in: the pages follow their browser's Accept-Language among Mailroom's
  // languages, the built-in text included; a hostile header is read safely and falls back to English.
  it("speaks the recipient's browser language", async () => {
    const { token, mailing, company } = await recipient('sprache@acme.test');
    const de = await request(`/u/${token}`, { headers: { 'accept-language': 'es;q=1, de-AT;q=0.9, en;q=0.5' } });
    const page = await de.text();
    expect(de.status).toBe(200);
    expect(de.headers.get('content-language')).toBe('de');
    expect(de.headers.get('vary')).toMatch(/accept-language/i);
    expect(page).toContain('<html lang="de">');
    expect(page).toContain('Klicken Sie unten, um unsere Newsletter nicht mehr zu erhalten.');
    expect(page).toMatch(/<button type="submit">Abmelden<\/button>/);
    expect(page).not.toContain('Unsubscribe</button>');

    const done = await request(`/u/${token}`, { method: 'POST', headers: { 'accept-language': 'fr-CH, fr;q=0.9', 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const donePage = await done.text();
    expect(donePage).toContain('<html lang="fr">');
    expect(donePage).toContain('<h1>Vous êtes désinscrit</h1>');
    expect(donePage).toContain('<span class="address">s***@acme.test</span> ne recevra plus nos newsletters.');
    expect((await state('sprache@acme.test', mailing.id, company.id)).suppressions).toHaveLength(1);

    expect(await (await request('/u/nonsense', { headers: { 'accept-language': 'fr' } })).text()).toContain('Ce lien n’est pas valide');
    for (const hostile of [`${'x;q=0.1,'.repeat(20_000)}de`, 'de;q=5, fr;q=-1', '\u00ff\u00fe', '*']) {
      const res = await request('/u/preview', { headers: { 'accept-language': hostile } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<html lang="en">');
    }
  });

  // The organisation's text is shown as text, never as markup.
  it('escapes the settings text', async () => {
    await em().nativeUpdate(SettingsSchema, { id: 1 }, { unsubscribeText: 'Bye <script>alert(1)</script> & "thanks"' });
    const { token } = await recipient('esc@acme.test');
    const page = await (await request(`/u/${token}`)).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('Bye &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;thanks&quot;');
  });
});
