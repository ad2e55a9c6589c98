import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { MessageSchema } from './message.entity.js';

/**
 * A file a message carries: attached, or an inline image its HTML shows as `cid:<contentId>`.
 * The bytes live on disk under their SHA-256 (server/db/attachment-files.ts), so a copied
 * message shares them and a send streams them; this row holds what was checked at upload.
 */
export const MessageAttachmentSchema = defineEntity({
  name: 'MessageAttachment',
  tableName: 'message_attachments',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    message: p.manyToOne(MessageSchema).ref().index().deleteRule('cascade'),
    /** Sanitised: no path, no control characters, at most 120 characters. */
    filename: p.string().length(120),
    /** As sniffed from the content, never as the client said. */
    contentType: p.string().length(100),
    size: p.integer(),
    sha256: p.string().length(64).index(),
    /** Set for an inline image: the HTML refers to it as `cid:<contentId>`. */
    contentId: p.string().length(100).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type MessageAttachment = InferEntity<typeof MessageAttachmentSchema>;
