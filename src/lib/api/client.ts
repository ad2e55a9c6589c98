import { goto } from '$app/navigation';
import { hc, type ClientResponse } from 'hono/client';
import type { SuccessStatusCode } from 'hono/utils/http-status';
import type { App } from '$server/http/app';
import type { ErrorBody, ErrorCode } from '$server/http/errors';
import type { Refusal } from '$server/domain/refusals';
import { errorText } from '$lib/i18n/errors';

/**
 * The only fetch code in the UI: hono's typed client over the server's own route types, so paths,
 * queries, bodies and answers follow the server. Every error answer becomes an ApiError carrying
 * the server's words, code and field; `text` says it in the UI's language.
 */

export class ApiError extends Error {
  readonly code: ErrorCode | null;
  readonly field: string | null;
  readonly details: unknown;
  /** Why, as a reason with its values, when the server says one (every refusal but invalid input). */
  readonly refusal: Refusal | null;

  constructor(
    readonly status: number,
    message: string,
    body: Partial<Omit<ErrorBody, 'error'>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = body.code ?? null;
    this.field = body.field ?? null;
    this.details = body.details;
    this.refusal = body.reason ? ({ reason: body.reason, params: body.params ?? {} } as Refusal) : null;
  }

  /** What the user reads: the refusal in the UI's language (see $lib/i18n/errors). */
  get text(): string {
    return errorText(this);
  }

  /** The server refused the request (4xx) for a reason the user can act on; 401 is the sign-in page's. */
  get refused(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 401;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

let csrfToken: string | null = null;

/** The session state hands the client the token writes must echo (x-csrf-token). */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** A query without its empty values, so the server applies its defaults. */
function searchParams(query: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined && one !== null && one !== '') params.append(key, String(one));
  }
  return params;
}

/** `path?a=1&b=2`, leaving out empty values. */
export function withQuery(path: string, query: Query = {}): string {
  const qs = searchParams(query).toString();
  return qs ? `${path}?${qs}` : path;
}

/** hc's fetch: the CSRF token on writes, the session cookie, and a lost session sent to sign in. */
async function send(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  const method = (init.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && csrfToken) headers.set('x-csrf-token', csrfToken);
  let res: Response;
  try {
    res = await fetch(input, { ...init, headers, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'The server cannot be reached; check your connection');
  }
  // A 401 anywhere but the session endpoint itself means the session ended: sign in again.
  if (res.status === 401 && !new URL(res.url || String(input), location.href).pathname.startsWith('/api/session')) {
    setCsrfToken(null);
    const here = location.pathname + location.search;
    void goto(withQuery('/login', { next: here === '/login' ? undefined : here }));
  }
  return res;
}

/** The API, typed from the server's routes: `client.api.users[':id'].$patch({ param, json })`. */
export const client = hc<App>('/', { fetch: send, buildSearchParams: searchParams });

/** The body of a success answer of `R`. */
type Ok<R> = R extends ClientResponse<infer T, infer S, infer _F> ? (S extends SuccessStatusCode ? T : never) : never;

/**
 * Awaits one typed request: the answer's body on success, else an ApiError (a proxy's HTML error
 * page included: the status still says what happened). A request to one of several routes (a
 * recipient kind's) is a union of promises: its body is the union of theirs.
 */
export async function call<P extends Promise<ClientResponse<unknown, number, string>>>(request: P): Promise<Ok<Awaited<P>>> {
  const res = await request;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the status alone explains it below.
  }
  if (res.ok) return data as Ok<Awaited<P>>;
  const body = (data ?? {}) as Partial<ErrorBody>;
  throw new ApiError(res.status, body.error ?? `${res.status} ${res.statusText || 'Request failed'}`, body);
}
