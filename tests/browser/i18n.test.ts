import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../server/domain/locales.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium } from '../support/browser.js';
import { initORM } from '../../server/db/orm.js';
import { knexOf } from '../../server/db/knex.js';
import { mailingRepository } from '../../server/db/repositories/mailing.repository.js';

/**
 * Every page an admin reaches, the sign-in page and the public unsubscribe page, rendered in
 * each language by a browser that prefers it (navigator.languages and Accept-Language). A page
 * fails when it is not in that language (`<html lang>`), when it shows a sentence of the English
 * catalogue where the language has its own, or when it logs an error.
 */

type Value = string | { match: Record<string, string> }[];
const catalogue = (locale: Locale) => JSON.parse(readFileSync(resolve(import.meta.dirname, `../../messages/${locale}.json`), 'utf8')) as Record<string, Value>;
const texts = (v: Value): string[] => (typeof v === 'string' ? [v] : v.flatMap((variant) => Object.values(variant.match)));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The English sentences a page in `locale` must not show: every English text (plural forms too)
 * the language words differently, as a pattern with its placeholders open. Only texts of two
 * words or more count, so a single word of the demo data (a name, "Main") is no false alarm.
 */
function englishLeftovers(locale: Locale): { key: string; pattern: RegExp }[] {
  const english = catalogue('en');
  const theirs = catalogue(locale);
  const found: { key: string; pattern: RegExp }[] = [];
  for (const [key, value] of Object.entries(english)) {
    if (key === '$schema') continue;
    const own = new Set(texts(theirs[key]));
    for (const text of texts(value)) {
      const literal = text.replace(/\{\w+\}/g, ' ').trim();
      if (own.has(text) || literal.split(/\s+/).length < 2 || literal.length < 8) continue;
      const pattern = text
        .split(/\{\w+\}/)
        .map(escape)
        .join('.+?');
      found.push({ key, pattern: new RegExp(pattern) });
    }
  }
  return found;
}

const TAGS: Record<Locale, string> = { en: 'en-US', de: 'de-DE', fr: 'fr-FR' };
const ADMIN = 'admin@mailroom.test';

let server: ServerProcess;
let browser: Browser;
/** The pages an admin reaches: every section, and one of each kind of detail page. */
let routes: string[];

async function open(locale: Locale): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: TAGS[locale], viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && !m.text().includes('status of 401') && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page, problems };
}

/** Signs in by the form's structure, not its words: the words are what is tested. */
async function signIn(page: Page, email = ADMIN) {
  await page.goto(`${server.url}/login`);
  await page.locator('input[type=email]').fill(email);
  await page.locator('input[type=password]').fill(server.password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL('**/companies');
}

/** What a reader and a screen reader meet: the visible text, labels, titles, hints (shown on hover and focus), placeholders and the page title. */
const shown = (page: Page) =>
  page.evaluate(() =>
    [
      document.title,
      document.body.innerText,
      ...[...document.querySelectorAll('[aria-label],[title],[placeholder]')].flatMap((el) => ['aria-label', 'title', 'placeholder'].map((a) => el.getAttribute(a) ?? '')),
      ...[...document.querySelectorAll('[role=tooltip]')].map((el) => el.textContent ?? ''),
    ].join('\n'),
  );

/** The page is drawn: its heading is there and the data behind it has arrived. */
async function rendered(page: Page) {
  await page.locator('h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && ![...document.querySelectorAll('[role=status]')].some((el) => /…$/.test(el.textContent ?? '')), undefined, { timeout: 15_000 });
}

function leftoversIn(text: string, locale: Locale): string[] {
  if (locale === 'en') return [];
  return englishLeftovers(locale)
    .filter(({ pattern }) => pattern.test(text))
    .map(({ key, pattern }) => `${key}: ${text.match(pattern)?.[0]}`);
}

/**
 * An admin signed in with a browser preferring `locale`: `check` notes the English a page shows,
 * `finish` fails on any noted or on an error logged, then closes the browser context.
 */
async function signedIn(locale: Locale, viewport?: { width: number; height: number }, email = ADMIN) {
  const { context, page, problems } = await open(locale);
  if (viewport) await page.setViewportSize(viewport);
  const wrong: string[] = [];
  const check = async (where: string) => wrong.push(...leftoversIn(await shown(page), locale).map((l) => `${where} → ${l}`));
  await signIn(page, email);
  /** `refused`: the statuses of refusals the test provokes, whose failed requests the browser logs; `provoked`: other errors it provokes, by a part of their text. */
  const finish = async (refused: number[] = [], provoked: string[] = []) => {
    expect(wrong).toEqual([]);
    expect(problems.filter((p) => !refused.some((status) => p.includes(`status of ${status}`)) && !provoked.some((text) => p.includes(text)))).toEqual([]);
    await context.close();
  };
  return { page, check, finish };
}

/**
 * Anna signed in with a German browser, her API (`get`, and `mailing`, which makes a mailing of
 * `messageId` to every contact) with the session's CSRF header.
 */
async function annaInGerman() {
  const { context, page, problems } = await open('de');
  await signIn(page, 'anna@mailroom.test');
  const get = async <T>(path: string) => (await (await page.request.get(`${server.url}${path}`)).json()) as T;
  const { csrfToken } = await get<{ csrfToken: string }>('/api/session');
  const headers = { 'x-csrf-token': csrfToken };
  const mailing = async (messageId: number, name: string, start: 'active' | 'paused') => {
    const created = await page.request.post(`${server.url}/api/mailings`, { headers, data: { messageId, signatureId: null, name, selections: { contact: { filter: {} } }, start } });
    expect(created.status()).toBe(201);
    return ((await created.json()) as { mailings: { id: number }[] }).mailings[0];
  };
  return { context, page, problems, get, headers, mailing };
}

/** A catalogue text of `locale` with its placeholders filled. */
const said = (locale: Locale, key: string, values: Record<string, string> = {}) =>
  (catalogue(locale)[key] as string).replace(/\{(\w+)\}/g, (_, name: string) => values[name]);

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  // The detail pages need ids; a test send of the running demo mailing fills the outbox.
  const { context, page } = await open('en');
  await signIn(page);
  const get = async <T>(path: string) => (await (await page.request.get(`${server.url}${path}`)).json()) as T;
  const me = await get<{ csrfToken: string }>('/api/session');
  const mailing = (await get<{ items: { id: number }[] }>('/api/mailings')).items[0];
  const message = (await get<{ items: { id: number }[] }>('/api/messages')).items[0];
  await page.request.post(`${server.url}/api/mailings/${mailing.id}/test`, { headers: { 'x-csrf-token': me.csrfToken }, data: { email: 'reader@example.com' } });
  const outbox = (await get<{ items: { id: string }[] }>('/api/outbox')).items[0];
  // A registered Google client: Settings shows its card filled in, the accounts page Connect Google.
  const registered = await page.request.put(`${server.url}/api/settings/oauth/google`, { headers: { 'x-csrf-token': me.csrfToken }, data: { clientId: 'mailroom.apps.googleusercontent.com', clientSecret: 'client-secret' } });
  expect(registered.status()).toBe(200);
  routes = [
    '/mailings',
    `/mailings/${mailing.id}`,
    '/companies',
    '/contacts',
    '/leads',
    '/messages',
    `/messages/${message.id}`,
    '/messages/new',
    '/signatures',
    '/accounts',
    '/outbox',
    `/outbox/${encodeURIComponent(outbox.id)}`,
    '/users',
    '/departments',
    '/settings',
  ];
  await context.close();
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('every page in every language', () => {
  it('knows every page of the app', () => {
    // A new route folder must be added above, or this test would stop covering it.
    const sections = routes.filter((r) => /^\/[a-z]+$/.test(r)).map((r) => r.slice(1));
    const folders = ['accounts', 'companies', 'contacts', 'departments', 'leads', 'mailings', 'messages', 'outbox', 'settings', 'signatures', 'users'];
    expect(sections.sort()).toEqual(folders);
  });

  it.for(LOCALES)('renders every page in %s', async (locale, { expect }) => {
    const { context, page, problems } = await open(locale);
    const wrong: string[] = [];
    const check = async (where: string) => {
      expect.soft(await page.evaluate(() => document.documentElement.lang), where).toBe(locale);
      wrong.push(...leftoversIn(await shown(page), locale).map((l) => `${where} → ${l}`));
    };

    await page.goto(`${server.url}/login`);
    await page.locator('h1').waitFor();
    await check('/login');
    await signIn(page);
    for (const route of routes) {
      await page.goto(`${server.url}${route}`);
      await rendered(page);
      await check(route);
    }

    // The public page follows the recipient's browser through Accept-Language.
    await page.goto(`${server.url}/u/preview`);
    await check('/u/preview');

    expect(wrong).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("the server's refusals", () => {
  // A refusal reaches a German or French reader as specifically as an English one: the sentence of
  // its reason with the name in it, not the code's general sentence.
  it.for(['de', 'fr'] as const)('name the department that exists in %s', async (locale, { expect }) => {
    const { page, check, finish } = await signedIn(locale);
    const taken = ((await (await page.request.get(`${server.url}/api/departments`)).json()) as { name: string }[])[0].name;

    await page.goto(`${server.url}/departments`);
    await rendered(page);
    await page.getByRole('button', { name: said(locale, 'new_department'), exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(said(locale, 'col_name')).fill(taken);
    await dialog.getByRole('button', { name: said(locale, 'create'), exact: true }).click();
    await dialog.getByText(said(locale, 'refusal_department_name_taken', { name: taken }), { exact: true }).waitFor();
    expect(await dialog.getByText(said(locale, 'err_conflict')).count()).toBe(0);
    await check('department form refusing a taken name');

    await finish([409]);
  });

  // The combine dialog words the rule a selection breaks from its reason, before asking the server.
  it.for(['de', 'fr'] as const)('say which rule a combination breaks in %s', async (locale, { expect }) => {
    const { page, check, finish } = await signedIn(locale);
    const { items } = (await (await page.request.get(`${server.url}/api/mailings`)).json()) as { items: { name: string; messageId: number | null; status: string }[] };
    const one = items.find((m) => m.messageId !== null && m.status !== 'done' && m.status !== 'cancelled')!;

    await page.goto(`${server.url}/mailings`);
    await rendered(page);
    await page.getByRole('checkbox', { name: said(locale, 'select_row', { name: one.name }), exact: true }).first().check();
    await page.getByRole('button', { name: said(locale, 'actions_menu'), exact: true }).click();
    await page.getByRole('menuitem', { name: said(locale, 'combine'), exact: true }).click();
    const dialog = page.getByRole('dialog', { name: said(locale, 'combine_mailings') });
    await dialog.getByRole('alert').getByText(said(locale, 'refusal_combine_too_few'), { exact: true }).waitFor();
    await check('combine dialog refusing one mailing');

    await finish();
  });
});

describe("the message editor's warnings and template limits", () => {
  // The files panel words the pre-flight's warning codes, and a preview that breaks a render limit
  // names the part, the limit with its value in the reader's digits, and where liquid stopped.
  it.for(['de', 'fr'] as const)('are worded in %s', async (locale, { expect }) => {
    const { page, check, finish } = await signedIn(locale, undefined, 'anna@mailroom.test');
    const { csrfToken } = (await (await page.request.get(`${server.url}/api/session`)).json()) as { csrfToken: string };
    const created = await page.request.post(`${server.url}/api/messages`, {
      headers: { 'x-csrf-token': csrfToken }, data: { name: `Logo ${locale}`, subject: 'Hi', html: '<p><img src="cid:logo.png" alt=""></p>' },
    });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: number };

    await page.goto(`${server.url}/messages/${id}`);
    await rendered(page);
    await page.getByText(said(locale, 'note_warn_missing_inline', { cids: 'cid:logo.png' }), { exact: true }).waitFor();
    await check('files panel warning of a missing inline image');

    await page.getByLabel(said(locale, 'plain_text_part')).fill(`{% for i in (1..3000) %}${'x'.repeat(1000)}{% endfor %}`);
    const limit = said(locale, 'template_limit_output_size', { value: new Intl.NumberFormat(locale).format(2_000_000) });
    const problem = said(locale, 'template_in_part', { part: said(locale, 'format_text'), problem: said(locale, 'template_at', { problem: limit, line: '1', col: '25' }) });
    // The alert adds that the preview shown is stale.
    await page.getByRole('alert').filter({ hasText: said(locale, 'refusal_template_invalid', { problem }) }).waitFor();
    await check('preview refusing an output over the limit');

    // The preview shows the missing image broken, as recipients would see it.
    await finish([400], ['ERR_UNKNOWN_URL_SCHEME']);
  });
});

describe('connecting with OAuth and provider presets', () => {
  // Settings' client cards, the Connect buttons and a failed connection's reason, the account form's
  // preset note, app-password guidance and its Connect offer: none of main's OAuth texts stays English.
  it.for(['de', 'fr'] as const)('are worded in %s', async (locale, { expect }) => {
    const { page, check, finish } = await signedIn(locale);

    await page.goto(`${server.url}/settings`);
    await rendered(page);
    await page.getByText(said(locale, 'oauth_registered'), { exact: true }).waitFor();
    await page.getByText(said(locale, 'oauth_not_registered'), { exact: true }).waitFor();
    await check('/settings OAuth clients');

    await page.goto(`${server.url}/accounts?oauth=failed&reason=missing_scopes`);
    await rendered(page);
    await page.getByRole('alert').filter({ hasText: said(locale, 'oauth_failed_missing_scopes') }).waitFor();
    await page.getByRole('button', { name: said(locale, 'connect_provider', { provider: 'Google' }), exact: true }).waitFor();
    await check('/accounts with Connect Google and a failed connection');

    // A stored account offers to connect instead of its password; a Gmail address fills Gmail's preset and says where an app password comes from.
    await page.getByRole('button', { name: said(locale, 'edit_name', { name: 'Anna Sales (main)' }) }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(said(locale, 'sign_in_without_password')).waitFor();
    await dialog.locator('input[type=email]').first().fill('anna@gmail.com');
    await dialog.getByRole('status', { name: said(locale, 'provider_preset') }).waitFor();
    await dialog.getByRole('note').filter({ hasText: said(locale, 'app_password_google') }).waitFor();
    await check('account form with the Gmail preset');

    await finish();
  });
});

describe('the phone layout', () => {
  // At 390×844 the mailing list is cards, the navigation a drawer behind the menu button and the
  // filters a sheet with the sort order: each is found by its own language's name, and none shows English.
  it.for(['de', 'fr'] as const)('shows the cards, the menu and the sort-and-filter sheet in %s', async (locale, { expect }) => {
    const { page, check, finish } = await signedIn(locale, { width: 390, height: 844 });

    await page.goto(`${server.url}/mailings`);
    await rendered(page);
    const cards = page.getByRole('list', { name: said(locale, 'nav_mailings') });
    await cards.getByRole('listitem').first().locator('summary').click();
    await cards.locator('dl').first().waitFor();
    await check('mailing cards');

    await page.getByRole('button', { name: said(locale, 'menu'), exact: true }).click();
    const drawer = page.getByRole('dialog', { name: said(locale, 'menu'), exact: true });
    await drawer.getByRole('link', { name: said(locale, 'type_companies'), exact: true }).waitFor();
    await drawer.getByRole('button', { name: said(locale, 'close'), exact: true }).waitFor();
    await check('menu drawer');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: said(locale, 'sort_and_filter'), exact: true }).click();
    const sheet = page.getByRole('dialog', { name: said(locale, 'sort_and_filter'), exact: true });
    await sheet.getByLabel(said(locale, 'sort_by'), { exact: true }).waitFor();
    const order = sheet.getByLabel(said(locale, 'sort_order'), { exact: true });
    expect(await order.locator('option').allTextContents()).toEqual([said(locale, 'sort_ascending'), said(locale, 'sort_descending')]);
    await sheet.getByRole('button', { name: said(locale, 'done'), exact: true }).waitFor();
    await check('sort-and-filter sheet');

    await finish();
  });
});

describe("the server's answers", () => {
  // The server answers in English with a stable code and, for invalid input, zod's issue codes and
  // bounds: the German page words each under its field, and a rule's refusal by its code.
  it('are worded in the page language, under their fields', async () => {
    const { context, page, problems } = await open('de');
    await signIn(page);
    await page.goto(`${server.url}/users`);
    await page.getByRole('button', { name: 'Neuer Benutzer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Neuer Benutzer' });
    await dialog.getByLabel('Name').fill('Kurt Kurz');
    await dialog.getByLabel('E-Mail').fill('kurt@mailroom.test');
    await dialog.getByLabel('Passwort').fill('kurz');
    await dialog.getByRole('button', { name: 'Benutzer anlegen' }).click();
    const reason = dialog.getByText('Muss mindestens 10 Zeichen haben', { exact: true });
    await reason.waitFor();
    expect(await dialog.getByLabel('Passwort').getAttribute('aria-describedby')).toBe(await reason.getAttribute('id'));
    await dialog.getByRole('button', { name: 'Abbrechen' }).click();

    await page.goto(`${server.url}/departments`);
    await page.getByRole('button', { name: 'Neue Abteilung' }).click();
    const department = page.getByRole('dialog', { name: 'Neue Abteilung' });
    await department.getByLabel('Name').fill('Sales North');
    await department.getByRole('button', { name: 'Anlegen' }).click();
    const taken = department.getByText('Eine Abteilung namens Sales North gibt es bereits', { exact: true });
    await taken.waitFor();
    expect(await department.getByLabel('Name').getAttribute('aria-describedby')).toBe(await taken.getAttribute('id'));

    expect(problems.filter((p) => !/status of (400|409)/.test(p))).toEqual([]);
    await context.close();
  });

  // A connection test answers with a health code beside its English words: the French page words the code.
  it('word a connection test by its health code', async () => {
    const { context, page, problems } = await open('fr');
    await signIn(page);
    await page.goto(`${server.url}/accounts`);
    await page.getByRole('button', { name: 'Tester la connexion de Anna Sales (main)' }).click();
    await page.getByRole('status').filter({ hasText: 'Anna Sales (main) : Le serveur SMTP a accepté la connexion' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("a mailing's notifications", () => {
  // The engine stores each note as a kind and its values: the German page words them, the
  // mailbox's own reply stays as the mailbox wrote it. The bounce is one of the demo's answers,
  // which arrive a minute or two after the demo mailing's first messages.
  it('are worded in the page language: created, a pre-flight warning, a status change and an error', async () => {
    const { context, page, problems } = await open('de');
    await signIn(page, 'anna@mailroom.test');
    const get = async <T>(path: string) => (await (await page.request.get(`${server.url}${path}`)).json()) as T;
    const { csrfToken } = await get<{ csrfToken: string }>('/api/session');
    const post = (path: string, data: object = {}) => page.request.post(`${server.url}${path}`, { headers: { 'x-csrf-token': csrfToken }, data });
    const message = (await get<{ items: { id: number }[] }>('/api/messages')).items[0];
    const created = await post('/api/mailings', { messageId: message.id, signatureId: null, name: 'Ohne Signatur', selections: { contact: { filter: {} } }, start: 'paused' });
    expect(created.status()).toBe(201);
    const mailing = ((await created.json()) as { mailings: { id: number }[] }).mailings[0];
    expect((await post(`/api/mailings/${mailing.id}/cancel`)).status()).toBe(200);

    await page.goto(`${server.url}/mailings/${mailing.id}`);
    const log = page.getByRole('list', { name: 'Meldungsprotokoll' });
    await log.getByText(/^Erstellt mit \d+ Empfängern(; ausgeschlossen: .+)?$/).waitFor();
    await log.getByText('Vorabprüfung: Die Nachricht hat keine Signatur', { exact: true }).waitFor();
    await log.getByText(/^Abgebrochen von Anna/).waitFor();
    expect(leftoversIn(await shown(page), 'de')).toEqual([]);

    type Notes = { items: { id: number; notifications: { kind: string }[] }[] };
    const bounced = async () => (await get<Notes>('/api/mailings?pageSize=100')).items.find((m) => m.notifications.some((n) => n.kind === 'bounced'));
    let demo = await bounced();
    for (const deadline = Date.now() + 200_000; !demo && Date.now() < deadline; demo = await bounced()) await page.waitForTimeout(2_000);
    expect(demo, 'a demo answer bounced').toBeDefined();
    await page.goto(`${server.url}/mailings/${demo!.id}`);
    // The bounce in German, the mailbox's diagnostic verbatim after it.
    await log.getByText(/ ist unzustellbar \(5\.1\.1\) – .*550 5\.1\.1/).first().waitFor();
    expect(leftoversIn(await shown(page), 'de')).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 300_000);
});

describe("a mailing's status reason", () => {
  // The engine stores why it stopped a mailing as a code: the German page words it in the banner,
  // and the list in the status badge's tooltip. Its message deleted after the start, the demo's
  // running engine interrupts it at its first claim.
  it('is worded in the page language when the engine interrupts a mailing', async () => {
    const { context, page, problems, get, headers, mailing: newMailing } = await annaInGerman();
    const demo = (await get<{ items: { id: number }[] }>('/api/messages')).items[0];
    const copy = (await (await page.request.post(`${server.url}/api/messages/${demo.id}/copy`, { headers })).json()) as { id: number };
    const mailing = await newMailing(copy.id, 'Gelöschte Nachricht', 'active');
    expect((await page.request.delete(`${server.url}/api/messages/${copy.id}`, { headers })).status()).toBe(200);
    const status = async () => (await get<{ status: string; statusReason: string | null }>(`/api/mailings/${mailing.id}`)).status;
    for (const deadline = Date.now() + 200_000; (await status()) !== 'interrupted' && Date.now() < deadline; ) await page.waitForTimeout(1_000);
    expect(await status()).toBe('interrupted');

    await page.goto(`${server.url}/mailings/${mailing.id}`);
    await page.getByRole('alert').filter({ hasText: said('de', 'interrupt_message_deleted') }).waitFor();
    expect(leftoversIn(await shown(page), 'de')).toEqual([]);
    await page.goto(`${server.url}/mailings`);
    // The list's badge gives the reason as its hint, on hover and focus.
    await page.waitForFunction(
      (reason) => [...document.querySelectorAll('[data-status="interrupted"][aria-describedby]')].some((el) => document.getElementById(el.getAttribute('aria-describedby')!)?.textContent === reason),
      said('de', 'interrupt_message_deleted'),
    );
    expect(problems).toEqual([]);
    await context.close();
  }, 300_000);
});

describe("an account's red reason", () => {
  // Mailroom's own verdict (too many hard bounces) is stored as a code and its values: the German
  // accounts page words it in the star's label and hint. The verdict is written as the engine
  // writes it (engine/feedback.test covers reaching it), and put back afterwards for the other tests.
  it('is worded in the page language when Mailroom switched the account off', async () => {
    const { context, page, problems } = await open('de');
    await signIn(page, 'anna@mailroom.test');
    const accounts = (await (await page.request.get(`${server.url}/api/accounts`)).json()) as { items: { id: number; name: string; main: boolean }[] };
    const account = accounts.items.find((a) => !a.main) ?? accounts.items[0];
    const orm = await initORM({ kind: 'mysql', url: server.databaseUrl }, { migrate: false });
    const knex = knexOf(orm.em.fork());
    const before = await knex('email_accounts').where({ id: account.id }).first('health', 'health_reason', 'health_detail', 'health_checked_at');
    const detail = { code: 'bounce_rate', events: 12, sends: 200, limit: 5 };
    await knex('email_accounts').where({ id: account.id }).update({ health: 'bounce_rate', health_reason: '12 hard bounces over its last 200 messages (6.0%, above 5%)', health_detail: JSON.stringify(detail), health_checked_at: new Date() });
    try {
      await page.goto(`${server.url}/accounts`);
      const percent = (n: number) => new Intl.NumberFormat('de', { style: 'percent', maximumFractionDigits: 1 }).format(n / 100);
      const worded = said('de', 'health_bounce_rate', { events: '12', sends: '200', share: percent(6), limit: percent(5) });
      await page.locator(`[role="img"][aria-label*="${worded}"]`).waitFor();
      expect(leftoversIn(await shown(page), 'de')).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await knex('email_accounts').where({ id: account.id }).update(before);
      await orm.close();
      await context.close();
    }
  }, 120_000);
});

/**
 * Records a note on Anna's first mailing as the engine would, and waits for her German page's log
 * to show it as `worded`; fails on English left on the page or an error logged.
 */
async function notedInGerman(note: Parameters<typeof mailingRepository.note>[3], level: 'warning' | 'critical', extra: { recipientEmail?: string }, worded: string) {
  const { context, page, problems } = await open('de');
  await signIn(page, 'anna@mailroom.test');
  const mailing = ((await (await page.request.get(`${server.url}/api/mailings`)).json()) as { items: { id: number }[] }).items[0];
  const orm = await initORM({ kind: 'mysql', url: server.databaseUrl }, { migrate: false });
  try {
    await mailingRepository.note(orm.em.fork(), mailing.id, level, note, new Date(), extra);
    await page.goto(`${server.url}/mailings/${mailing.id}`);
    await page.getByRole('list', { name: 'Meldungsprotokoll' }).getByText(worded, { exact: true }).waitFor();
    expect(leftoversIn(await shown(page), 'de')).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await orm.close();
    await context.close();
  }
}

describe("a skipped recipient's reason", () => {
  // Mailroom stores why it skipped a recipient as a code (integration/engine/outcomes.test covers
  // each): cancelling a paused mailing skips its queue, and the German recipients table words the
  // reason in the "last reply" column, where it once showed Mailroom's English sentence.
  it('is worded in the page language in the recipients table', async () => {
    const { context, page, problems, get, headers, mailing: newMailing } = await annaInGerman();
    const demo = (await get<{ items: { id: number }[] }>('/api/messages')).items[0];
    const mailing = await newMailing(demo.id, 'Abgebrochen vor dem Start', 'paused');
    expect((await page.request.post(`${server.url}/api/mailings/${mailing.id}/cancel`, { headers })).status()).toBe(200);

    await page.goto(`${server.url}/mailings/${mailing.id}`);
    await page.getByRole('table').getByText(said('de', 'outcome_cancelled'), { exact: true }).first().waitFor();
    expect(leftoversIn(await shown(page), 'de')).toEqual([]);
    expect(await shown(page)).not.toContain('Cancelled');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('an uncertain delivery', () => {
  // The note is stored as its kind and values (integration/engine/delivery.test covers writing
  // it): the German page words the cause, and the connection's own words stay as they came.
  it('is worded in the page language, the connection\'s reply verbatim', async () => {
    const reply = 'Connection closed unexpectedly';
    const why = said('de', 'note_detail', { text: said('de', 'uncertain_connection_lost'), detail: reply });
    await notedInGerman(
      { kind: 'uncertain', params: { email: 'vielleicht@example.com', cause: 'connection_lost', reply } }, 'warning', { recipientEmail: 'vielleicht@example.com' },
      said('de', 'note_uncertain', { email: 'vielleicht@example.com', why }),
    );
  }, 120_000);
});

describe('a mailing stopped by a template limit', () => {
  // The interruption keeps the limit as values beside its English (integration/templates/bombs
  // covers the engine writing it): the German log words the limit, its value in German units.
  it('is worded in the page language', async () => {
    const problem = { cause: 'limit', part: null, limit: 'heap', value: 64 * 1024 * 1024, at: null } as const;
    const error = said('de', 'template_limit_heap', { value: said('de', 'size_mb', { n: '64,0' }) });
    await notedInGerman(
      { kind: 'status_interrupted', params: { code: 'message_unrenderable', error: 'the template needed more than 64 MB of memory', problem } }, 'critical', {},
      said('de', 'note_status_interrupted', { reason: said('de', 'interrupt_message_unrenderable', { error }) }),
    );
  }, 120_000);
});

describe('a failed connection test', () => {
  // The test's verdict is stored as a code and values: the German page words it in the toast and in
  // the star's label, the system's own reply (ECONNREFUSED) verbatim within it.
  it('is worded in the page language, the reply verbatim', async () => {
    const { context, page, problems } = await open('de');
    await signIn(page, 'anna@mailroom.test');
    const { csrfToken } = (await (await page.request.get(`${server.url}/api/session`)).json()) as { csrfToken: string };
    const headers = { 'x-csrf-token': csrfToken };
    // Nothing listens on this port (the helpers' range kept for such servers).
    const port = 4299;
    const account = { name: 'Geschlossen', fromName: 'Anna', fromEmail: 'closed@example.com', smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', smtpUser: 'closed@example.com', password: 'smtp-password', dailyLimit: 10 };
    const created = await page.request.post(`${server.url}/api/accounts`, { headers, data: account });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: number };
    try {
      await page.goto(`${server.url}/accounts`);
      await page.getByRole('button', { name: said('de', 'test_connection_of', { name: 'Geschlossen' }) }).click();
      const where = `127.0.0.1:${port}`;
      const worded = said('de', 'health_unreachable', { where, reply: `connect ECONNREFUSED ${where}` });
      // The toast, whichever live role it takes.
      await page.getByText(said('de', 'name_says', { name: 'Geschlossen', text: worded }), { exact: true }).waitFor();
      await page.locator(`[role="img"][aria-label*="${worded}"]`).waitFor();
      expect(leftoversIn(await shown(page), 'de')).toEqual([]);
      expect(problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([]);
    } finally {
      await page.request.delete(`${server.url}/api/accounts/${id}`, { headers });
      await context.close();
    }
  }, 120_000);
});

describe("the user's own language", () => {
  // The chooser in the top bar speaks at once, is stored on the server, and the next sign-in in
  // another browser uses it; "browser language" hands the choice back to the browser.
  it('overrides the browser, at once and at the next sign-in', async () => {
    const german = await open('de');
    await signIn(german.page);
    await german.page.goto(`${server.url}/settings`);
    await german.page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
    await german.page.getByRole('combobox', { name: 'Sprache' }).selectOption('fr');
    await german.page.getByRole('heading', { level: 1, name: 'Paramètres' }).waitFor();
    expect(await german.page.evaluate(() => document.documentElement.lang)).toBe('fr');

    const english = await open('en');
    await signIn(english.page);
    await english.page.goto(`${server.url}/settings`);
    await english.page.getByRole('heading', { level: 1, name: 'Paramètres' }).waitFor();
    await english.page.getByRole('combobox', { name: 'Langue' }).selectOption('');
    await english.page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(await english.page.evaluate(() => document.documentElement.lang)).toBe('en');

    expect([...german.problems, ...english.problems]).toEqual([]);
    await german.context.close();
    await english.context.close();
  });
});
