import { z } from '@hono/zod-openapi';
import { RECIPIENT_TYPES } from '../../domain/recipient-types.js';
import { listQuery } from '../openapi.js';
import { idField, idQuery, nameField } from './fields.js';

/** Contracts of messages (newsletter templates): subject and bodies are liquid templates. */

export const MessageSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    subject: z.string(),
    html: z.string(),
    text: z.string().nullable(),
    signatureId: z.number().int().nullable(),
    ownerId: z.number().int(),
    ownerName: z.string(),
    departmentId: z.number().int(),
    /** The template variables subject, html and text use, e.g. ["first_name", "unsubscribe_url"]. */
    variables: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Message');

const content = {
  subject: z.string().trim().min(1).max(300),
  html: z.string().trim().min(1).max(500_000),
  /** Optional plain-text part; derived from the HTML when empty. */
  text: z
    .string()
    .trim()
    .max(500_000)
    .nullish()
    .transform((v) => (v ? v : null)),
  /** Must be one of the message owner's signatures. */
  signatureId: idField.nullish().transform((v) => v ?? null),
};

/** ownerId (admins only) defaults to yourself. */
export const MessageInput = z
  .object({ ownerId: idField.optional(), name: nameField(200), ...content })
  .strict()
  .openapi('MessageInput');

export const MessagePatch = z
  .object({ name: nameField(200), subject: content.subject, html: content.html, text: content.text, signatureId: content.signatureId })
  .partial()
  .strict()
  .openapi('MessagePatch');

export const MessageListQuery = listQuery(['id', 'name', 'subject', 'createdAt', 'updatedAt']).extend({ ownerId: idQuery.optional() });

const recipientType = z.enum(RECIPIENT_TYPES);

/** Render unsaved content for a sample recipient of the given type. */
export const PreviewInput = z
  .object({
    ...content,
    recipientType,
    /** The saved message being edited, whose inline images the preview shows in place of `cid:` sources. */
    messageId: idField.optional(),
  })
  .strict()
  .openapi('PreviewInput');

export const PreviewQuery = z.object({ recipientType: recipientType.default('contact') });

export const PreviewSchema = z
  .object({
    subject: z.string(),
    html: z.string(),
    text: z.string(),
    /** Variables the recipient type does not offer; rendered as the visible marker `[[unknown: x]]`. */
    unknownVariables: z.array(z.string()),
  })
  .openapi('Preview');

export type MessageDto = z.infer<typeof MessageSchema>;
export type MessageInputDto = z.input<typeof MessageInput>;
export type MessagePatchDto = z.input<typeof MessagePatch>;
export type PreviewInputDto = z.input<typeof PreviewInput>;
export type PreviewDto = z.infer<typeof PreviewSchema>;
