import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createRouter } from '../router.js';
import { errorResponses, json, jsonBody, OkSchema } from '../openapi.js';
import { ApiError } from '../errors.js';
import { SESSION_COOKIE, toAuthUser } from '../middleware/session.js';
import { csrfTokenFor } from '../middleware/csrf.js';
import { refuseWhileOver, SlidingWindow } from '../sliding-window.js';
import { sessionRepository } from '../../db/repositories/session.repository.js';
import { UserSchema } from '../../db/entities/user.entity.js';
import { verifyPassword } from '../../security/password.js';
import { UserSchema as UserDtoSchema } from '../schemas/users.js';

export const MeSchema = UserDtoSchema.pick({ id: true, email: true, name: true, role: true, departmentId: true, timeZone: true })
  .extend({ csrfToken: z.string() })
  .openapi('Me');
export type Me = z.infer<typeof MeSchema>;

const LoginSchema = z
  .object({
    email: z.string().trim().toLowerCase().max(254),
    password: z.string().min(1).max(200),
  })
  .strict();

const me = createRoute({
  method: 'get',
  path: '/',
  tags: ['session'],
  summary: 'The signed-in user, with the CSRF token for writes',
  responses: { 200: json(MeSchema, 'Signed in'), 401: errorResponses[401] },
});

const login = createRoute({
  method: 'post',
  path: '/',
  tags: ['session'],
  summary: 'Sign in; sets an HTTP-only session cookie',
  request: { body: jsonBody(LoginSchema) },
  responses: { 200: json(MeSchema, 'Signed in'), 400: errorResponses[400], 401: errorResponses[401], 429: json(z.object({ error: z.string() }), 'Too many failed attempts') },
});

const logout = createRoute({
  method: 'delete',
  path: '/',
  tags: ['session'],
  summary: 'Sign out',
  responses: { 200: json(OkSchema, 'Signed out') },
});

/** Ten failed sign-ins per address and e-mail in 15 minutes, then a wait. */
export function sessionRoutes(throttle = new SlidingWindow(10, 15 * 60_000)) {
  return createRouter()
    .openapi(me, (c) => {
      const user = c.var.user;
      if (!user) throw new ApiError('unauthorized', 'Sign in first');
      return c.json({ ...user, csrfToken: csrfTokenFor(c)! }, 200);
    })
    .openapi(login, async (c) => {
      const { email, password } = c.req.valid('json');
      const { em, services } = c.var;
      const now = services.now().getTime();
      let address = 'unknown';
      try {
        address = getConnInfo(c).remote.address ?? 'unknown';
      } catch {
        // app.request() in tests has no socket.
      }
      const key = `${address}|${email}`;
      refuseWhileOver(c, throttle, key, now, 'failed sign-ins');
      const user = await em.findOne(UserSchema, { email }, { populate: ['department'] });
      if (!user || !user.active || !(await verifyPassword(password, user.passwordHash))) {
        throttle.hit(key, now);
        throw new ApiError('unauthorized', 'Wrong e-mail or password');
      }
      throttle.clear(key);
      const { token, expiresAt } = await sessionRepository.create(em, user.id, services.now());
      setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', expires: expiresAt, secure: services.config.publicUrl.startsWith('https:') });
      c.set('sessionToken', token);
      return c.json({ ...toAuthUser(user), csrfToken: csrfTokenFor(c)! }, 200);
    })
    .openapi(logout, async (c) => {
      const token = c.var.sessionToken;
      if (token) await sessionRepository.delete(c.var.em, token);
      if (token && c.var.user) c.var.services.events.emit({ type: 'session.ended', userId: c.var.user.id, token, at: c.var.services.now().toISOString() });
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true as const }, 200);
    });
}
