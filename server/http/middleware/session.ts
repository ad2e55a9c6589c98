import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../env.js';
import { SESSION_COOKIE, signedInUser } from '../../security/session.js';
import { ApiError } from '../errors.js';

/** Resolves the session cookie to the signed-in user (or null); never rejects a request itself. */
export const session = () =>
  createMiddleware<AppEnv>(async function session(c, next) {
    const token = getCookie(c, SESSION_COOKIE) ?? null;
    const user = token ? await signedInUser(c.var.em, token, c.var.services.now()) : null;
    c.set('sessionToken', user ? token : null);
    c.set('user', user);
    await next();
  });

/** Rejects anonymous requests with 401; what it guards reads the user as there (AuthedEnv, createAuthedRouter). */
export const requireUser = () =>
  createMiddleware<AppEnv>(async function requireUser(c, next) {
    if (!c.var.user) throw new ApiError('unauthorized', { reason: 'sign_in_first', params: {} });
    await next();
  });
