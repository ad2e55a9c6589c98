import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page as ListPage } from '../../server/http/openapi.js';
import type { MailingDto } from '../../server/http/schemas/mailings.js';
import type { ContactDto } from '../../server/http/schemas/recipients.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium } from '../support/browser.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink/index.js';
import { apiAs as apiOn, contactsOf, makeMailing, ok, openLive as openLiveOn, signIn as signInOn, soleAccount as soleAccountOf, type Api } from '../support/live-session.js';
import { recordFeedback } from '../support/feedback-intake.js';
import { markSent } from '../support/mailing-fixtures.js';
import { initORM, type Orm } from '../../server/db/orm.js';
import { knexOf } from '../../server/db/knex.js';

/**
 * The live dashboard in Chromium against the real server (child process, scratch MariaDB, demo
 * data with Anna's mailing already sending): several people watch the same mailing and see it
 * move without reloading; creation, combining, restarting, browser notifications and what the
 * recipients' mailboxes answer end to end.
 * Failures are injected at an SMTP sink process that Ben's own account sends through.
 */

const ANNA = 'anna@mailroom.test';
const BEN = 'ben@mailroom.test';
const CEO = 'ceo@mailroom.test';
const CLEO = 'cleo@mailroom.test';
const DOOMED_USER = 'ben.doomed@mailroom.test';

let server: ServerProcess;
let browser: Browser;
let sink: SmtpSink;

/** Signs in to the main server, or to `on`; see live-session.ts. */
const apiAs = (email: string) => apiOn(server, email);
const signIn = (email: string, opts: { notifications?: boolean; on?: ServerProcess } = {}) => signInOn(browser, opts.on ?? server, email, opts);
const openLive = (page: Page, path: string, on: ServerProcess = server) => openLiveOn(page, on, path);

const count = async (page: Page, key: string) => Number((await page.getByTestId(`count-${key}`).textContent())!.replace(/\D/g, ''));
/** Waits until a progress counter of the mailing page is above (or exactly) `value`, as pushes move it. */
const waitForCount = (page: Page, key: string, op: '>' | '=', value: number, timeout = 30_000) =>
  page.waitForFunction(
    ([k, o, v]) => {
      const n = Number(document.querySelector(`[data-testid="count-${k}"]`)?.textContent?.replace(/\D/g, ''));
      return o === '>' ? n > v : n === v;
    },
    [key, op, value] as const,
    { timeout },
  );
const statusOf = (page: Page) => page.locator('.page-head [data-status]');
const mailingsTable = (page: Page) => page.getByRole('table', { name: 'Mass mailings' });
const rowOf = (page: Page, name: string) => mailingsTable(page).getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
const column = (page: Page, nth: number) => mailingsTable(page).locator(`tbody tr td:nth-child(${nth})`).allTextContents();

let anna: Api;
let ben: Api;
let demo: MailingDto;
const paused: Record<'a' | 'b' | 'c' | 'south', MailingDto> = {} as never;

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  [server, browser, sink] = await Promise.all([startServer(), launchChromium(), startSmtpSink()]);
  [anna, ben] = await Promise.all([apiAs(ANNA), apiAs(BEN)]);
  const annas = await ok<ListPage<MailingDto>>(anna.get('/api/mailings?sort=id&dir=asc'));
  demo = annas.items[0];

  const [contacts, companies] = await Promise.all([contactsOf(anna, 6), ok<ListPage<{ id: number }>>(anna.get(`/api/companies?ownerId=${anna.me.id}&massMailing=true&pageSize=2`))]);
  paused.a = await makeMailing(anna, 'Combine A', { contact: { ids: contacts.slice(0, 3).map((c) => c.id) } });
  paused.b = await makeMailing(anna, 'Combine B', { contact: { ids: contacts.slice(2, 6).map((c) => c.id) } });
  paused.c = await makeMailing(anna, 'Combine C', { company: { ids: companies.items.map((c) => c.id) } });
  const cleo = await apiAs(CLEO);
  paused.south = await makeMailing(cleo, 'South news', { contact: { ids: (await contactsOf(cleo, 2)).map((c) => c.id) } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), sink?.stop()]);
});

describe('watching a mailing live', () => {
  // Progress, a status change and its notification reach every viewer of the mailing (the page
  // and the list) without a reload; each sees who else is viewing.
  it('shows a sales manager and a company manager the same changes at once', async () => {
    const [annaS, ceoS] = await Promise.all([signIn(ANNA), signIn(CEO)]);
    const ceoList = await ceoS.context.newPage();
    await Promise.all([openLive(annaS.page, `/mailings/${demo.id}`), openLive(ceoS.page, `/mailings/${demo.id}`), openLive(ceoList, '/mailings')]);
    await annaS.page.getByRole('status', { name: 'Who else is viewing' }).getByText('Carl Company-Manager').waitFor();
    await ceoS.page.getByRole('status', { name: 'Who else is viewing' }).getByText('Anna Sales').waitFor();

    // The demo sends about one message per 30 s per account.
    const before = Math.max(await count(annaS.page, 'sent'), await count(ceoS.page, 'sent'));
    await Promise.all([waitForCount(annaS.page, 'sent', '>', before, 60_000), waitForCount(ceoS.page, 'sent', '>', before, 60_000)]);

    await annaS.page.getByRole('button', { name: 'Pause', exact: true }).click();
    for (const page of [annaS.page, ceoS.page]) {
      await statusOf(page).filter({ hasText: 'Paused' }).waitFor();
      await page.getByRole('list', { name: 'Notifications log' }).getByText('Paused by Anna Sales').first().waitFor();
    }
    const listRow = rowOf(ceoList, demo.name);
    await listRow.locator('[data-status="paused"]').waitFor();
    await listRow.getByRole('list', { name: `Notifications of ${demo.name}` }).getByText('Paused by Anna Sales').first().waitFor();

    // Only the owner (or an admin) acts; the company manager watches.
    expect(await ceoS.page.getByRole('region', { name: 'Actions' }).count()).toBe(0);
    await annaS.page.getByRole('button', { name: 'Resume' }).click();
    await statusOf(ceoS.page).filter({ hasText: 'Active' }).waitFor();
    await listRow.locator('[data-status="active"]').waitFor();
    expect(annaS.problems()).toEqual([]);
    expect(ceoS.problems()).toEqual([]);
    await Promise.all([annaS.context.close(), ceoS.context.close()]);
  }, 120_000);

  // Another department's mailing leaks nowhere: not in the list, not by id, not by its URL.
  it('shows a sales manager of another department nothing of it', async () => {
    const cleo = await signIn(CLEO);
    await cleo.page.goto(`${server.url}/mailings`);
    await rowOf(cleo.page, paused.south.name).waitFor();
    expect(await rowOf(cleo.page, demo.name).count()).toBe(0);
    expect(await cleo.page.getByRole('combobox', { name: 'Department' }).count()).toBe(0);

    await cleo.page.getByRole('searchbox', { name: 'Search mailings' }).fill(`#${demo.id}`);
    await cleo.page.waitForURL(/q=%23/);
    await mailingsTable(cleo.page).getByText('No mailings match.').waitFor();

    await cleo.page.goto(`${server.url}/mailings/${demo.id}`);
    await cleo.page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    expect(cleo.problems([404])).toEqual([]);
    await cleo.context.close();
  });
});

describe('the mailings list', () => {
  // Search by id and keyword, every filter and server-side sorting narrow and order the rows as the API does.
  it('searches, filters and sorts', async () => {
    const ceo = await signIn(CEO);
    const { page } = ceo;
    await page.goto(`${server.url}/mailings`);
    const search = page.getByRole('searchbox', { name: 'Search mailings' });

    await search.fill(`#${paused.a.id}`);
    await page.waitForURL(/q=%23/);
    await expect.poll(() => column(page, 2)).toEqual([expect.stringContaining('Combine A')]);

    await search.fill('Combine');
    await page.waitForURL(/q=Combine/);
    await expect.poll(async () => (await column(page, 2)).length).toBe(3);
    for (const name of await column(page, 2)) expect(name).toContain('Combine');
    await search.fill('');
    await search.press('Enter');
    await page.waitForURL((u) => !u.searchParams.has('q'));

    await page.getByRole('combobox', { name: 'Department' }).selectOption({ label: 'Sales South' });
    await page.waitForURL(/departmentId=/);
    await rowOf(page, 'South news').waitFor();
    expect(new Set(await column(page, 6))).toEqual(new Set(['Cleo Sales']));
    await page.getByRole('combobox', { name: 'Department' }).selectOption({ label: 'All departments' });
    await page.waitForURL((u) => !u.searchParams.has('departmentId'));

    await page.getByRole('combobox', { name: 'Owner' }).selectOption({ label: 'Anna Sales' });
    await page.waitForURL(/ownerId=/);
    await expect.poll(async () => new Set(await column(page, 6))).toEqual(new Set(['Anna Sales']));

    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Paused' });
    await page.waitForURL(/status=paused/);
    await expect.poll(async () => new Set(await column(page, 4))).toEqual(new Set(['Paused']));

    // VIP: the rows are exactly the API's answer for the same filters.
    await page.getByRole('combobox', { name: 'VIP' }).selectOption('false');
    await page.waitForURL(/vip=false/);
    const expected = await ok<ListPage<MailingDto>>(anna.get(`/api/mailings?ownerId=${anna.me.id}&status=paused&vip=false`));
    await expect.poll(async () => (await column(page, 2)).map((n) => n.split('#')[0].trim())).toEqual(expected.items.map((m) => m.name));

    await page.goto(`${server.url}/mailings`);
    const recipients = async () => (await column(page, 8)).map((n) => Number(n.replace(/\D/g, '')));
    const ordered = async (dir: 1 | -1) => {
      const values = await recipients();
      return values.length > 1 && values.every((v, i) => i === 0 || dir * (v - values[i - 1]) >= 0);
    };
    await mailingsTable(page).getByRole('button', { name: /^Recipients/ }).click();
    await page.waitForURL(/sort=total&dir=asc/);
    await expect.poll(() => ordered(1)).toBe(true);
    expect(new Set(await recipients()).size).toBeGreaterThan(1);
    await mailingsTable(page).getByRole('button', { name: /^Recipients/ }).click();
    await page.waitForURL(/sort=total&dir=desc/);
    await expect.poll(() => ordered(-1)).toBe(true);
    expect(ceo.problems()).toEqual([]);
    await ceo.context.close();
  });

  // A push that the list changed reloads it; arriving while a sort click's page is still loading,
  // that reload must not abort the navigation (SvelteKit lets an invalidation win) and lose the click.
  it('keeps a sort the user clicked when the list changes while its page loads', async () => {
    const ceo = await signIn(CEO);
    const { page } = ceo;
    await page.goto(`${server.url}/mailings`);
    await rowOf(page, demo.name).waitFor();
    let release!: () => void;
    const released = new Promise<void>((ok) => (release = ok));
    let held!: () => void;
    const holding = new Promise<void>((ok) => (held = ok));
    await page.route(/\/api\/mailings\?.*sort=total/, async (route) => {
      held();
      await released;
      await route.continue();
    });
    await mailingsTable(page).getByRole('button', { name: /^Recipients/ }).click();
    await holding;
    await makeMailing(anna, 'Made during a sort', { contact: { ids: (await contactsOf(anna, 1)).map((c) => c.id) } });
    // The push arrives and the list's debounced reload falls due while the sorted page still loads.
    await page.waitForTimeout(1_000);
    release();
    await page.waitForURL(/sort=total&dir=asc/);
    await expect.poll(() => mailingsTable(page).getByRole('columnheader', { name: /^Recipients/ }).getAttribute('aria-sort')).toBe('ascending');
    await rowOf(page, 'Made during a sort').waitFor();
    expect(ceo.problems()).toEqual([]);
    await ceo.context.close();
  });

  // Make Massmail from the Contacts page mails exactly the selected rows, after a pre-flight, and
  // the new mailing is in the list.
  it('creates a mailing from selected contacts', async () => {
    const s = await signIn(ANNA);
    const { page } = s;
    await page.goto(`${server.url}/contacts?ownerId=${anna.me.id}&massMailing=true&disqualified=false`);
    const table = page.getByRole('table', { name: 'Contacts' });
    for (const i of [0, 1]) await table.locator('tbody input[type=checkbox]').nth(i).check();
    await page.getByRole('button', { name: 'Make Massmail (2)' }).click();

    const dialog = page.getByRole('dialog', { name: 'Make Massmail' });
    await dialog.getByText('2 selected contacts').waitFor();
    await dialog.getByLabel('Message').selectOption({ label: 'Autumn product update' });
    await dialog.getByLabel('Mailing name').fill('Browser launch');
    const report = dialog.getByRole('region', { name: 'Pre-flight for contacts' });
    await report.getByText('2 recipients').waitFor();
    await report.getByRole('table', { name: 'Accounts for contacts' }).waitFor();
    await dialog.getByRole('button', { name: 'Launch' }).click();

    await page.waitForURL(/\/mailings$/);
    const row = rowOf(page, 'Browser launch');
    await row.locator('[data-status="active"]').waitFor();
    expect(await row.locator('td:nth-child(8)').textContent()).toBe('2');
    expect(s.problems()).toEqual([]);
    await s.context.close();
  });

  // Combining says which rule a selection breaks before asking the server; a valid selection
  // becomes one mailing and the originals are cancelled.
  it('combines two paused mailings of the same message, type and owner', async () => {
    const s = await signIn(ANNA);
    const { page } = s;
    await page.goto(`${server.url}/mailings?q=Combine`);
    const select = (name: string) => page.getByRole('checkbox', { name: `Select ${name}` });
    await select('Combine A').check();
    await select('Combine C').check();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Combine' }).click();
    const dialog = page.getByRole('dialog', { name: 'Combine mailings' });
    await dialog.getByRole('alert').getByText('The mailings must have the same recipient type').waitFor();
    expect(await dialog.getByRole('button', { name: 'Combine' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();

    await select('Combine C').uncheck();
    await select('Combine B').check();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Combine' }).click();
    await dialog.getByRole('button', { name: 'Combine' }).click();
    await page.getByRole('status').filter({ hasText: /Combined into #\d+/ }).waitFor();
    await rowOf(page, 'Combine A (combined)').waitFor();
    for (const name of ['Combine A', 'Combine B']) await rowOf(page, name).locator('[data-status="cancelled"]').waitFor();
    expect(s.problems()).toEqual([]);
    await s.context.close();
  });
});

describe('failures at the SMTP server', () => {
  let targets: ContactDto[];

  const soleAccount = (name: string, user: string) => soleAccountOf(ben, sink, name, user);

  beforeAll(async () => {
    targets = await contactsOf(ben, 3);
  });

  // A recipient refused with 550 fails and is shown with the server's reply; restarting the
  // unsuccessful ones sends to it again once the server accepts it, live on the page.
  it('restarts the failed recipients after a refusal', async () => {
    const [good, bad] = targets;
    await soleAccount('Ben sink', 'ben.sink@mailroom.test');
    await sink.setRules({ rejectRcpt: { [bad.email!]: 550 } });
    const mailing = await makeMailing(ben, 'Restart me', { contact: { ids: [good.id, bad.id] } }, 'active');
    const s = await signIn(BEN);
    const { page } = s;
    await openLive(page, `/mailings/${mailing.id}`);
    await waitForCount(page, 'failed', '=', 1);
    await waitForCount(page, 'sent', '=', 1);
    await page.getByRole('tab', { name: /^Failed/ }).click();
    await page.getByRole('table', { name: 'Recipients' }).getByRole('row', { name: new RegExp(bad.email!) }).getByText(/550/).waitFor();

    await sink.setRules({ rejectRcpt: {} });
    await page.getByRole('button', { name: 'Restart unsuccessful…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restart unsuccessful recipients' });
    await dialog.getByText('1 failed recipient').waitFor();
    await dialog.getByRole('button', { name: 'Restart 1 recipient' }).click();
    await waitForCount(page, 'sent', '=', 2);
    expect(await count(page, 'failed')).toBe(0);
    await page.getByRole('table', { name: 'Recipients' }).getByRole('row', { name: new RegExp(bad.email!) }).locator('.badge', { hasText: 'Sent' }).waitFor();
    expect(sink.acceptedCountsByRecipient().get(bad.email!)).toBe(1);
    expect(s.problems()).toEqual([]);
    await s.context.close();
  }, 150_000);

  // When the only account fails its sign-in, the mailing is interrupted: a company manager gets a
  // browser notification, and the owner one for the account turning red, which the accounts page
  // shows at once. The notifications come through the service worker, as a phone needs; the
  // live region says it too.
  it('notifies in the browser when a mailing is interrupted', async () => {
    const account = await soleAccount('Ben doomed', DOOMED_USER);
    const [ceo, owner] = await Promise.all([signIn(CEO, { notifications: true }), signIn(BEN, { notifications: true })]);
    await Promise.all([openLive(ceo.page, '/mailings'), openLive(owner.page, '/accounts')]);
    expect(await ceo.page.evaluate(() => Notification.permission)).toBe('granted');
    expect(await ceo.page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.scriptURL))).toMatch(/\/service-worker\.js$/);

    await sink.setRules({ failAuth: [DOOMED_USER] });
    const mailing = await makeMailing(ben, 'Doomed', { contact: { ids: [targets[2].id] } }, 'active');
    await expect.poll(() => ceo.notifications(), { timeout: 60_000 }).toContainEqual({ title: `Mailing #${mailing.id} was interrupted`, body: expect.stringContaining(account.name) });
    await expect.poll(() => owner.notifications(), { timeout: 30_000 }).toContainEqual({ title: 'One of your e-mail accounts turned red', body: expect.stringMatching(/535|[Aa]uthentication/) });
    await expect.poll(() => ceo.page.getByTestId('announcer').textContent()).toContain(`Mailing #${mailing.id} was interrupted`);
    await rowOf(ceo.page, 'Doomed').locator('[data-status="interrupted"]').waitFor();
    await owner.page.getByRole('row', { name: new RegExp(account.name) }).getByRole('img', { name: /^Cannot send/ }).waitFor();
    expect(ceo.problems()).toEqual([]);
    expect(owner.problems()).toEqual([]);
    await Promise.all([ceo.context.close(), owner.context.close()]);
  }, 150_000);
});

describe("the recipients' mailboxes answering", () => {
  /** A web-only process on the same database: it hears of the intake's work only through what it committed, as behind a load balancer. */
  let web: ServerProcess;
  let orm: Orm;

  beforeAll(async () => {
    [web, orm] = await Promise.all([
      startServer({ databaseUrl: server.databaseUrl, args: ['--role', 'web'], env: { DEMO_DATA: 'off' } }),
      initORM({ kind: 'mysql', url: server.databaseUrl }, { migrate: false }),
    ]);
  }, 150_000);
  afterAll(async () => {
    await orm?.close();
    await web?.stop();
  });

  /** One of anna's mailings, all of it sent and done days ago (answers come in after the mail went out); its ledger rows in order. */
  async function sentDays(name: string, contacts: ContactDto[]) {
    const mailing = await makeMailing(anna, name, { contact: { ids: contacts.map((c) => c.id) } });
    const knex = knexOf(orm.em.fork());
    const past = new Date(Date.now() - 2 * 86_400_000);
    await markSent(knex, mailing.id, past);
    await knex('mailings').where({ id: mailing.id }).update({ status: 'done', sent_count: contacts.length, finished_at: past });
    const rows: { id: number; email: string }[] = await knex('mailing_recipients').where({ mailing_id: mailing.id }).orderBy('id').select('id', 'email');
    return { mailing, rows: rows.map((r) => ({ id: Number(r.id), email: r.email })) };
  }

  // A bounce and a reply read from the sender's inbox appear on the mailing's page (counters, the
  // row's status code and diagnostic or excerpt) and in the list's row, without a reload, in a web
  // process that only sees what the intake committed; Restart offers the soft-bounced and names the
  // suppressed; the reply is then on the contact's record.
  it('shows a bounce and a reply on the mailing page, in the list and on the record, live', async () => {
    const contacts = (await contactsOf(anna, 9)).slice(6, 9);
    const { mailing, rows } = await sentDays('Answered', contacts);
    const s = await signIn(ANNA, { on: web });
    const list = await s.context.newPage();
    await Promise.all([openLive(s.page, `/mailings/${mailing.id}`, web), openLive(list, '/mailings?sort=id&dir=desc', web)]);
    await waitForCount(s.page, 'bounced', '=', 0);
    const table = s.page.getByRole('table', { name: 'Recipients' });
    await table.getByRole('row', { name: new RegExp(rows[0].email) }).waitFor();

    await recordFeedback(orm, rows[0].id, 'hard_bounce', { status: '5.1.1', note: '550 5.1.1 mailbox unknown' });
    await recordFeedback(orm, rows[1].id, 'reply', { note: 'Sounds good, call me on Monday' });

    const bounced = table.getByRole('row', { name: new RegExp(rows[0].email) });
    await bounced.locator('.badge', { hasText: 'Bounced' }).waitFor();
    await bounced.getByText('5.1.1', { exact: true }).waitFor();
    await bounced.getByText('550 5.1.1 mailbox unknown').waitFor();
    const replied = table.getByRole('row', { name: new RegExp(rows[1].email) });
    await replied.locator('.badge', { hasText: 'Replied' }).waitFor();
    await replied.getByText('Sounds good, call me on Monday').waitFor();
    expect(await table.getByRole('row', { name: new RegExp(rows[2].email) }).locator('.badge', { hasText: /Bounced|Replied/ }).count()).toBe(0);
    await waitForCount(s.page, 'bounced', '=', 1);
    await waitForCount(s.page, 'replied', '=', 1);
    expect(await count(s.page, 'sent')).toBe(3);

    const answers = rowOf(list, 'Answered').getByRole('list', { name: 'Mailbox answers to Answered' });
    await answers.getByText(/1\s*replied/).waitFor();
    await answers.getByText(/1\s*bounced/).waitFor();
    expect(await answers.getByText(/complained/).count()).toBe(0);

    // Restart offers the soft-bounced recipient and says the hard-bounced one is suppressed.
    await recordFeedback(orm, rows[2].id, 'soft_bounce', { status: '4.2.2', note: 'Mailbox full' });
    await waitForCount(s.page, 'soft_bounced', '=', 1);
    await s.page.getByRole('button', { name: 'Restart unsuccessful…' }).click();
    const dialog = s.page.getByRole('dialog', { name: 'Restart unsuccessful recipients' });
    await dialog.getByRole('note').getByText('Not sent again: 1 hard-bounced recipient.').waitFor();
    expect(await dialog.getByRole('button', { name: 'Restart 0 recipients' }).isDisabled()).toBe(true);
    await dialog.getByRole('checkbox', { name: /Also the 1 soft-bounced one/ }).check();
    await dialog.getByRole('button', { name: 'Restart 1 recipient' }).click();
    await waitForCount(s.page, 'soft_bounced', '=', 0);
    expect(await count(s.page, 'bounced')).toBe(1);
    expect(await count(s.page, 'replied')).toBe(1);

    // The tab of bounced recipients holds only the bounced one, shown as suppressed with the reason.
    await s.page.getByRole('tab', { name: /^Bounced/ }).click();
    await expect.poll(async () => (await table.locator('tbody tr').allTextContents()).length).toBe(1);
    await table.getByRole('row', { name: new RegExp(rows[0].email) }).getByText('Suppressed: hard bounce').waitFor();

    await s.page.goto(`${web.url}/contacts?q=${encodeURIComponent(rows[1].email)}`);
    const name = [contacts[1].firstName, contacts[1].lastName].filter(Boolean).join(' ');
    await s.page.getByRole('button', { name: `Mailbox answers of ${name}` }).click();
    const history = s.page.getByRole('dialog', { name: /^Mailbox answers of/ });
    await history.getByRole('list', { name: 'Mailbox answers' }).getByText('Sounds good, call me on Monday').waitFor();
    await history.getByRole('link', { name: 'Answered' }).waitFor();
    expect(s.problems()).toEqual([]);
    await s.context.close();
  }, 150_000);
});
