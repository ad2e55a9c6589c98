import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { MailingSchema } from './mailing.entity.js';
import { EmailAccountSchema } from './email-account.entity.js';
import { RECIPIENT_FEEDBACK, RECIPIENT_STATES } from '../../domain/recipient-states.js';
import type { RecipientOutcome } from '../../domain/recipient-outcomes.js';
import { PortableJsonType } from '../portable-json-type.js';

/**
 * The recipients ledger: one row per mailing and recipient. Progress, "sent today" and
 * "who didn't get it" are queries on it. Indexed for the engine's claim (account, state,
 * mailing, then the primary key: the oldest pending rows of one mailing without a sort), an
 * account's sends today (account, state, sent time), the mailing list and page (mailing,
 * state, sent time), a received message's mailing (Message-ID) and a CRM record's rows (recipient id).
 */
export const MailingRecipientSchema = defineEntity({
  name: 'MailingRecipient',
  tableName: 'mailing_recipients',
  uniques: [{ properties: ['mailing', 'email'] }],
  indexes: [
    // Also serves "sent today" per mailing (state = 'sent' and sent_at >= the day's start).
    { properties: ['mailing', 'state', 'sentAt'] },
    { properties: ['account', 'state', 'mailing'] },
    { properties: ['account', 'state', 'sentAt'] },
    // Which mailing sent a message, from its Message-ID (the outbox; bounces and replies later).
    { properties: ['messageId'] },
    // The recipients tab by feedback; a reply from an address finds its recent rows by (email).
    { properties: ['mailing', 'feedback'] },
    { properties: ['email'] },
    // A CRM record's mailbox feedback: the rows made from it, in every mailing.
    { properties: ['recipientId'] },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    mailing: p.manyToOne(MailingSchema).ref().deleteRule('cascade'),
    recipientId: p.integer(),
    email: p.string().length(254),
    name: p.string().length(200).nullable(),
    vip: p.boolean().default(false),
    account: p.manyToOne(EmailAccountSchema).ref().nullable().deleteRule('set null'),
    state: p.enum([...RECIPIENT_STATES]).default('pending'),
    /** SMTP attempts in all, kept across a restart (the recipient's history). */
    attempts: p.integer().default(0),
    /** `attempts` when a user last restarted it: the backoff and the give-up count only the attempts since. */
    attemptsBeforeRestart: p.integer().default(0),
    dueAt: p.datetime().nullable(),
    leaseUntil: p.datetime().nullable(),
    /** The mail server's own reply to the latest attempt, verbatim; null when Mailroom ended the row itself (see `outcome`). */
    lastReply: p.string().length(1000).nullable(),
    /** Why Mailroom itself skipped the row or cannot know its delivery, as values the UI words. */
    outcome: p.json<RecipientOutcome>().type(PortableJsonType).nullable(),
    messageId: p.string().length(300).nullable(),
    /**
     * The run of an account job that holds (or last held) this row's claim: every write of that
     * run is fenced by it, so a run that outlived its lock cannot touch a newer run's rows. Kept
     * once the row is done, so operators see which worker sent it.
     */
    claimedBy: p.string().length(100).nullable(),
    sentAt: p.datetime().nullable(),
    /** What the recipient's mailbox said after the 250 (bounce, complaint, reply), strongest kept. */
    feedback: p.enum([...RECIPIENT_FEEDBACK]).nullable(),
    feedbackAt: p.datetime().nullable(),
    /** The bounce's enhanced status code (5.1.1), when it gave one. */
    feedbackStatus: p.string().length(16).nullable(),
    /** The bounce's diagnostic or the reply's first lines. */
    feedbackNote: p.string().length(1000).nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});

export type MailingRecipient = InferEntity<typeof MailingRecipientSchema>;
