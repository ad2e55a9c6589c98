import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';
import { isSqlite } from './ledger/rows.js';
import { MessageAttachmentSchema, type MessageAttachment } from '../entities/message-attachment.entity.js';
import type { Message } from '../entities/message.entity.js';

/** What a send needs of a message's file: the rest comes from disk by its hash. */
export interface AttachmentRef {
  filename: string;
  contentType: string;
  sha256: string;
  contentId: string | null;
}

/** The files messages carry. */
export const attachmentRepository = {
  ofMessage(em: Em, messageId: number): Promise<MessageAttachment[]> {
    return em.find(MessageAttachmentSchema, { message: messageId }, { orderBy: { id: 'asc' } });
  },

  one(em: Em, messageId: number, id: number): Promise<MessageAttachment | null> {
    return em.findOne(MessageAttachmentSchema, { id, message: messageId });
  },

  async refsOf(em: Em, messageId: number): Promise<AttachmentRef[]> {
    return (await this.ofMessage(em, messageId)).map(({ filename, contentType, sha256, contentId }) => ({ filename, contentType, sha256, contentId: contentId ?? null }));
  },

  /**
   * Locks a message's row until the transaction `em` is in ends, so changes to its files take
   * turns and see each other (SQLite runs one transaction at a time anyway). False when the
   * message is gone.
   */
  async lockMessage(em: Em, messageId: number): Promise<boolean> {
    const knex = knexOf(em);
    const row = knex('messages').where({ id: messageId }).first('id');
    return Boolean(await (isSqlite(knex) ? row : row.forUpdate()));
  },

  /** Whether any message still carries these bytes (copies share them). */
  async inUse(em: Em, sha256: string): Promise<boolean> {
    return (await em.count(MessageAttachmentSchema, { sha256 })) > 0;
  },

  /** The hashes of a message's files, taken before it is deleted (its rows go with it). */
  async hashesOf(em: Em, messageId: number): Promise<string[]> {
    return [...new Set((await this.ofMessage(em, messageId)).map((a) => a.sha256))];
  },

  /** Gives `copy` the same files as `original`: new rows, the same bytes. */
  async copyAll(em: Em, original: Message, copy: Message): Promise<void> {
    for (const a of await this.ofMessage(em, original.id)) {
      em.create(MessageAttachmentSchema, { message: copy, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, contentId: a.contentId ?? null });
    }
  },
};
