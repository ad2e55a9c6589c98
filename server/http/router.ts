import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { AppEnv, AuthedEnv } from './env.js';
import { ApiError, inputIssue } from './errors.js';
import { requireUser } from './middleware/session.js';

/** Turns zod's issues into one readable sentence naming the first bad field, plus the full list. */
export const validationHook = (result: Parameters<Hook<unknown, AppEnv, string, unknown>>[0]) => {
  if (result.success) return;
  const issues = (result.error as ZodError).issues;
  const first = issues[0];
  const field = first?.path.length ? first.path.join('.') : undefined;
  throw ApiError.invalid(issues.map(inputIssue), field);
};

/** Every resource router is one of these, so validation errors read the same everywhere. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** A router whose every route needs a signed-in user (401 otherwise), so its handlers read `c.var.user` as there. */
export function createAuthedRouter() {
  const router = new OpenAPIHono<AuthedEnv>({ defaultHook: validationHook });
  router.use('*', requireUser());
  return router;
}
