import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

/** Turns zod's issues into one readable sentence naming the first bad field, plus the full list. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const issues = (result.error as ZodError).issues;
  const first = issues[0];
  const field = first?.path.length ? first.path.join('.') : undefined;
  const message = first?.message ?? 'Invalid input';
  const details = issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw field === undefined ? new ApiError('invalid_input', message, details) : ApiError.of('invalid_input', field, message, details);
};

/** Every resource router is one of these, so validation errors read the same everywhere. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
