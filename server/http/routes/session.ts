import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createRouter } from '../router.js';
import { requireUser } from '../middleware/session.js';
import { errorResponse, errorResponses, json, jsonBody, OkSchema } from '../openapi.js';
import { ApiError } from '../errors.js';
import { SESSION_COOKIE, toAuthUser } from '../../security/session.js';
import { csrfTokenFor } from '../middleware/csrf.js';
import { tooMany } from '../rate-limits.js';
import { LoginWait } from '../login-throttle.js';
import { clientAddress, clientNetwork } from '../client-address.js';
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS, deviceCookie, deviceOf } from '../device-cookie.js';
import { sessionRepository, sessionTokenHash } from '../../db/repositories/session.repository.js';
import { changeWithRevocations } from '../revocations.js';
import { userRepository } from '../../db/repositories/user.repository.js';
import { dummyPasswordHash, verifyPassword } from '../../security/password.js';
import { UserSchema as UserDtoSchema } from '../schemas/users.js';
import { LOCALES } from '../../domain/locales.js';

export const MeSchema = UserDtoSchema.pick({ id: true, email: true, name: true, role: true, departmentId: true, timeZone: true })
  .extend({ locale: z.enum(LOCALES).nullable(), csrfToken: z.string() })
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
  responses: { 200: json(MeSchema, 'Signed in'), 400: errorResponses[400], 401: errorResponses[401], 429: errorResponse('Too many failed attempts; Retry-After says when to try again') },
});

const LocaleSchema = z.object({ locale: z.enum(LOCALES).nullable() }).strict().openapi('LocaleChoice');

const chooseLocale = createRoute({
  method: 'put',
  path: '/locale',
  tags: ['session'],
  summary: "The signed-in user's language; null follows the browser",
  request: { body: jsonBody(LocaleSchema) },
  responses: { 200: json(LocaleSchema, 'Chosen'), 400: errorResponses[400], 401: errorResponses[401] },
});

const logout = createRoute({
  method: 'delete',
  path: '/',
  tags: ['session'],
  summary: 'Sign out',
  responses: { 200: json(OkSchema, 'Signed out') },
});

export function sessionRoutes() {
  const router = createRouter();
  // A caller without a session hears 401 before anything of their body is read.
  router.use('/locale', requireUser());
  return router
    .openapi(me, (c) => {
      const user = c.var.user;
      if (!user) throw new ApiError('unauthorized', { reason: 'sign_in_first', params: {} });
      return c.json({ ...user, csrfToken: csrfTokenFor(c)! }, 200);
    })
    .openapi(login, async (c) => {
      const { email, password } = c.req.valid('json');
      const { em, services } = c.var;
      // Failures slow the next tries down (see LoginThrottle); they never lock an account.
      const throttle = c.var.limits.login;
      const address = clientNetwork(clientAddress(c, services.config.http.trustProxy));
      const device = deviceOf(services.secrets, getCookie(c, DEVICE_COOKIE), email);
      await throttle.begin(address, email, device).catch((err) => {
        throw err instanceof LoginWait ? tooMany(c, err.ms, 'too_many_sign_ins') : err;
      });
      const found = await userRepository.byEmail(em, email);
      const user = found?.active ? found : null;
      // Unknown and inactive e-mails verify a dummy hash: every answer costs the same hashing.
      const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !matches) {
        await throttle.failed(address, email, device);
        throw new ApiError('unauthorized', { reason: 'wrong_credentials', params: {} });
      }
      await throttle.succeeded(address, email, device);
      const { token, expiresAt } = await sessionRepository.create(em, user.id, services.now());
      const secure = services.config.publicUrl.startsWith('https:');
      setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', expires: expiresAt, secure });
      // Only the sign-in reads it.
      if (!device) setCookie(c, DEVICE_COOKIE, deviceCookie(services.secrets, email), { httpOnly: true, sameSite: 'Lax', path: '/api/session', maxAge: DEVICE_COOKIE_DAYS * 86_400, secure });
      c.set('sessionToken', token);
      return c.json({ ...toAuthUser(user), csrfToken: csrfTokenFor(c)! }, 200);
    })
    .openapi(chooseLocale, async (c) => {
      const { locale } = c.req.valid('json');
      await userRepository.setLocale(c.var.em, c.var.user!.id, locale);
      return c.json({ locale }, 200);
    })
    .openapi(logout, async (c) => {
      const token = c.var.sessionToken;
      const user = c.var.user;
      if (token) {
        await changeWithRevocations(c.var.services, c.var.em, async (tx) => {
          await sessionRepository.delete(tx, token);
          return user ? [{ type: 'session.ended', userId: user.id, tokenHash: sessionTokenHash(token), at: c.var.services.now().toISOString() }] : [];
        });
      }
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true as const }, 200);
    });
}
