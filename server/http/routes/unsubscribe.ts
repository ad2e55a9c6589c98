import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import type { AppEnv } from '../env.js';
import { readUnsubscribeToken } from '../../mail/unsubscribe-token.js';
import { settingsRepository } from '../../db/repositories/settings.repository.js';
import { suppressionRepository } from '../../db/repositories/suppression.repository.js';
import { SAMPLE_RECIPIENTS } from '../../domain/template-variables.js';
import type { Locale } from '../../domain/locales.js';
import { localeOfRequest, publicTexts, unsubscribeText, type PublicTexts } from '../../mail/public-texts.js';

/**
 * The public unsubscribe pages behind every message's link and List-Unsubscribe header:
 * GET shows a confirmation (link scanners follow GETs, so a GET changes nothing), POST
 * unsubscribes. POST is also the RFC 8058 one-click target: mailbox providers post
 * `List-Unsubscribe=One-Click` with no cookie, which is why these routes live outside /api.
 * The pages speak the recipient's browser language (Accept-Language) among Mailroom's.
 */

export interface UnsubscribedEvent {
  mailingId: number;
  departmentId: number;
  ownerId: number;
  email: string;
  at: Date;
}

/** `jane.doe@acme.example` → `j***@acme.example`: enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

const STYLE = `
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f4f5f7; color: #1f2328;
    font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 28rem; margin: 1rem; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.08); }
  h1 { margin: 0 0 1rem; font-size: 1.4rem; }
  p { margin: 0 0 1rem; white-space: pre-line; }
  .address { font-weight: 600; }
  .note { padding: .5rem .75rem; background: #fff8c5; border-radius: 4px; font-size: .9rem; }
  button { padding: .6rem 1.4rem; border: 0; border-radius: 6px; background: #1f6feb; color: #fff; font: inherit; cursor: pointer; }
  button:hover { background: #1858c4; }`;

/** The words of one page view, in one language. */
interface View {
  locale: Locale;
  t: PublicTexts;
}

const page = ({ locale }: View, title: string, content: unknown) => html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body><main>${content}</main></body>
</html>`;

const previewNote = ({ t }: View, preview: boolean) => (preview ? html`<p class="note">${t('unsub_preview_note')}</p>` : '');


const confirmPage = (v: View, text: string, address: string, preview = false) =>
  page(
    v,
    v.t('unsub_title'),
    html`${previewNote(v, preview)}<h1>${v.t('unsub_title')}</h1>
<p>${unsubscribeText(v.t, text)}</p>
<p class="address">${maskEmail(address)}</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${v.t('unsub_button')}</button></form>`,
  );

// The address goes in as a marker and is put back escaped, inside its own span.
const ADDRESS = '\u0000address\u0000';

const donePage = (v: View, address: string, preview = false) => {
  const [before = '', after = ''] = v.t('unsub_done_text', { address: ADDRESS }).split(ADDRESS);
  return page(
    v,
    v.t('unsub_done_title'),
    html`${previewNote(v, preview)}<h1>${v.t('unsub_done_title')}</h1>
<p>${before}<span class="address">${maskEmail(address)}</span>${after}</p>`,
  );
};

const invalidPage = (v: View) =>
  page(
    v,
    v.t('unsub_invalid_title'),
    html`<h1>${v.t('unsub_invalid_heading')}</h1>
<p>${v.t('unsub_invalid_text')}</p>`,
  );

export function unsubscribeRoutes(onUnsubscribed?: (e: UnsubscribedEvent) => void) {
  const app = new Hono<AppEnv & { Variables: { publicView: View } }>();

  app.use('*', async (c, next) => {
    const locale = localeOfRequest(c.req.header('accept-language'));
    c.set('publicView', { locale, t: publicTexts(locale) });
    await next();
    c.header('Content-Language', locale);
    c.header('Vary', 'Accept-Language');
    // The page holds a personal token: never cached, indexed or framed; it loads nothing from elsewhere.
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  });
  // The body is ignored; a one-click POST carries a few bytes.
  app.use('*', bodyLimit({ maxSize: 16 * 1024 }));

  // The link message previews use: the real page, with a sample address, changing nothing.
  app.get('/preview', async (c) => {
    const settings = await settingsRepository.get(c.var.em, c.var.services.config.publicUrl);
    return c.html(confirmPage(c.var.publicView, settings.unsubscribeText, SAMPLE_RECIPIENTS.contact.email!, true));
  });
  app.post('/preview', (c) => c.html(donePage(c.var.publicView, SAMPLE_RECIPIENTS.contact.email!, true)));

  app.get('/:token', async (c) => {
    const rowId = readUnsubscribeToken(c.var.services.secrets, c.req.param('token'));
    const target = rowId === null ? null : await suppressionRepository.target(c.var.em, rowId);
    if (!target) return c.html(invalidPage(c.var.publicView), 404);
    if (target.suppressed) return c.html(donePage(c.var.publicView, target.email));
    const settings = await settingsRepository.get(c.var.em, c.var.services.config.publicUrl);
    return c.html(confirmPage(c.var.publicView, settings.unsubscribeText, target.email));
  });

  app.post('/:token', async (c) => {
    const rowId = readUnsubscribeToken(c.var.services.secrets, c.req.param('token'));
    const at = c.var.services.now();
    const result = rowId === null ? null : await suppressionRepository.unsubscribeLedgerRow(c.var.em, rowId, at);
    if (!result) return c.html(invalidPage(c.var.publicView), 404);
    if (result.newlySuppressed || result.optInCleared) {
      // Already committed; a failing listener must not turn the unsubscribe into an error page.
      try {
        onUnsubscribed?.({ mailingId: result.mailingId, departmentId: result.departmentId, ownerId: result.ownerId, email: result.email, at });
      } catch (err) {
        console.error('[unsubscribe] listener failed:', err);
      }
    }
    return c.html(donePage(c.var.publicView, result.email));
  });

  // Anything else under /u (no token, extra segments, other methods) is a broken link, never the
  // app's page: the same page as a forged token.
  app.all('*', (c) => c.html(invalidPage(c.var.publicView), 404));

  return app;
}
