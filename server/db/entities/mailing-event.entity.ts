import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { MailingSchema } from './mailing.entity.js';
import { EVENT_LEVELS } from '../../domain/mailing-status.js';
import type { MailingNote } from '../../domain/mailing-notes.js';
import { PortableJsonType } from '../portable-json-type.js';

/** A notification or error message shown in a mailing's Notifications column. */
export const MailingEventSchema = defineEntity({
  name: 'MailingEvent',
  tableName: 'mailing_events',
  indexes: [{ properties: ['mailing', 'at'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    mailing: p.manyToOne(MailingSchema).ref().deleteRule('cascade'),
    at: p.datetime(),
    level: p.enum([...EVENT_LEVELS]),
    kind: p.string().length(60),
    /** The values the UI words `kind` with (null: a line only `text` words, as rows from before it had them). */
    params: p.json<MailingNote['params']>().type(PortableJsonType).nullable(),
    /** The line in English, for API clients and logs. */
    text: p.string().length(1000),
    recipientEmail: p.string().length(254).nullable(),
    accountId: p.integer().nullable(),
  }),
});

export type MailingEvent = InferEntity<typeof MailingEventSchema>;
