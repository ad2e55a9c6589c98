import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountDto } from '../../server/http/schemas/accounts.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium, signInPage, type SignedInPage } from '../support/browser.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { makeClient, type Client } from '../support/test-app.js';

/**
 * An account's incoming mail in Chromium against the real server and a real IMAP server
 * (dovecot): the badge per account, the settings dialog with its provider preset, the password
 * the server asks for again, the connection test, removal, and the badge following pushes.
 * The server runs as `--role web`: without a worker no inbox is read in the background, so every
 * change of an inbox's health here comes from a "Test connection" the test made.
 */

const ANNA = 'anna@mailroom.test';
const LEAD = 'lead@mailroom.test';
const IMAP_USER = 'x@gmail.com';
const IMAP_PASSWORD = 'imap-pass-for-the-ui';
const ACCOUNT = 'Gmail inbox test';

let server: ServerProcess;
let browser: Browser;
let dovecot: Dovecot;

interface Session extends SignedInPage {
  context: BrowserContext;
}

async function signIn(email: string): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  return { ...(await signInPage(context, server, email)), context };
}

/** A REST client signed in as `email` over real HTTP, apart from any browser. */
async function apiAs(email: string): Promise<Client> {
  const res = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: server.password }) });
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return makeClient({ request: (path: string, init: RequestInit) => fetch(`${server.url}${path}`, init) } as never, res.headers.get('set-cookie')!.split(';')[0], csrfToken);
}

/** The accounts page with its live socket connected, so no push is missed after this. */
async function openAccounts(page: Page) {
  await page.goto(`${server.url}/accounts`);
  await page.getByRole('table', { name: 'Email accounts' }).waitFor();
  await page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
}

const rowOf = (page: Page, name: string) => page.getByRole('table', { name: 'Email accounts' }).getByRole('row').filter({ has: page.getByText(name, { exact: true }) });
/** The incoming-mail badge of a row: its tone and its text. */
const badgeOf = (row: Locator) => row.locator('[data-tone]');
const waitForBadge = async (row: Locator, tone: 'ok' | 'bad' | 'none', text: RegExp) => {
  await badgeOf(row).filter({ hasText: text }).waitFor();
  expect(await badgeOf(row).getAttribute('data-tone')).toBe(tone);
};
const dialogOf = (page: Page) => page.getByRole('dialog', { name: `Incoming mail of ${ACCOUNT}` });

let api: Client;
let accountId: number;

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  [server, browser, dovecot] = await Promise.all([startServer({ args: ['--role', 'web'] }), launchChromium(), startDovecot({ [IMAP_USER]: IMAP_PASSWORD })]);
  api = await apiAs(ANNA);
  // SMTP on the loopback: the preset must come from the gmail.com address, not from the SMTP host.
  const created = await api.post('/api/accounts', { name: ACCOUNT, fromName: 'Anna', fromEmail: IMAP_USER, smtpHost: '127.0.0.1', smtpPort: 2525, smtpSecurity: 'none', smtpUser: IMAP_USER, password: 'smtp-pass' });
  expect(created.status, created.text).toBe(201);
  accountId = (created.body as AccountDto).id;
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), dovecot?.stop()]);
});

/** One signed-in sales manager goes through the settings step by step; each test starts where the last one left off. */
describe('incoming mail of an account', () => {
  let s: Session;
  beforeAll(async () => {
    s = await signIn(ANNA);
  });
  afterAll(() => s?.context.close());
  beforeEach(() => s.reset());

  // Without settings the account says what it misses; the dialog opens from the keyboard with the
  // provider's servers filled in, and Escape closes it.
  it('says what an account without settings misses and pre-fills the preset of its provider', async () => {
    const { page } = s;
    await openAccounts(page);
    const row = rowOf(page, ACCOUNT);
    await waitForBadge(row, 'none', /^Not set up/);
    expect(await badgeOf(row).textContent()).toContain('Bounces and replies are not read: dead addresses are mailed again and replies do not stop the mailings');

    const open = row.getByRole('button', { name: `Incoming mail of ${ACCOUNT}: Not set up Bounces and replies are not read: dead addresses are mailed again and replies do not stop the mailings` });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = dialogOf(page);
    await dialog.getByRole('status').filter({ hasText: 'Settings for Gmail' }).waitFor();
    expect(await dialog.getByLabel('IMAP host').inputValue()).toBe('imap.gmail.com');
    expect(await dialog.getByLabel('Port').inputValue()).toBe('993');
    expect(await dialog.getByLabel('Security').inputValue()).toBe('tls');
    expect(await dialog.getByLabel('IMAP user').inputValue()).toBe(IMAP_USER);
    expect(await dialog.getByLabel('Folders to read').inputValue()).toBe('INBOX');
    expect(await dialog.getByRole('button', { name: 'Remove incoming settings' }).count()).toBe(0);

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(s.problems()).toEqual([]);
  });

  // Saved settings are not yet checked; "Test connection" signs in to dovecot, shows its answer
  // and turns the badge green, in the dialog and in the row.
  it('saves settings of a real IMAP server and turns green on a passed test', async () => {
    const { page } = s;
    const row = rowOf(page, ACCOUNT);
    await row.getByRole('button', { name: /^Incoming mail of / }).click();
    const dialog = dialogOf(page);
    await dialog.getByLabel('IMAP host').fill(dovecot.host);
    await dialog.getByLabel('Port').fill(String(dovecot.port));
    await dialog.getByLabel('Security').selectOption('none');
    await dialog.getByLabel('IMAP password').fill(IMAP_PASSWORD);
    await dialog.getByLabel('Folders to read').fill('INBOX');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Incoming settings saved' }).waitFor();
    await waitForBadge(row, 'none', /^Not checked/);
    expect(await dialog.getByLabel('IMAP password').getAttribute('placeholder')).toBe('unchanged');

    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog.getByRole('status').filter({ hasText: `Signed in to ${dovecot.host}:${dovecot.port} as ${IMAP_USER} and opened INBOX` }).waitFor();
    await waitForBadge(row, 'ok', /^Reading/);
    await waitForBadge(dialog, 'ok', /^Reading/);
    expect(s.problems()).toEqual([]);
  });

  // The stored password only goes to the server it was given for: a new host without it is
  // refused, and the server's reason shows under the password field.
  it('shows the password the server asks for again under its field when the host changes', async () => {
    const dialog = dialogOf(s.page);
    await dialog.getByLabel('IMAP host').fill('localhost');
    const password = dialog.getByLabel('IMAP password');
    expect(await password.getAttribute('placeholder')).toBe('');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const reason = dialog.getByText(/^changing host needs the IMAP password again/);
    await reason.waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await password.getAttribute('aria-describedby')).toBe(await reason.getAttribute('id'));
    // Refused: the stored settings stay, and so does their health.
    await waitForBadge(rowOf(s.page, ACCOUNT), 'ok', /^Reading/);
    expect(s.problems([422])).toEqual([]);
  });

  // A wrong password, saved and tested in one go, turns the badge red with dovecot's refusal.
  it('turns red with the reason when the password is wrong', async () => {
    const { page } = s;
    const dialog = dialogOf(page);
    await dialog.getByLabel('IMAP host').fill(dovecot.host);
    await dialog.getByLabel('IMAP password').fill('not-the-password');
    await dialog.getByRole('button', { name: 'Save and test' }).click();
    await dialog.getByRole('status').filter({ hasText: 'refused the sign-in' }).waitFor();
    const row = rowOf(page, ACCOUNT);
    await waitForBadge(row, 'bad', /^Sign-in refused/);
    expect(await badgeOf(row).textContent()).toContain(`${dovecot.host}:${dovecot.port} refused the sign-in for ${IMAP_USER}: [AUTHENTICATIONFAILED]`);
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    await dialog.waitFor({ state: 'hidden' });
    expect(s.problems()).toEqual([]);
  });

  // Another client fixes the password and tests: the push turns the badge green on this page and
  // on the team lead's, before either page loads the list again. The lead sees the badge but may
  // not change the account, so it opens nothing.
  it('follows inbox:health:v1 pushes without reloading', async () => {
    const lead = await signIn(LEAD);
    await openAccounts(lead.page);
    const leadRow = rowOf(lead.page, ACCOUNT);
    await waitForBadge(leadRow, 'bad', /^Sign-in refused/);
    expect(await leadRow.getByRole('button', { name: /^Incoming mail of / }).count()).toBe(0);

    const listLoads: string[] = [];
    for (const page of [s.page, lead.page]) {
      page.on('request', (r) => new URL(r.url()).pathname === '/api/accounts' && listLoads.push(r.url()));
    }
    const put = await api.put(`/api/accounts/${accountId}/inbox`, { host: dovecot.host, port: dovecot.port, security: 'none', user: IMAP_USER, password: IMAP_PASSWORD });
    expect(put.status, put.text).toBe(200);
    expect((await api.post(`/api/accounts/${accountId}/inbox/test`)).body).toMatchObject({ ok: true });

    await Promise.all([waitForBadge(rowOf(s.page, ACCOUNT), 'ok', /^Reading/), waitForBadge(leadRow, 'ok', /^Reading/)]);
    expect(listLoads).toEqual([]);
    expect(s.problems()).toEqual([]);
    expect(lead.problems()).toEqual([]);
    await lead.context.close();
  });

  // Removing asks first; afterwards the account says again what it misses.
  it('removes the settings after a confirmation', async () => {
    const { page } = s;
    const row = rowOf(page, ACCOUNT);
    await row.getByRole('button', { name: /^Incoming mail of / }).click();
    const dialog = dialogOf(page);
    await dialog.getByRole('button', { name: 'Remove incoming settings' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove incoming settings' });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForBadge(row, 'none', /^Not set up/);
    expect((await api.get(`/api/accounts/${accountId}/inbox`)).status).toBe(404);
    expect(s.problems()).toEqual([]);
  });

  // The demo's sink mailbox is shown for what it is, with nothing to edit.
  it('shows the development sink mailbox read-only', async () => {
    const { page } = s;
    const row = rowOf(page, 'Anna Sales (main)');
    expect(await badgeOf(row).textContent()).toContain('development sink mailbox');
    await row.getByRole('button', { name: /^Incoming mail of / }).click();
    const dialog = page.getByRole('dialog', { name: 'Incoming mail of Anna Sales (main)' });
    await dialog.getByText('Development sink mailbox.').waitFor();
    for (const name of ['Save', 'Test connection', 'Save and test', 'Remove incoming settings']) expect(await dialog.getByRole('button', { name, exact: true }).count()).toBe(0);
    expect(await dialog.getByLabel('IMAP host').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    expect(s.problems()).toEqual([]);
  });
});
