import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDto } from '../../server/http/schemas/accounts.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium, signInPage, type SignedInPage } from '../support/browser.js';

/**
 * The new-account form in Chromium against the real server: a known address, a chosen provider
 * or a known SMTP host fills the server, the security and a daily limit under the provider's
 * published figure, a note says what was filled and where the figure comes from, and every
 * value stays the user's to change, down to what is saved.
 */

const ANNA = 'anna@mailroom.test';

let server: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let s: SignedInPage;

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  [server, browser] = await Promise.all([startServer({ args: ['--role', 'web'] }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  s = await signInPage(context, server, ANNA);
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const values = async (form: Locator) => ({
  host: await form.getByLabel('SMTP host').inputValue(),
  port: await form.getByLabel('Port').inputValue(),
  security: await form.getByLabel('Security').inputValue(),
  user: await form.getByLabel('SMTP user').inputValue(),
  limit: await form.getByLabel('Daily limit').inputValue(),
});

describe('provider presets in the account form', () => {
  it('fills the server and a sourced daily limit from the address, a chosen provider or the host, and keeps every edit', async () => {
    const { page } = s;
    await page.goto(`${server.url}/accounts`);
    await page.getByRole('button', { name: 'New account' }).click();
    const form = page.getByRole('dialog', { name: 'New email account' });
    const note = form.getByRole('status', { name: 'Provider preset' });

    // Typing a consumer Gmail address (any case) fills Gmail's server, login and limit.
    await form.getByLabel('Account name').fill('Preset test');
    await form.getByLabel('Sender e-mail').fill('Ann.Seller@GMAIL.com');
    expect(await values(form)).toEqual({ host: 'smtp.gmail.com', port: '465', security: 'tls', user: 'Ann.Seller@GMAIL.com', limit: '350' });
    await note.filter({ hasText: 'Filled in for Gmail' }).waitFor();
    expect(await note.textContent()).toContain('about 500 recipients a day');
    expect(await note.textContent()).toContain('IMAP imap.gmail.com:993 TLS');
    expect(await note.getByRole('link', { name: 'source' }).getAttribute('href')).toBe('https://support.google.com/mail/answer/22839');

    // The user's changes stay while the address is typed on at the same provider.
    await form.getByLabel('Port').fill('587');
    await form.getByLabel('Security').selectOption('starttls');
    await form.getByLabel('Daily limit').fill('200');
    await form.getByLabel('Sender e-mail').fill('ann@gmail.com');
    expect(await values(form)).toMatchObject({ host: 'smtp.gmail.com', port: '587', security: 'starttls', limit: '200' });

    // Choosing a provider fills its preset.
    await form.getByLabel('Provider', { exact: true }).selectOption({ label: 'Microsoft 365' });
    expect(await values(form)).toMatchObject({ host: 'smtp.office365.com', port: '587', security: 'starttls', limit: '5000' });
    await note.filter({ hasText: 'Filled in for Microsoft 365' }).waitFor();
    expect(await note.getByRole('link', { name: 'source' }).getAttribute('href')).toContain('learn.microsoft.com');

    // A company address on Google's server is Google Workspace, found by the host typed.
    await form.getByLabel('Sender e-mail').fill('ann@company.test');
    await form.getByLabel('SMTP host').fill('smtp.gmail.com');
    expect(await values(form)).toMatchObject({ host: 'smtp.gmail.com', port: '465', security: 'tls', limit: '1500' });
    await note.filter({ hasText: 'Filled in for Google Workspace' }).waitFor();
    expect(await form.getByLabel('Provider', { exact: true }).inputValue()).toBe('google-workspace');

    // A lookalike host fills nothing; what is saved is what the user left in the form.
    await form.getByLabel('SMTP host').fill('smtp.gmail.com.evil.test');
    await form.getByLabel('Port').fill('2525');
    await form.getByLabel('Daily limit').fill('123');
    await form.getByLabel('SMTP password').fill('secret');
    expect(await values(form)).toMatchObject({ host: 'smtp.gmail.com.evil.test', port: '2525', security: 'tls', limit: '123' });
    await form.getByRole('button', { name: 'Add account' }).click();
    await form.waitFor({ state: 'detached' });

    const res = await page.request.get(`${server.url}/api/accounts`);
    const saved = ((await res.json()) as { items: AccountDto[] }).items.find((a) => a.name === 'Preset test');
    expect(saved).toMatchObject({ fromEmail: 'ann@company.test', smtpHost: 'smtp.gmail.com.evil.test', smtpPort: 2525, smtpSecurity: 'tls', smtpUser: 'Ann.Seller@GMAIL.com', dailyLimit: 123 });

    // A stored account's values are not filled again while its provider stays the same.
    const { csrfToken: csrf } = (await (await page.request.get(`${server.url}/api/session`)).json()) as { csrfToken: string };
    const stored = await page.request.post(`${server.url}/api/accounts`, {
      headers: { 'x-csrf-token': csrf }, data: { name: 'Own limit', fromName: 'Ann', fromEmail: 'ann@gmail.com', smtpHost: 'smtp.gmail.com', smtpPort: 587, smtpSecurity: 'starttls', smtpUser: 'ann@gmail.com', password: 'secret', dailyLimit: 100 },
    });
    expect(stored.status()).toBe(201);
    await page.reload();
    await page.getByRole('button', { name: 'Edit Own limit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit account Own limit' });
    await edit.getByLabel('Sender e-mail').fill('ann.seller@gmail.com');
    expect(await values(edit)).toMatchObject({ host: 'smtp.gmail.com', port: '587', security: 'starttls', limit: '100' });
    expect(await edit.getByLabel('Provider', { exact: true }).inputValue()).toBe('gmail');
    expect(await edit.getByRole('status', { name: 'Provider preset' }).count()).toBe(0);
    expect(s.problems()).toEqual([]);
  });
});
