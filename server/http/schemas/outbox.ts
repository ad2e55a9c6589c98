import { z } from '@hono/zod-openapi';
import { pageQuery } from '../openapi.js';
import { wholeNumberQuery } from './fields.js';

/** Contracts of the development mail sink's outbox: what demo mailings "sent". */

export const OutboxEntrySchema = z
  .object({
    id: z.string(),
    from: z.string(),
    messageId: z.string().nullable(),
    to: z.array(z.string()),
    subject: z.string(),
    date: z.string(),
    size: z.number().int(),
  })
  .openapi('OutboxEntry');

export const OutboxMessageSchema = OutboxEntrySchema.extend({
  headers: z.array(z.object({ key: z.string(), value: z.string() })),
  html: z.string().nullable(),
  text: z.string().nullable(),
}).openapi('OutboxMessage');

export const OutboxListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  page: pageQuery,
  pageSize: wholeNumberQuery(1, 200).default(50),
});

export const OutboxIdParams = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, { message: 'Invalid message id' })
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export type OutboxEntryDto = z.infer<typeof OutboxEntrySchema>;
export type OutboxMessageDto = z.infer<typeof OutboxMessageSchema>;
