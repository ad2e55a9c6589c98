import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import type { AppEnv, AuthUser } from '../env.js';
import type { User } from '../../db/entities/user.entity.js';
import { sessionRepository } from '../../db/repositories/session.repository.js';
import { ApiError } from '../errors.js';

export const SESSION_COOKIE = 'mailroom_session';

export function toAuthUser(user: User): AuthUser {
  return {
    id: user.id,
    role: user.role,
    departmentId: user.department?.id ?? null,
    email: user.email,
    name: user.name,
    timeZone: user.timeZone,
  };
}

/** Resolves the session cookie to the signed-in user (or null); never rejects a request itself. */
export const session = () =>
  createMiddleware<AppEnv>(async function session(c, next) {
    const token = getCookie(c, SESSION_COOKIE) ?? null;
    const user = token ? await sessionRepository.findUser(c.var.em, token, c.var.services.now()) : null;
    c.set('sessionToken', user ? token : null);
    c.set('user', user ? toAuthUser(user) : null);
    await next();
  });

/** Rejects anonymous requests with 401. */
export const requireUser = () =>
  createMiddleware<AppEnv>(async function requireUser(c, next) {
    if (!c.var.user) throw new ApiError('unauthorized', 'Sign in first');
    await next();
  });
