import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactDto } from '../../server/http/schemas/recipients.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium } from '../support/browser.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink/index.js';
import { apiAs, contactsOf, makeMailing, openLive, signIn, soleAccount, type Api } from '../support/live-session.js';

/**
 * What the app says of status changes that matter, in Chromium against the real server: the polite
 * live region (a mailing done, in the reader's language; an account turning red) and the service
 * worker's notifications, also while the tab is in the background. Ben's mailings go through an
 * account on an SMTP sink process, which decides whether they are sent or refused.
 */

const BEN = 'ben@mailroom.test';

let server: ServerProcess;
let browser: Browser;
let sink: SmtpSink;
let ben: Api;
let targets: ContactDto[];

/**
 * Records every text the polite live region says from now on: a later change replaces the region's
 * text, and a screen reader hears each one, so the test asks what was said, not what is left.
 */
async function listen(page: Page): Promise<() => Promise<string[]>> {
  expect(await page.getByTestId('announcer').getAttribute('aria-live')).toBe('polite');
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid="announcer"]')!;
    const said: string[] = [];
    Object.assign(window, { said });
    new MutationObserver(() => region.textContent && said.push(region.textContent)).observe(region, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { said: string[] }).said);
}

/**
 * How many times a screen reader reads `sentence` from the page as it is: each live region (aria-live,
 * or a role that implies it) reads its own text, without what a live region inside it reads itself.
 */
function timesRead(page: Page, sentence: string): Promise<number> {
  return page.evaluate((sentence) => {
    const LIVE = '[aria-live]:not([aria-live="off"]), [role="alert"], [role="status"], [role="log"]';
    const ownText = (region: Element): string =>
      [...region.childNodes].map((n) => (n.nodeType === Node.TEXT_NODE ? n.textContent : n instanceof Element && !n.matches(LIVE) ? ownText(n) : '')).join('');
    return [...document.querySelectorAll(LIVE)].reduce((n, region) => n + ownText(region).split(sentence).length - 1, 0);
  }, sentence);
}

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  [server, browser, sink] = await Promise.all([startServer(), launchChromium(), startSmtpSink()]);
  ben = await apiAs(server, BEN);
  targets = await contactsOf(ben, 6);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), sink?.stop()]);
});

describe('the polite live region', () => {
  // A mailing that finishes is said on the list and on its own page, in the language the user chose.
  it('says a mailing is done, in English and in German', async () => {
    await soleAccount(ben, sink, 'Ben fast', 'ben.fast@mailroom.test');
    const s = await signIn(browser, server, BEN);
    const { page } = s;
    await openLive(page, server, '/mailings');
    const said = await listen(page);
    const first = await makeMailing(ben, 'Done soon', { contact: { ids: [targets[0].id, targets[1].id] } }, 'active');
    await expect.poll(said, { timeout: 60_000 }).toContain(`Mailing #${first.id} is done`);

    await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
    await page.locator('html[lang="de"]').waitFor();
    const second = await makeMailing(ben, 'Bald fertig', { contact: { ids: [targets[2].id, targets[3].id] } });
    await page.getByRole('link', { name: 'Bald fertig', exact: true }).click();
    await page.getByRole('button', { name: 'Fortsetzen' }).click();
    await expect.poll(said, { timeout: 60_000 }).toContain(`Mailing #${second.id} ist abgeschlossen`);
    expect(await said()).not.toContain(`Mailing #${second.id} is done`);
    // The choice is Ben's, stored on the server: back to the browser's English for the next tests.
    await page.getByRole('combobox', { name: 'Sprache' }).selectOption('');
    await page.locator('html[lang="en"]').waitFor();
    expect(s.problems()).toEqual([]);
    await s.context.close();
  }, 150_000);

  // The account that fails its sign-in turns red: its owner hears it in the live region (besides
  // the mailing's interruption, read once though a toast shows it too) and gets a notification
  // through the service worker.
  it('says an account turned red, and notifies through the service worker', async () => {
    const user = 'ben.red@mailroom.test';
    await soleAccount(ben, sink, 'Ben red', user);
    const s = await signIn(browser, server, BEN, { notifications: true });
    await openLive(s.page, server, '/accounts');
    const said = await listen(s.page);
    await sink.setRules({ failAuth: [user] });
    const mailing = await makeMailing(ben, 'Red account', { contact: { ids: [targets[4].id] } }, 'active');
    await expect.poll(said, { timeout: 60_000 }).toContainEqual(expect.stringMatching(/One of your e-mail accounts turned red: .*(535|[Aa]uthentication)/));
    await expect.poll(s.notifications, { timeout: 30_000 }).toContainEqual({ title: 'One of your e-mail accounts turned red', body: expect.stringMatching(/535|[Aa]uthentication/) });
    const interrupted = `Mailing #${mailing.id} was interrupted`;
    await expect.poll(said, { timeout: 30_000 }).toContainEqual(expect.stringContaining(interrupted));
    // The error toast shows the interruption too, but only the live region reads it out.
    await s.page.locator('.toast', { hasText: interrupted }).waitFor();
    expect(await timesRead(s.page, interrupted)).toBe(1);
    // On the list, the interruption's note says its level in words and has a mark, besides its red.
    await s.page.goto(`${server.url}/mailings`);
    const note = s.page.getByRole('list', { name: 'Notifications of Red account' }).getByRole('listitem').filter({ hasText: /(critical|error): / }).first();
    await note.waitFor();
    expect(await note.locator('[aria-hidden="true"]').textContent()).toBe('✕');
    expect(s.problems()).toEqual([]);
    await s.context.close();
  }, 150_000);
});

describe('notifications in the background', () => {
  // Another tab in front hides the Mailroom page; an interruption still reaches the user as a
  // service-worker notification.
  it('notifies of an interruption while the tab is hidden', async () => {
    const user = 'ben.hidden@mailroom.test';
    const account = await soleAccount(ben, sink, 'Ben hidden', user);
    const s = await signIn(browser, server, BEN, { notifications: true });
    await openLive(s.page, server, '/mailings');
    const other = await s.context.newPage();
    await other.bringToFront();
    // Headless Chromium keeps every page 'visible' whichever is in front, so the hidden tab is
    // emulated as the browser would report it: the document says hidden and hears visibilitychange.
    await s.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(await s.page.evaluate(() => document.visibilityState)).toBe('hidden');

    await sink.setRules({ failAuth: [user] });
    const mailing = await makeMailing(ben, 'Interrupted unseen', { contact: { ids: [targets[5].id] } }, 'active');
    await expect.poll(s.notifications, { timeout: 60_000 }).toContainEqual({ title: `Mailing #${mailing.id} was interrupted`, body: expect.stringContaining(account.name) });
    expect(await s.page.evaluate(() => document.visibilityState)).toBe('hidden');
    expect(s.problems()).toEqual([]);
    await s.context.close();
  }, 150_000);
});
