import { z } from '@hono/zod-openapi';
import type { ZodType } from 'zod';
import { idQuery, wholeNumberQuery } from './schemas/fields.js';
import { ERROR_CODES } from './errors.js';
import { REFUSAL_REASONS } from '../domain/refusals.js';

/** Small builders so every route declares its contract the same way. */

/** Every error body (ErrorBody in errors.ts): a code from the closed list, the message, its reason and values, the offending input's path, more. */
export const ErrorSchema = z
  .object({
    code: z.enum(ERROR_CODES).openapi({ description: 'What went wrong, from a closed list; each code has one status' }),
    error: z.string().openapi({ description: 'The reason in words, for people (English)' }),
    reason: z.enum(REFUSAL_REASONS).optional().openapi({ description: 'Why, from a closed list (server/domain/refusals.ts), so a client words it in its own language; absent for invalid_input, whose issues are in `details`' }),
    params: z.record(z.string(), z.unknown()).optional().openapi({ description: "The reason's values: names and texts as written, ids, counts, sizes in bytes, waits in seconds, statuses, lists" }),
    field: z.string().optional().openapi({ description: 'The path of the input to blame (`ownerId`, `selections.contact.filter.ownerId`), when one is' }),
    details: z.unknown().optional(),
  })
  .openapi('Error');

/** An error response; `schema` narrows ErrorSchema for a route whose refusal carries more (`details`). */
export const errorResponse = <T extends ZodType = typeof ErrorSchema>(description: string, schema?: T) => ({
  content: { 'application/json': { schema: (schema ?? ErrorSchema) as T } },
  description,
});

/** The error responses every authenticated route may give. */
export const errorResponses = {
  400: errorResponse('The request is malformed; `error` says what is wrong'),
  401: errorResponse('Not signed in'),
  403: errorResponse('Not allowed'),
  404: errorResponse('Not found, or not visible to you'),
  409: errorResponse('Conflicts with existing data'),
  422: errorResponse('A business rule refuses it'),
} as const;

export const json = <T extends ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const jsonBody = <T extends ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true,
});

export const IdParams = z.object({
  id: idQuery.openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});

export const OkSchema = z.object({ ok: z.literal(true) });

/** The page number of a list. */
export const pageQuery = wholeNumberQuery(1, 100_000).default(1);

/** Query parameters every list accepts. */
export const listQuery = <S extends readonly [string, ...string[]]>(sortable: S) =>
  z.object({
    q: z.string().trim().max(200).optional(),
    sort: z.enum(sortable).optional(),
    dir: z.enum(['asc', 'desc']).optional(),
    page: pageQuery,
    pageSize: wholeNumberQuery(1, 500).default(50),
  });

export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const pageOf = <T extends ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };
