import { BENCH_PASSWORD } from './fixtures.js';

/** A signed-in person: the session cookie, and the CSRF token the API wants on writes. */
export interface Session {
  cookie: string;
  csrf: string;
}

/** Signs in through the API, as the login page does: the session cookie and the CSRF token for writes. */
export async function signIn(url: string, email: string): Promise<Session> {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: BENCH_PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in of ${email} answered ${res.status}`);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0], csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** A POST through the API as this person, as the UI makes it. */
export async function post<T>(url: string, as: Session, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: as.cookie, 'x-csrf-token': as.csrf }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return res.json() as Promise<T>;
}

/** A GET through the API as this person. */
export async function get<T>(url: string, as: Session, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { cookie: as.cookie } });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return res.json() as Promise<T>;
}
