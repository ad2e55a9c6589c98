import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium, signInPage, type SignedInPage } from '../support/browser.js';
import { TestOAuthProvider } from '../support/oauth-provider.js';

/**
 * Connecting a mailbox with OAuth, clicked through in Chromium against the real server and the
 * test provider (oauth2-mock-server, which consents at once and redirects back): an admin
 * registers the Google client in Settings; a sales manager clicks Connect Google, passes the
 * provider and comes back to a new, connected account; the grant is revoked at the provider, the
 * account's next sign-in fails, it turns red with the reason and offers Reconnect; Reconnect
 * clicks through and it is connected again. The provider lives on 127.0.0.1 and Mailroom on
 * localhost, two sites, as a real provider and Mailroom are: the session cookie must survive the
 * cross-site redirect back.
 */

const ADMIN = 'admin@mailroom.test';
const ANNA = 'anna@mailroom.test';
const MAILBOX = 'anna.sales@gmail.test';

let server: ServerProcess;
let browser: Browser;
const provider = new TestOAuthProvider(15560);

interface Session extends SignedInPage {
  context: BrowserContext;
}
async function signIn(email: string): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  return { ...(await signInPage(context, server, email)), context };
}

/** A port free now, so PUBLIC_URL (the redirect URL the provider sends the browser back to) can name it before the server starts. */
const freePort = () =>
  new Promise<number>((ok) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => ok(port));
    });
  });

const rowOf = (page: Page, name: string) => page.getByRole('table', { name: 'Email accounts' }).getByRole('row').filter({ has: page.getByText(name, { exact: true }) });

/** The user revokes Mailroom's access at the provider; the account's next sign-in (Test connection) finds out and offers Reconnect. */
async function revokeAndTest(page: Page) {
  provider.revokeUser(MAILBOX);
  const row = rowOf(page, MAILBOX);
  await row.getByRole('button', { name: `Test connection of ${MAILBOX}` }).click();
  await row.getByRole('button', { name: `Reconnect ${MAILBOX}` }).waitFor();
  return row;
}

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  const port = await freePort();
  await provider.start();
  // Every access token is already due for refresh (the margin is 5 minutes), so each sign-in asks the provider.
  provider.tokenTtlSeconds = 60;
  provider.nextUser = MAILBOX;
  [server, browser] = await Promise.all([
    startServer({ args: ['--role', 'web'], env: { PORT: String(port), PUBLIC_URL: `http://localhost:${port}`, OAUTH_GOOGLE_ISSUER: provider.issuer, OAUTH_MICROSOFT_ISSUER: provider.issuer } }),
    launchChromium(),
  ]);
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await provider.stop();
});

describe('connecting a mailbox with OAuth', () => {
  let anna: Session;
  afterAll(() => anna?.context.close());

  it('lets an admin register the Google client in Settings, showing what to register and never the secret', async () => {
    const admin = await signIn(ADMIN);
    const { page } = admin;
    await page.goto(`${server.url}/settings`);
    const card = page.getByRole('region', { name: 'Google OAuth client' });
    expect(await card.getByTestId('redirect-url').textContent()).toBe(`${server.url}/api/oauth/callback`);
    await card.getByText('https://mail.google.com/', { exact: true }).waitFor();
    expect(await card.getByText('Not registered').count()).toBe(1);
    await card.getByLabel('Google client ID').fill('mailroom-web-client');
    await card.getByLabel('Google client secret').fill('the-client-secret');
    await card.getByRole('button', { name: 'Save Google client' }).click();
    await page.getByRole('status').filter({ hasText: 'Google client saved' }).waitFor();
    await card.getByText('Registered', { exact: true }).waitFor();
    expect(await card.getByLabel('Google client secret').inputValue()).toBe('');
    expect(await card.getByLabel('Google client secret').getAttribute('placeholder')).toBe('set');
    await page.reload();
    expect(await page.content()).not.toContain('the-client-secret');
    expect(admin.problems()).toEqual([]);
    await admin.context.close();
  });

  it('adds an account by Connect Google: through the provider and back, connected', async () => {
    anna = await signIn(ANNA);
    const { page } = anna;
    await page.goto(`${server.url}/accounts`);
    await page.getByRole('table', { name: 'Email accounts' }).waitFor();
    await Promise.all([page.waitForURL(/\/accounts\?oauth=connected/), page.getByRole('button', { name: 'Connect Google' }).click()]);
    await page.getByRole('status').filter({ hasText: `Connected ${MAILBOX}` }).waitFor();
    // Shown once: the outcome leaves the URL.
    await page.waitForURL((url) => url.pathname === '/accounts' && !url.searchParams.has('oauth'));
    const row = rowOf(page, MAILBOX);
    await row.getByText('smtp.gmail.com:465').waitFor();
    expect(await row.getByTestId('sign-in').textContent()).toBe('Google OAuth');
    expect(await row.getByRole('button', { name: `Test connection of ${MAILBOX}` }).count()).toBe(1);
    expect(anna.problems()).toEqual([]);
  });

  // The incoming side asks no password: the same grant signs in to the provider's IMAP server.
  it('sets up the connected account’s incoming mail without a password', async () => {
    const { page } = anna;
    await rowOf(page, MAILBOX).getByRole('button', { name: /^Incoming mail of / }).click();
    const dialog = page.getByRole('dialog', { name: `Incoming mail of ${MAILBOX}` });
    await dialog.getByRole('status').filter({ hasText: 'Settings for Google Workspace' }).waitFor();
    expect(await dialog.getByLabel('IMAP host').inputValue()).toBe('imap.gmail.com');
    expect(await dialog.getByLabel('IMAP user').inputValue()).toBe(MAILBOX);
    await dialog.getByText("Not needed: Mailroom signs in with the account's Google connection (OAuth).", { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Incoming settings saved' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(anna.problems()).toEqual([]);
  });

  // A password account at a provider that refuses account passwords says what to use instead.
  it('tells a password account where to get an app password', async () => {
    const { page } = anna;
    await page.getByRole('button', { name: 'New account' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email account' });
    await dialog.getByLabel('Sender e-mail').fill('anna@yahoo.com');
    await dialog.getByRole('note').filter({ hasText: 'Yahoo Mail takes an app password' }).waitFor();
    await dialog.getByLabel('SMTP host').fill('smtp.gmail.com');
    await dialog.getByRole('note').filter({ hasText: 'use Connect Google, or turn on 2-Step Verification' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('turns red with the reason and offers Reconnect when the grant is revoked', async () => {
    const row = await revokeAndTest(anna.page);
    await row.getByText(/invalid_grant/).first().waitFor();
    await row.getByRole('img', { name: /^Cannot send/ }).waitFor();
    expect(await row.getByTestId('sign-in').getAttribute('class')).toContain('badge-danger');
    expect(await row.getByRole('button', { name: `Test connection of ${MAILBOX}` }).count()).toBe(0);
    expect(anna.problems()).toEqual([]);
  });

  it('is connected again after Reconnect', async () => {
    const { page } = anna;
    const row = rowOf(page, MAILBOX);
    await Promise.all([page.waitForURL(/\/accounts\?oauth=connected/), row.getByRole('button', { name: `Reconnect ${MAILBOX}` }).click()]);
    await page.getByRole('status').filter({ hasText: `Connected ${MAILBOX}` }).waitFor();
    await row.getByRole('button', { name: `Test connection of ${MAILBOX}` }).waitFor();
    expect(await row.getByRole('button', { name: `Reconnect ${MAILBOX}` }).count()).toBe(0);
    expect(await row.getByTestId('sign-in').getAttribute('class')).not.toContain('badge-danger');
    expect(await row.getByText(/invalid_grant/).count()).toBe(0);
    expect(anna.problems()).toEqual([]);
  });

  it('says why when the provider connects another mailbox than the one being reconnected, and the account stays as it was', async () => {
    const { page } = anna;
    const row = await revokeAndTest(page);
    provider.nextUser = 'someone.else@gmail.test';
    await Promise.all([page.waitForURL(/\/accounts\?oauth=failed/), row.getByRole('button', { name: `Reconnect ${MAILBOX}` }).click()]);
    await page.getByRole('alert').filter({ hasText: `you signed in to a different mailbox than the one of ${MAILBOX}` }).waitFor();
    await row.getByRole('button', { name: `Reconnect ${MAILBOX}` }).waitFor();
    expect(anna.problems()).toEqual([]);
  });

  // Anyone can craft such a link: the page words only codes it knows, never text from the URL.
  it('shows only its generic sentence for a crafted failure link, none of the link\'s words', async () => {
    const { page } = anna;
    await page.goto(`${server.url}/accounts?oauth=failed&reason=bogus&account=1&message=${encodeURIComponent('PHISH: call 0800 now')}`);
    const alert = page.getByRole('alert').filter({ hasText: 'The mailbox was not connected' });
    await alert.waitFor();
    expect((await alert.locator('span').textContent())?.trim()).toBe('The mailbox was not connected. Try again.');
    await page.waitForURL((u) => !u.search.includes('oauth'));
    expect(await page.locator('body').innerText()).not.toContain('PHISH');
    expect(page.url()).not.toContain('PHISH');
    expect(anna.problems()).toEqual([]);
  });
});
