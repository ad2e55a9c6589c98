import { createMiddleware } from 'hono/factory';
import { timingSafeEqual } from 'node:crypto';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The token a signed-in page must echo in a header: a MAC of its session, so nothing is stored. */
export function csrfTokenFor(c: { var: AppEnv['Variables'] }): string | null {
  const token = c.var.sessionToken;
  return token ? c.var.services.secrets.sign('csrf', token) : null;
}

/**
 * Cookie-authenticated writes must carry the session's CSRF token in a header, which another
 * site can neither read nor set. Anonymous writes (login) carry no session to abuse.
 */
export const csrf = () =>
  createMiddleware<AppEnv>(async function csrf(c, next) {
    const expected = csrfTokenFor(c);
    if (expected && !SAFE.has(c.req.method)) {
      // Compared as bytes: a header of the right length in characters may be longer in UTF-8.
      const given = Buffer.from(c.req.header(CSRF_HEADER) ?? '');
      const wanted = Buffer.from(expected);
      const ok = given.length === wanted.length && timingSafeEqual(given, wanted);
      if (!ok) throw new ApiError('forbidden', { reason: 'csrf_header', params: { header: CSRF_HEADER } });
    }
    await next();
  });
