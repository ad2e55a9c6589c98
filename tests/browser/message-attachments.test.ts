import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium, signInPage } from '../support/browser.js';

/** The message editor's files against the real server (child process, scratch MariaDB, demo data) in Chromium. */

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200)]);

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../build/index.html'))) throw new Error('No built UI: run `npx vite build` first');
  [server, browser] = await Promise.all([startServer({ env: { PORT: '15410', MAIL_SINK_PORT: '15411' } }), launchChromium()]);
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('message files in the editor', () => {
  // An inline image uploaded in the editor lands in the HTML as cid:, shows in the sandboxed
  // preview, and a refused upload shows the server's reason; removing takes it off the list.
  it('attaches an inline image, previews it, refuses a disguised file and removes the image', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const s = await signInPage(context, server, 'anna@mailroom.test');
    const { page } = s;
    await page.goto(`${server.url}/messages`);
    await page.getByRole('table').getByRole('link').first().click();
    const files = page.getByRole('region', { name: 'Files' });
    await files.getByText('No files.').waitFor();

    await page.getByLabel('HTML body').click();
    await files.getByLabel('Inline image').check();
    await files.getByLabel('File to attach').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await files.getByRole('button', { name: 'Attach', exact: true }).click();
    await files.getByRole('link', { name: 'logo.png' }).waitFor();
    await files.getByText(`image/png · ${PNG.length} B · inline as cid:logo.png`).waitFor();
    expect(await page.getByLabel('HTML body').inputValue()).toContain('<img src="cid:logo.png" alt="">');
    await page.waitForFunction(() => document.querySelector('iframe[title="HTML preview"]')?.getAttribute('srcdoc')?.includes('src="data:image/png;base64,'));

    await files.getByLabel('Inline image').uncheck();
    await files.getByLabel('File to attach').setInputFiles({ name: 'offer.pdf', mimeType: 'application/pdf', buffer: ELF });
    await files.getByRole('button', { name: 'Attach', exact: true }).click();
    await files.getByRole('alert').filter({ hasText: 'may not be attached' }).waitFor();

    await files.getByRole('button', { name: 'Remove logo.png' }).click();
    await files.getByText('No files.').waitFor();
    // The refused upload's 400 is the one error the console may show.
    expect(s.problems([400])).toEqual([]);
    await context.close();
  });
});
