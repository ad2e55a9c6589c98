import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../server/db/seed/demo.js';
import type { Role } from '../../server/domain/roles.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium, signInPage, type SignedInPage } from '../support/browser.js';

/**
 * The built UI against the real server (child process, scratch MariaDB, demo data) in Chromium.
 * Every test fails on a page error or on a console error it did not expect.
 */


/** The heading each page of the navigation must show. */
const HEADINGS: Record<string, RegExp> = {
  '/mailings': /^Mass mailings/,
  '/companies': /^Companies/,
  '/contacts': /^Contacts/,
  '/leads': /^Leads/,
  '/messages': /^Messages/,
  '/signatures': /^Signatures/,
  '/accounts': /^Email accounts/,
  '/outbox': /^Outbox/,
  '/users': /^Users/,
  '/departments': /^Departments/,
  '/settings': /^Settings/,
};
const ADMIN_ONLY = ['/users', '/departments'];

const userOf = (role: Role) => DEMO_USERS.find((u) => u.role === role)!;
const SALES = 'anna@mailroom.test';

let server: ServerProcess;
let browser: Browser;

interface Session extends SignedInPage {
  close(): Promise<void>;
}

async function signIn(email: string): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const signed = await signInPage(context, server, email);
  await signed.page.getByRole('table', { name: 'Companies' }).waitFor();
  signed.reset();
  return { ...signed, close: () => context.close() };
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 });

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('navigation', () => {
  // Every role reaches every page its navigation offers, each with its heading and without errors;
  // the admin-only pages are offered to admins only.
  it.for(['admin', 'company_manager', 'team_lead', 'sales_manager'] as const)('shows every nav page to a %s', async (role, { expect }) => {
    const s = await signIn(userOf(role).email);
    const nav = s.page.getByRole('navigation', { name: 'Main' });
    const hrefs = await nav.locator('li a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    const pages = hrefs.filter((h) => h in HEADINGS);
    expect(pages).toHaveLength(hrefs.length);
    expect(pages[0]).toBe('/mailings');
    for (const href of ADMIN_ONLY) expect(pages.includes(href)).toBe(role === 'admin');

    for (const href of pages) {
      await nav.locator(`li a[href="${href}"]`).click();
      await s.page.waitForURL(`**${href}`);
      await heading(s.page).filter({ hasText: HEADINGS[href] }).waitFor();
    }
    expect(s.problems()).toEqual([]);
    await s.close();
  });
});

/** The sales manager's tests share one signed-in browser; each starts from its own page. */
describe('a sales manager at work', () => {
  let s: Session;
  beforeAll(async () => {
    s = await signIn(SALES);
  });
  afterAll(() => s?.close());
  beforeEach(() => s.reset());

  // The company search narrows the list to matches and keeps the term in the URL.
  it('searches companies', async () => {
    await s.page.goto(`${server.url}/companies`);
    const table = s.page.getByRole('table', { name: 'Companies' });
    await s.page.getByRole('searchbox', { name: 'Search companies' }).fill('Logistics');
    await s.page.waitForURL(/q=Logistics/);
    const names = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toContain('Logistics');

    // Selecting the whole page counts every row.
    await s.page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await s.page.getByText(`${names.length} selected`, { exact: true }).waitFor();
    expect(s.problems()).toEqual([]);
  });

  // A refused field shows its error inline; a valid contact is created and listed.
  it('creates a contact in the modal', async () => {
    const { page } = s;
    await page.goto(`${server.url}/contacts`);
    await page.getByRole('button', { name: 'New contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.getByLabel('First name').fill('Browsy');
    await dialog.getByLabel('Last name').fill('McTest');
    await dialog.getByLabel('E-mail').fill('not-an-address');
    await dialog.getByRole('combobox', { name: 'Company' }).fill('a');
    await dialog.getByRole('option').first().click();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('Invalid e-mail address').waitFor();

    await dialog.getByLabel('E-mail').fill('browsy.mctest@example.com');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('browsy.mctest');
    await page.waitForURL(/q=browsy/);
    await page.getByRole('table', { name: 'Contacts' }).getByText('Browsy McTest').waitFor();
    expect(s.problems([400])).toEqual([]);
  });

  // An import with a bad row imports nothing and names the line; the fixed file imports every row.
  it('imports leads from CSV, showing the bad row first', async () => {
    const { page } = s;
    await page.goto(`${server.url}/leads`);
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import leads from CSV' });
    const csv = dialog.getByLabel('CSV content');
    await csv.fill('email,first_name,last_name,vip\nimport.one@example.com,Ida,Import,no\nbroken-address,Bad,Row,no\n');
    await dialog.getByRole('button', { name: 'Import' }).click();
    const rows = dialog.getByRole('list', { name: 'Rows with errors' });
    await rows.waitFor();
    expect(await rows.getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(/^Line 3 .*email/)]);

    await csv.fill('email,first_name,last_name,vip\nimport.one@example.com,Ida,Import,no\nimport.two@example.com,Ivo,Import,yes\n');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.getByText('Imported 2 leads.').waitFor();
    expect(s.problems([422])).toEqual([]);
  });

  // The editor's preview follows the typing, warns about variables the recipient type lacks, and
  // renders the HTML in a fully sandboxed frame.
  it('previews a message live while it is written', async () => {
    const { page } = s;
    await page.goto(`${server.url}/messages/new`);
    await heading(page).filter({ hasText: 'New message' }).waitFor();
    await page.getByLabel('Subject').fill('Hello {{ first_name }}');
    await page.getByLabel('HTML body').fill('<p>Dear {{ full_name }}, see {{ website }}</p>');
    const subject = page.getByTestId('preview-subject');
    await subject.waitFor();
    expect(await subject.textContent()).not.toContain('{{');
    await page.getByRole('alert').filter({ hasText: 'website' }).waitFor();
    const frame = page.getByTitle('HTML preview');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('srcdoc')).toContain('Dear ');

    // Typing again re-renders; switching to companies offers their variables instead.
    await page.getByLabel('HTML body').fill('<p>Second draft for {{ first_name }}</p>');
    await page.waitForFunction(() => document.querySelector('iframe[title="HTML preview"]')?.getAttribute('srcdoc')?.includes('Second draft'));
    await page.getByLabel('Sample recipient').selectOption('company');
    await page.getByRole('list', { name: 'Available variables' }).getByText('{{ website }}').waitFor();
    await page.getByRole('alert').filter({ hasText: 'first_name' }).waitFor();
    expect(s.problems()).toEqual([]);
  });

  // Testing an account's connection records the server's answer on its star; the mail her own
  // mailing sent (a test send here) is listed in her outbox and opens with its headers and a
  // sandboxed HTML part. The star turns with the live event, before the test's own answer, so she
  // may be on her way to a message by the time that answer arrives: it must not undo her
  // navigation (it did: the accounts page reloaded its data, and SvelteKit lets an invalidation
  // abort a navigation under way). Both answers are held here to make that order certain.
  it('tests an account and reads the outbox', async () => {
    const earlier = s.problems().length;
    // Signed in (the page's own cookie): a test send of her running demo mailing.
    const me = (await (await s.page.request.get(`${server.url}/api/session`)).json()) as { id: number; csrfToken: string };
    const mailings = (await (await s.page.request.get(`${server.url}/api/mailings`)).json()) as { items: { id: number; ownerId: number }[] };
    const mailingId = mailings.items.find((m) => m.ownerId === me.id)!.id;
    const sent = await s.page.request.post(`${server.url}/api/mailings/${mailingId}/test`, { headers: { 'x-csrf-token': me.csrfToken }, data: { email: 'reader@example.com' } });
    expect(((await sent.json()) as { ok: boolean }).ok).toBe(true);

    const { page } = s;
    const testAnswer = hold(page, /\/api\/accounts\/\d+\/test$/);
    const messageAnswer = hold(page, /\/api\/outbox\/[^/?]+$/);
    await page.goto(`${server.url}/accounts`);
    await page.getByRole('button', { name: 'Test connection of Anna Sales (main)' }).click();
    await page.getByRole('row', { name: /Anna Sales \(main\)/ }).getByRole('img', { name: /^Can send: The SMTP server accepted the sign-in/ }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('table', { name: 'Outbox' }).getByRole('row', { name: /reader@example\.com/ }).first().getByRole('link').click();
    // On the way to the message, the test's answer arrives (its toast shows), then the message's.
    await testAnswer.release();
    await page.getByRole('status').filter({ hasText: /^Anna Sales \(main\): / }).waitFor();
    await messageAnswer.release();
    await heading(page).filter({ hasText: 'What is new this autumn' }).waitFor();
    await page.getByRole('row', { name: /^Subject What is new this autumn/ }).waitFor();
    const frame = page.getByTitle('HTML part of the message');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('srcdoc')).toContain('Unsubscribe');
    expect(s.problems().slice(earlier)).toEqual([]);
  });
});

/**
 * Holds the answers to the page's requests whose path matches until release(), which resolves
 * once a request has come and its held answer is handed on.
 */
function hold(page: Page, path: RegExp) {
  let open!: () => void;
  const released = new Promise<void>((resolve) => (open = resolve));
  let arrived!: () => void;
  const came = new Promise<void>((resolve) => (arrived = resolve));
  let handedOn!: () => void;
  const delivered = new Promise<void>((resolve) => (handedOn = resolve));
  void page.route((url) => path.test(url.pathname), async (route) => {
    const response = await route.fetch();
    arrived();
    await released;
    await route.fulfill({ response });
    handedOn();
  });
  return {
    async release() {
      await came;
      open();
      await delivered;
    },
  };
}

describe('an admin at work', () => {
  // A rule's refusal names its input in `field`: the form shows the reason under that input,
  // not as a message for the whole form.
  it('shows a taken department name under the name field', async () => {
    const s = await signIn(userOf('admin').email);
    await s.page.goto(`${server.url}/departments`);
    await s.page.getByRole('button', { name: 'New department' }).click();
    const dialog = s.page.getByRole('dialog', { name: 'New department' });
    const name = dialog.getByLabel('Name');
    await name.fill('Sales North');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const reason = dialog.getByText('a department named Sales North already exists', { exact: true });
    await reason.waitFor();
    expect(await name.getAttribute('aria-describedby')).toBe(await reason.getAttribute('id'));
    expect(s.problems([409])).toEqual([]);
    await s.close();
  });
});
