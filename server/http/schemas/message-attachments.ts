import { z } from '@hono/zod-openapi';
import { idQuery } from './fields.js';
import type { PreflightWarning } from '../../domain/mailing-notes.js';

/** Contracts of the files a message carries (attachments and inline images). */

export const AttachmentSchema = z
  .object({
    id: z.number().int(),
    filename: z.string(),
    /** As sniffed from the bytes. */
    contentType: z.string(),
    size: z.number().int(),
    /** Inline images only: the HTML shows it as `<img src="cid:…">`. */
    contentId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Attachment');

export const AttachmentListSchema = z
  .object({
    items: z.array(AttachmentSchema),
    /** The files' bytes together. */
    totalSize: z.number().int(),
    /** About what one recipient's message weighs once encoded (base64), headers and bodies included. */
    encodedSize: z.number().int(),
    limits: z.object({ perFile: z.number().int(), perMessage: z.number().int(), provider: z.number().int(), warnFrom: z.number().int() }),
    /** Why the message is close to or over what providers take, or which inline images the HTML lacks, as the pre-flight's codes; empty when all is well. */
    warnings: z.array(z.custom<PreflightWarning>((v) => typeof v === 'object').openapi({ type: 'object', description: '`code` and its values, as the pre-flight\'s `warningCodes`' })),
  })
  .openapi('AttachmentList');

export const UploadQuery = z.object({
  /** The file's name; sanitised (last path segment, no control characters, at most 120 characters). */
  filename: z.string().min(1).max(255),
  /** `true`: an inline image the HTML refers to as `cid:<contentId>`. */
  inline: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const AttachmentParams = z.object({
  id: idQuery.openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
  attachmentId: idQuery.openapi({ param: { name: 'attachmentId', in: 'path' }, example: 1 }),
});

export type AttachmentDto = z.infer<typeof AttachmentSchema>;
export type AttachmentListDto = z.infer<typeof AttachmentListSchema>;
