import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Page as ListPage } from '../../server/http/openapi.js';
import type { MailingDto } from '../../server/http/schemas/mailings.js';
import type { MessageDto } from '../../server/http/schemas/messages.js';
import type { ContactDto } from '../../server/http/schemas/recipients.js';
import type { AccountDto } from '../../server/http/schemas/accounts.js';
import { signInPage, type SignedInPage } from './browser.js';
import type { ServerProcess } from './server-process.js';
import type { SmtpSink } from './smtp-sink/index.js';
import { makeClient, type Client } from './test-app.js';

/** Signing in to a running server by REST and in Chromium, for the browser tests that watch live changes. */

export interface Api extends Client {
  me: { id: number; name: string };
}

/** A REST client signed in as `email`, for setting the scene; the test-app client over real HTTP. */
export async function apiAs(server: ServerProcess, email: string): Promise<Api> {
  const res = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: server.password }) });
  const me = (await res.json()) as { id: number; name: string; csrfToken: string };
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  // makeClient only calls app.request(path, init), which fetch against the server answers the same way.
  const client = makeClient({ request: (path: string, init: RequestInit) => fetch(`${server.url}${path}`, init) } as never, cookie, me.csrfToken);
  return { ...client, me };
}

/** The body of a 2xx answer; anything else fails the test with what the server said. */
export async function ok<T>(call: Promise<{ status: number; body: unknown }>): Promise<T> {
  const { status, body } = await call;
  if (status >= 300) throw new Error(`API answered ${status}: ${JSON.stringify(body)}`);
  return body as T;
}

export interface Session extends Pick<SignedInPage, 'page' | 'problems'> {
  context: BrowserContext;
  /** The notifications the service worker shows, when signed in with `notifications`. */
  notifications(): Promise<{ title: string; body: string }[]>;
}

/**
 * A browser context signed in as `email`. With `notifications`, the context has the permission
 * and the page's Notification constructor refuses as Android's Chrome does ("use
 * ServiceWorkerRegistration.showNotification()"), so what shows must come through the service worker.
 */
export async function signIn(browser: Browser, on: ServerProcess, email: string, opts: { notifications?: boolean } = {}): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  if (opts.notifications) {
    await context.grantPermissions(['notifications'], { origin: on.url });
    await context.addInitScript(() => {
      const Real = window.Notification;
      function AndroidNotification() {
        throw new TypeError("Failed to construct 'Notification': Illegal constructor. Use ServiceWorkerRegistration.showNotification() instead.");
      }
      Object.defineProperty(AndroidNotification, 'permission', { get: () => Real.permission });
      Object.assign(AndroidNotification, { requestPermission: Real.requestPermission.bind(Real) });
      Object.assign(window, { Notification: AndroidNotification });
    });
  }
  const { page, problems } = await signInPage(context, on, email);
  return {
    context,
    page,
    problems,
    notifications: () =>
      page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        return ((await registration?.getNotifications()) ?? []).map((n) => ({ title: n.title, body: n.body }));
      }),
  };
}

/** Opens a page of `on` and waits until its live socket is connected, so no push is missed after this. */
export async function openLive(page: Page, on: ServerProcess, path: string) {
  await page.goto(`${on.url}${path}`);
  await page.getByRole('banner').getByText('Live', { exact: true }).waitFor();
}

/**
 * An IANA zone where it is now late in the evening, so that an account there has little of the
 * demo's 00:00–23:59 window left and paces its daily limit into a message every fraction of a
 * second: the sends of a test mailing take moments instead of the demo's 30 s each.
 */
export function lateEveningZone(now = new Date()): string {
  const hour = now.getUTCMinutes() < 45 ? 23 : 22;
  let offset = hour - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** Makes a paused or active mailing of `api`'s first message through the API and returns it. */
export async function makeMailing(api: Api, name: string, selections: object, start: 'active' | 'paused' = 'paused'): Promise<MailingDto> {
  const messages = await ok<ListPage<MessageDto>>(api.get(`/api/messages?ownerId=${api.me.id}`));
  const result = await ok<{ mailings: MailingDto[] }>(api.post('/api/mailings', { messageId: messages.items[0].id, name, selections, start }));
  return result.mailings[0];
}

/** The first `n` of `api`'s own contacts that may be mass-mailed. */
export const contactsOf = async (api: Api, n: number) =>
  (await ok<ListPage<ContactDto>>(api.get(`/api/contacts?ownerId=${api.me.id}&massMailing=true&disqualified=false&pageSize=${n}&sort=id`))).items;

/**
 * Makes `user` on the test sink `api`'s only account that can send, so the sink decides every
 * outcome. A new account per test: the engine keeps each account's SMTP connection open, and a
 * rule about logins applies only to new connections.
 */
export async function soleAccount(api: Api, sink: SmtpSink, name: string, user: string): Promise<AccountDto> {
  const own = await ok<ListPage<AccountDto>>(api.get(`/api/accounts?ownerId=${api.me.id}`));
  for (const account of own.items) if (account.massMailEnabled) await ok(api.patch(`/api/accounts/${account.id}`, { massMailEnabled: false }));
  return ok<AccountDto>(
    api.post('/api/accounts', {
      name, fromName: api.me.name, fromEmail: user, smtpHost: '127.0.0.1', smtpPort: sink.port, smtpSecurity: 'none',
      smtpUser: user, password: 'sink-password', dailyLimit: 10_000, timeZone: lateEveningZone(),
    }),
  );
}
