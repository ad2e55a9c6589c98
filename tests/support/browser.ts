import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { ServerProcess } from './server-process.js';

/** Debian's chromium, headless, without the background traffic this closed network refuses. */
export const launchChromium = () =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

export interface SignedInPage {
  page: Page;
  /** Console errors and page errors since sign-in or the last reset, minus failed requests with the allowed statuses. */
  problems(allowedStatuses?: number[]): string[];
  reset(): void;
}

/** Signs in through the login page in `context` and starts counting console problems from there. */
export async function signInPage(context: BrowserContext, server: ServerProcess, email: string): Promise<SignedInPage> {
  const page = await context.newPage();
  let seen: string[] = [];
  page.on('console', (m) => m.type() === 'error' && seen.push(m.text()));
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  await page.goto(`${server.url}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(server.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/companies');
  // The login page's own session probe answers 401 by design; count from the signed-in state on.
  seen = [];
  return {
    page,
    problems: (allowed = []) => seen.filter((text) => !allowed.some((status) => text.includes(`status of ${status}`))),
    reset: () => (seen = []),
  };
}
