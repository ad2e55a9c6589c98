import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { EmailAccountSchema } from './email-account.entity.js';
import { MailingSchema } from './mailing.entity.js';
import { FEEDBACK_KINDS } from '../../domain/feedback.js';

/**
 * One incoming message's verdict about one address: the history behind a ledger row's feedback,
 * the soft bounces counted towards suppression and the complaints counted against the account.
 * Unique per account, message and address, so a message read twice (a crash, a UIDVALIDITY
 * change) acts once.
 */
export const FeedbackEventSchema = defineEntity({
  name: 'FeedbackEvent',
  tableName: 'feedback_events',
  uniques: [{ properties: ['account', 'messageKey', 'email'] }],
  indexes: [
    { properties: ['email', 'kind'] },
    { properties: ['account', 'kind', 'createdAt'] },
    { properties: ['recipientRow'] },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    account: p.manyToOne(EmailAccountSchema).ref().deleteRule('cascade'),
    /** SHA-256 of the message's Message-ID, or of its bytes when it has none. */
    messageKey: p.string().length(64),
    kind: p.enum([...FEEDBACK_KINDS]),
    /** The address it is about ('' for a message about no one address). */
    email: p.string().length(254),
    /** The ledger row it was matched to, when it was. */
    recipientRow: p.bigint('number').nullable(),
    mailing: p.manyToOne(MailingSchema).ref().nullable().deleteRule('set null'),
    /** The enhanced status code of a bounce (e.g. 5.1.1). */
    status: p.string().length(16).nullable(),
    /** A bounce's diagnostic, or a reply's excerpt. */
    note: p.string().length(1000).nullable(),
    folder: p.string().length(200),
    uid: p.bigint('number').nullable(),
    /** The message's own date, as its sender wrote it. */
    sentAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type FeedbackEvent = InferEntity<typeof FeedbackEventSchema>;
