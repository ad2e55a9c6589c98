import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { initORM } from '../../server/db/orm.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { createApp } from '../../server/http/app.js';
import { ERROR_STATUS } from '../../server/http/errors.js';
import { refusalMessage } from '../../server/domain/errors.js';
import type { Refusal } from '../../server/domain/refusals.js';
import { ErrorSchema } from '../../server/http/openapi.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import type { Services } from '../../server/services.js';
import { scratchDatabase, type TestDb } from './databases.js';
import { Factories } from './factories.js';
import { EventBus } from '../../server/live/event-bus.js';
import { TransportPool } from '../../server/mail/transport.js';
import { closeRenderPool } from '../../server/mail/render-pool.js';
import { AccountCredentials } from '../../server/mail/account-credentials.js';
import { AccessTokens } from '../../server/mail/access-tokens.js';
import { Engine } from '../../server/engine/index.js';
import { attachmentsDirOf } from '../../server/db/attachment-files.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestApp {
  services: Services;
  app: ReturnType<typeof createApp>;
  factories: Factories;
  /** A signed-in client for `email` (password TEST_PASSWORD). */
  signIn(email: string): Promise<Client>;
  /** A client with no session. */
  anonymous: Client;
  close(): Promise<void>;
}

export type Client = ReturnType<typeof makeClient>;

/**
 * Every error answer of the API keeps the contract, whichever test provoked it: an ErrorSchema
 * body whose code is from the closed list and has the answer's status, and a `field` that the
 * text names first ("field: reason"); every refusal but invalid input says its reason, and its
 * English is that reason worded with its values.
 */
export function assertErrorContract(request: string, status: number, body: unknown) {
  const parsed = ErrorSchema.safeParse(body);
  if (!parsed.success) throw new Error(`${request}: ${status} body breaks the error contract: ${JSON.stringify(body)}`);
  const { code, error, field } = parsed.data;
  if (ERROR_STATUS[code] !== status) throw new Error(`${request}: code ${code} is ${ERROR_STATUS[code]}, but the answer is ${status}`);
  if (field !== undefined && !error.startsWith(`${field}: `)) throw new Error(`${request}: field ${field} is not what "${error}" names`);
  const { reason, params } = parsed.data;
  if (code === 'invalid_input' && reason === undefined) return;
  if (reason === undefined || params === undefined) throw new Error(`${request}: ${code} says no reason: ${JSON.stringify(body)}`);
  const english = refusalMessage({ reason, params } as Refusal, field);
  if (english !== error) throw new Error(`${request}: "${error}" is not what ${reason} ${JSON.stringify(params)} says ("${english}")`);
}

export function makeClient(app: ReturnType<typeof createApp>, cookie?: string, csrf?: string) {
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const isText = typeof body === 'string';
    // Bytes go as they are (a file upload); the caller states their type.
    const isFile = body instanceof Uint8Array || body instanceof ReadableStream;
    const res = await app.request(path, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...(body === undefined ? {} : { 'content-type': isFile ? 'application/octet-stream' : isText ? 'text/csv' : 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof ReadableStream ? body : isFile ? new Blob([body as Uint8Array<ArrayBuffer>]) : isText ? body : JSON.stringify(body),
      // A stream is sent as it comes (an upload still in flight).
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    // /api/health's 503 is its report (what is down), not a refusal.
    if (path.startsWith('/api/') && res.status >= 400 && !path.startsWith('/api/health')) assertErrorContract(`${method} ${path}`, res.status, json);
    return { status: res.status, body: json, text, headers: res.headers };
  };
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => send('POST', path, body, headers),
    patch: (path: string, body?: unknown) => send('PATCH', path, body),
    put: (path: string, body?: unknown) => send('PUT', path, body),
    delete: (path: string) => send('DELETE', path),
    send,
  };
}

/** The HTTP app on a scratch database (MariaDB unless told otherwise), without jobs or sink. */
export async function initTestApp(opts: { db?: TestDb; now?: () => Date; services?: Partial<Services>; env?: Record<string, string> } = {}): Promise<TestApp> {
  const db = await scratchDatabase(opts.db ?? 'mysql');
  const orm = await initORM(db.target);
  // Its own folder: message files are stored there by hash, and each test app cleans up its own.
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-test-data-'));
  const config = { ...loadConfig({ DATA_DIR: dataDir, SECRET_KEY: 'test-secret-key-0123456789', MAIL_SINK: 'off', ...opts.env }, []), database: db.target };
  const parts = {
    config, orm, secrets: new SecretBox(Buffer.alloc(32, 7)), jobs: null, sink: null, events: new EventBus(), transport: new TransportPool(),
    now: opts.now ?? (() => new Date()), ...opts.services,
  };
  // The engine's front door as boot.ts builds it in a web-only process: no account jobs.
  const credentials = new AccountCredentials(parts.secrets, new AccessTokens({ secrets: parts.secrets, now: parts.now, issuers: config.oauthIssuers }));
  const engine = new Engine({ orm: parts.orm, secrets: parts.secrets, transport: parts.transport, credentials, events: parts.events, now: parts.now, wallClock: Date.now, random: Math.random, leaseMs: config.engine.leaseMs, attachmentsDir: attachmentsDirOf(config.dataDir) });
  const services: Services = { engine, ...parts };
  await settingsRepository.get(orm.em.fork(), config.publicUrl);
  const app = createApp(services);
  const factories = new Factories(orm, services.secrets, TEST_PASSWORD);
  return {
    services,
    app,
    factories,
    anonymous: makeClient(app),
    async signIn(email: string) {
      const res = await app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
      if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
      const cookie = res.headers.get('set-cookie')!.split(';')[0];
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      return makeClient(app, cookie, csrfToken);
    },
    async close() {
      await closeRenderPool();
      await orm.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
