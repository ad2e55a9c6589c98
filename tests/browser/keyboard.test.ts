import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium, signInPage, type SignedInPage } from '../support/browser.js';

/**
 * The main flows with the keyboard alone (Tab, Shift+Tab, Enter, Space, Escape, arrow keys), in
 * Chromium against the real server and demo data: each control is reached by tabbing to it, never
 * by a click or a focus() from the test. The phone's menu drawer and filter sheet are walked in
 * responsive.test.ts.
 */

const SALES = 'anna@mailroom.test';
const ADMIN = 'admin@mailroom.test';

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(email: string): Promise<SignedInPage & { close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  return { ...(await signInPage(context, server, email)), close: () => context.close() };
}

const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement).catch(() => false);

/** Presses Tab (Shift+Tab with `back`) until `target` has the focus; fails if a whole round does not reach it. */
async function tabTo(page: Page, target: Locator, back = false): Promise<void> {
  await target.waitFor();
  const seen = new Set<string>();
  for (let i = 0; i < 400; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    seen.add(await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80) ?? ''));
  }
  throw new Error(`Tab never reached ${target}; it went through ${seen.size} stops`);
}

/** Tabs to `opener`, opens its dialog `name` with Enter, closes it with Escape: the focus is back on the opener. */
async function openAndEscape(page: Page, opener: Locator, name: string, back = false): Promise<void> {
  await tabTo(page, opener, back);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name });
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  expect(await isFocused(opener)).toBe(true);
}

describe('the keyboard alone', () => {
  // The list: filter by status with the arrow keys, sort by a column with Enter and Space, read a
  // star's reason, then open a mailing, pause and resume it, and open and Escape its cancel dialog.
  it('filters, sorts and opens a mailing, pauses and resumes it, and leaves a dialog with Escape', { timeout: 120_000 }, async () => {
    const s = await signIn(SALES);
    const { page } = s;
    await page.goto(`${server.url}/mailings`);
    const table = page.getByRole('table', { name: 'Mass mailings' });
    await table.getByRole('link', { name: 'Autumn product update' }).waitFor();

    const status = page.getByRole('combobox', { name: 'Status' });
    await tabTo(page, status);
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/status=/);
    await page.keyboard.press('ArrowUp');
    await page.waitForURL((url) => !url.searchParams.has('status'));

    const sentToday = table.getByRole('button', { name: 'Sent today' });
    await tabTo(page, sentToday);
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=sentToday&dir=asc/);
    await page.keyboard.press('Space');
    await page.waitForURL(/sort=sentToday&dir=desc/);

    // A star's reason shows on focus as on hover, and Escape puts it away.
    const star = table.getByRole('img', { name: /^(Can send|Cannot send): / }).first();
    await tabTo(page, star);
    const reason = ((await star.getAttribute('aria-label')) ?? '').replace(/^(Can send|Cannot send): /, '');
    const hint = page.getByRole('tooltip');
    await hint.filter({ hasText: reason }).waitFor();
    await page.keyboard.press('Escape');
    await hint.waitFor({ state: 'hidden' });

    // Back up the page to the mailing's name, and open it.
    await tabTo(page, table.getByRole('link', { name: 'Autumn product update' }), true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/mailings\/\d+$/);
    const actions = page.getByRole('region', { name: 'Actions' });

    await tabTo(page, actions.getByRole('button', { name: 'Pause' }));
    await page.keyboard.press('Enter');
    await tabTo(page, actions.getByRole('button', { name: 'Resume' }), true);
    await page.keyboard.press('Space');
    await actions.getByRole('button', { name: 'Pause' }).waitFor();

    await openAndEscape(page, actions.getByRole('button', { name: 'Cancel mailing' }), 'Cancel mailing');
    await actions.getByRole('button', { name: 'Pause' }).waitFor();
    expect(s.problems()).toEqual([]);
    await s.close();
  });

  // The accounts: the edit dialog opens with Enter and gives the focus back on Escape, the
  // incoming-mail settings open from their badge, and a connection test runs from its button.
  it('edits and tests an account and opens its incoming mail', { timeout: 120_000 }, async () => {
    const s = await signIn(SALES);
    const { page } = s;
    await page.goto(`${server.url}/accounts`);
    const row = page.getByRole('row', { name: /Anna Sales \(main\)/ });

    await openAndEscape(page, row.getByRole('button', { name: 'Edit Anna Sales (main)' }), 'Edit account Anna Sales (main)');
    await openAndEscape(page, row.getByRole('button', { name: /^Incoming mail of Anna Sales \(main\)/ }), 'Incoming mail of Anna Sales (main)', true);

    await tabTo(page, row.getByRole('button', { name: 'Test connection of Anna Sales (main)' }));
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /^Anna Sales \(main\): / }).waitFor();
    expect(s.problems()).toEqual([]);
    await s.close();
  });

  // A department with users cannot be deleted: its button still takes the focus and says why,
  // and Enter on it opens nothing.
  it("tells why a department's delete is unavailable", { timeout: 60_000 }, async () => {
    const s = await signIn(ADMIN);
    const { page } = s;
    await page.goto(`${server.url}/departments`);
    const unavailable = page.getByRole('button', { name: /^Delete /, disabled: true }).first();
    await tabTo(page, unavailable);
    await page.getByRole('tooltip').filter({ hasText: 'Move its users first' }).waitFor();
    await page.keyboard.press('Enter');
    // The next button (the next row's Rename) opens its dialog: the Enter before it has been handled.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: /^Rename / }).waitFor();
    expect(await page.getByRole('dialog', { name: 'Delete department' }).isVisible()).toBe(false);
    expect(s.problems()).toEqual([]);
    await s.close();
  });
});
