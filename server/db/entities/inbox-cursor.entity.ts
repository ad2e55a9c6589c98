import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { InboxSchema } from './inbox.entity.js';

/**
 * How far the intake has read one folder: the next UID to read, valid while the folder's
 * UIDVALIDITY is the one kept here (RFC 3501 §2.3.1.1). Advanced in the same transaction as the
 * effects of the messages below it, so a crash reads them again and the feedback table's unique
 * key keeps their effects single.
 */
export const InboxCursorSchema = defineEntity({
  name: 'InboxCursor',
  tableName: 'inbox_cursors',
  uniques: [{ properties: ['inbox', 'folder'] }],
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    inbox: p.manyToOne(InboxSchema).ref().deleteRule('cascade'),
    folder: p.string().length(200),
    uidValidity: p.bigint('number'),
    nextUid: p.bigint('number'),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});

export type InboxCursor = InferEntity<typeof InboxCursorSchema>;
