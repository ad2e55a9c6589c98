import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { EmailAccountSchema } from './email-account.entity.js';
import { SMTP_SECURITY } from '../../domain/account-health.js';
import { INBOX_HEALTH, INBOX_KINDS } from '../../domain/inbox.js';
import type { HealthDetail } from '../../domain/health-detail.js';
import { PortableJsonType } from '../portable-json-type.js';

/**
 * An account's incoming mailbox, read for bounces, complaints and replies. One per account at
 * most; an account without one sends as before. The password is stored only as AES-256-GCM
 * ciphertext, under the same rules as the SMTP one.
 */
export const InboxSchema = defineEntity({
  name: 'Inbox',
  tableName: 'inboxes',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    account: p.oneToOne(EmailAccountSchema).ref().owner().unique().deleteRule('cascade'),
    kind: p.enum([...INBOX_KINDS]).default('imap'),
    host: p.string().length(253),
    port: p.integer(),
    security: p.enum([...SMTP_SECURITY]),
    user: p.string().length(254),
    /** Null for an OAuth account's inbox: it signs in with the account's grant (XOAUTH2). */
    passwordEnc: p.text().nullable(),
    /** The folders read, INBOX first by default. */
    folders: p.json<string[]>().type(PortableJsonType),
    /** Opt-in: where processed bounces are moved; null leaves every message where it is. */
    bounceFolder: p.string().length(200).nullable(),
    health: p.enum([...INBOX_HEALTH]).default('unknown'),
    /** In English: the server's own reply verbatim, or the copy of `healthDetail`. */
    healthReason: p.string().length(500).nullable(),
    /** Mailroom's own reason as values the UI words (server/domain/health-detail.ts); null: the reason is the server's. */
    healthDetail: p.json<HealthDetail>().type(PortableJsonType).nullable(),
    healthCheckedAt: p.datetime().nullable(),
    /** When the intake last finished reading every folder. */
    lastReadAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type Inbox = InferEntity<typeof InboxSchema>;
