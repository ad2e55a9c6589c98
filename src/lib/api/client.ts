import { goto } from '$app/navigation';

/** The only fetch code in the UI. Every response error becomes an ApiError carrying the server's words. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

let csrfToken: string | null = null;

/** The session state hands the client the token writes must echo (x-csrf-token). */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** `path?a=1&b=2`, leaving out empty values so the server applies its defaults. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

interface SendOptions {
  /** Send `body` as-is with this content type (CSV imports) instead of JSON. */
  contentType?: string;
}

async function send<T>(method: string, path: string, body?: unknown, opts: SendOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    headers['content-type'] = opts.contentType ?? 'application/json';
    payload = opts.contentType ? (body as BodyInit) : JSON.stringify(body);
  }

  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'The server cannot be reached; check your connection');
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, for instance; the status still says what happened.
  }
  if (res.ok) return data as T;

  const { error, details } = (data ?? {}) as { error?: string; details?: unknown };
  const err = new ApiError(res.status, error ?? `${res.status} ${res.statusText || 'Request failed'}`, details);
  // A 401 anywhere but the session endpoint itself means the session ended: sign in again.
  if (res.status === 401 && !path.startsWith('/api/session')) {
    setCsrfToken(null);
    const here = location.pathname + location.search;
    void goto(withQuery('/login', { next: here === '/login' ? undefined : here }));
  }
  throw err;
}

export const api = {
  get: <T>(path: string, query?: Query) => send<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown, opts?: SendOptions) => send<T>('POST', path, body, opts),
  patch: <T>(path: string, body?: unknown) => send<T>('PATCH', path, body),
  put: <T>(path: string, body?: unknown) => send<T>('PUT', path, body),
  delete: <T>(path: string) => send<T>('DELETE', path),
};
