import { z } from '@hono/zod-openapi';
import { CONTENT_FORMATS } from '../../domain/content.js';
import { listQuery } from '../openapi.js';
import { idField, idQuery, nameField } from './fields.js';

/** Contracts of signatures: appended to a message in their own format. HTML bodies are sanitised on save. */

export const SignatureSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    format: z.enum(CONTENT_FORMATS),
    body: z.string(),
    isDefault: z.boolean(),
    ownerId: z.number().int(),
    ownerName: z.string(),
    departmentId: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('Signature');

const fields = {
  ownerId: idField,
  name: nameField(120),
  format: z.enum(CONTENT_FORMATS),
  body: z.string().trim().min(1).max(20_000),
  isDefault: z.boolean(),
};

/** ownerId (admins only) defaults to yourself. Making one default clears the owner's other defaults. */
export const SignatureInput = z
  .object({ ...fields, ownerId: fields.ownerId.optional(), isDefault: fields.isDefault.default(false) })
  .strict()
  .openapi('SignatureInput');

export const SignaturePatch = z
  .object({ name: fields.name, format: fields.format, body: fields.body, isDefault: fields.isDefault })
  .partial()
  .strict()
  .openapi('SignaturePatch');

export const SignatureListQuery = listQuery(['id', 'name', 'createdAt']).extend({ ownerId: idQuery.optional() });

export type SignatureDto = z.infer<typeof SignatureSchema>;
export type SignatureInputDto = z.input<typeof SignatureInput>;
export type SignaturePatchDto = z.input<typeof SignaturePatch>;
