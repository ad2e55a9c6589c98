import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../server/db/seed/demo.js';
import type { Role } from '../../server/domain/roles.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium, signInPage, type SignedInPage } from '../support/browser.js';
import { cutValueFocusProblems, layoutProblems, listColumnProblems, markCutValues } from '../support/layout-checks.js';

/**
 * Every page, for every role, at a phone, a portrait tablet, a small laptop and a desktop: the
 * document is never wider than the viewport, nothing covers the top bar, every column of a list is
 * reachable (the mailing list's key columns at once), and axe-core finds no serious or critical
 * violation. One browser and server, one signed-in context per role; each page is one case,
 * reused across the sizes.
 * Screenshots of the main pages land in artifacts/screenshots/ (gitignored) for a reviewer.
 */

const SIZES = [
  { width: 390, height: 844 },
  { width: 768, height: 1024 },
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
] as const;

/** Every route under src/routes/(app); the admin-only ones are offered to admins only. */
const PAGES = ['/mailings', '/companies', '/contacts', '/leads', '/messages', '/messages/new', '/signatures', '/accounts', '/outbox', '/settings'];
const ADMIN_PAGES = ['/users', '/departments'];
/** The pages a reviewer looks at first; screenshotted at every size, for the admin. */
const SCREENSHOT = new Set(['/mailings', '/mailings/:id', '/accounts', '/companies']);
const SHOTS = resolve(import.meta.dirname, '../../artifacts/screenshots');

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const ROLES: Role[] = ['admin', 'company_manager', 'team_lead', 'sales_manager'];
const userOf = (role: Role) => DEMO_USERS.find((u) => u.role === role && u.email !== 'ben@mailroom.test')!;

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** axe-core's serious and critical violations on the page as it is, one line each. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}

/** The first item of a detail page's list, as the user sees it through the API; the page's path with its id. */
const DETAILS: Record<string, string> = { '/mailings/:id': '/api/mailings', '/messages/:id': '/api/messages', '/outbox/:id': '/api/outbox' };
async function firstOf(page: Page, path: string): Promise<string | null> {
  const res = await page.request.get(`${server.url}${DETAILS[path]}`);
  const [first] = ((await res.json()) as { items: { id: number | string }[] }).items;
  return first ? path.replace(':id', encodeURIComponent(String(first.id))) : null;
}

/** Every problem of the page open at `path` (the route `template`), at each size, for `label`'s role. */
async function checkAtEverySize(page: Page, path: string, template: string, label: string): Promise<string[]> {
  const found: string[] = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    // Let the layout and any live update settle after the resize.
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
    const at = `${label} ${path} at ${size.width}×${size.height}`;
    for (const p of await layoutProblems(page)) found.push(`${at}: ${p}`);
    if (path === '/mailings') for (const p of await listColumnProblems(page, size.width)) found.push(`${at}: ${p}`);
    for (const v of await axeViolations(page)) found.push(`${at}: axe ${v}`);
    if (label === 'admin' && SCREENSHOT.has(template)) {
      await page.screenshot({ path: resolve(SHOTS, `${template.slice(1).replace(/[/:]+/g, '-')}-${size.width}x${size.height}.png`), fullPage: true });
    }
  }
  return found;
}

/** One signed-in page per role, reused by that role's cases. */
const sessions = new Map<Role, SignedInPage & { context: BrowserContext }>();

describe.for(ROLES)('every page at every size for a %s', (role) => {
  beforeAll(async () => {
    const context = await browser.newContext({ viewport: SIZES[3] });
    sessions.set(role, { ...(await signInPage(context, server, userOf(role).email)), context });
  });
  afterAll(() => sessions.get(role)?.context.close());

  const paths = [...PAGES, ...(role === 'admin' ? ADMIN_PAGES : []), ...Object.keys(DETAILS)];
  it.for(paths)('%s fits, keeps the top bar clear and passes axe', { timeout: 120_000 }, async (template, { skip }) => {
    const { page, problems, reset } = sessions.get(role)!;
    reset();
    const path = template in DETAILS ? await firstOf(page, template) : template;
    if (!path) return skip(`${role} sees no item for ${template}`);
    await page.setViewportSize(SIZES[3]);
    await page.goto(`${server.url}${path}`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
    expect(await checkAtEverySize(page, path, template, role)).toEqual([]);
    expect(problems()).toEqual([]);
  });
});

describe('on a phone and at the door', () => {
  // On a phone the navigation is behind the menu button and the list's filters in a sheet: both
  // open from the keyboard, close with Escape and give the focus back; the sheet's filter applies
  // to the cards behind it at once.
  it('opens the menu and the filter sheet from the keyboard on a phone', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: SIZES[0] });
    const { page, problems } = await signInPage(context, server, userOf('sales_manager').email);
    const focused = (el: Element) => el === document.activeElement;
    await page.goto(`${server.url}/mailings`);
    const cards = page.getByRole('list', { name: 'Mass mailings' });
    await cards.getByRole('link', { name: /Autumn product update/ }).waitFor();

    const menu = page.getByRole('button', { name: 'Menu' });
    const drawer = page.getByRole('dialog', { name: 'Menu' });
    await menu.focus();
    await page.keyboard.press('Enter');
    await drawer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Companies' }).waitFor();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await menu.evaluate(focused)).toBe(true);

    const sheetButton = page.getByRole('button', { name: 'Sort and filter' });
    const sheet = page.getByRole('dialog', { name: 'Sort and filter' });
    await sheetButton.focus();
    await page.keyboard.press('Enter');
    await sheet.getByLabel('Status').selectOption('done');
    await page.waitForURL(/status=done/);
    await cards.getByText('No mailings match.').waitFor();
    await sheet.getByLabel('Sort by').selectOption('sentToday');
    await page.waitForURL(/sort=sentToday/);
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });
    expect(await sheetButton.evaluate(focused)).toBe(true);

    // Following a link in the menu closes it.
    await menu.click();
    await drawer.getByRole('link', { name: 'Companies' }).click();
    await page.waitForURL('**/companies');
    await drawer.waitFor({ state: 'hidden' });
    expect(problems()).toEqual([]);
    await context.close();
  });

  it('fits the sign-in page', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: SIZES[0] });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const found: string[] = [];
    for (const size of SIZES) {
      await page.setViewportSize(size);
      if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)) found.push(`login at ${size.width}: wider than the viewport`);
      for (const v of await axeViolations(page)) found.push(`login at ${size.width}: axe ${v}`);
    }
    expect(found).toEqual([]);
    await context.close();
  });
});

describe('cut values from the keyboard', () => {
  // "A value is never cut silently": on a phone and on a desktop, each value its box cuts shows
  // whole once the keyboard reaches it, on every page the admin sees.
  it.for([SIZES[0], SIZES[3]])('shows every cut value whole when tabbed to at $width px', { timeout: 300_000 }, async (size) => {
    const context = await browser.newContext({ viewport: size });
    const { page, problems } = await signInPage(context, server, userOf('admin').email);
    const found: string[] = [];
    const cutOn: string[] = [];
    for (const template of [...PAGES, ...ADMIN_PAGES, ...Object.keys(DETAILS)]) {
      const path = template in DETAILS ? await firstOf(page, template) : template;
      if (!path) continue;
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
      if ((await markCutValues(page)) === 0) continue;
      cutOn.push(path);
      for (const p of await cutValueFocusProblems(page)) found.push(`${path}: ${p}`);
    }
    expect(found).toEqual([]);
    expect(cutOn.length, 'no page cuts a value: the check saw nothing').toBeGreaterThan(0);
    expect(problems()).toEqual([]);
    await context.close();
  });
});
