import { parse as parseCookie } from 'hono/utils/cookie';
import type { Em } from '../db/orm.js';
import type { User } from '../db/entities/user.entity.js';
import type { Actor } from '../domain/visibility.js';
import type { Locale } from '../domain/locales.js';
import { sessionRepository } from '../db/repositories/session.repository.js';

/**
 * Who is signed in, for every door in (HTTP requests and live sockets alike): the session cookie
 * names a session, and its user is read with their rights as they are now.
 */

export const SESSION_COOKIE = 'mailroom_session';

/** The signed-in user as the routes and the live hub see them. */
export interface AuthUser extends Actor {
  email: string;
  name: string;
  timeZone: string;
  locale: Locale | null;
}

export function toAuthUser(user: User): AuthUser {
  return {
    id: user.id,
    role: user.role,
    departmentId: user.department?.id ?? null,
    email: user.email,
    name: user.name,
    timeZone: user.timeZone,
    locale: user.locale ?? null,
  };
}

/** The session token in a `Cookie` header, if there is one. */
export const sessionTokenOf = (cookieHeader: string | undefined): string | null => parseCookie(cookieHeader ?? '', SESSION_COOKIE)[SESSION_COOKIE] ?? null;

/** The user of a session token with their rights now; null when the session is over (or the user disabled). */
export async function signedInUser(em: Em, token: string, now: Date): Promise<AuthUser | null> {
  const user = await sessionRepository.findUser(em, token, now);
  return user ? toAuthUser(user) : null;
}
