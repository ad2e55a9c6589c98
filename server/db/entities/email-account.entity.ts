import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user.entity.js';
import { DepartmentSchema } from './department.entity.js';
import { SMTP_SECURITY, ACCOUNT_HEALTH } from '../../domain/account-health.js';
import type { HealthDetail } from '../../domain/health-detail.js';
import { PortableJsonType } from '../portable-json-type.js';

/** A sales manager's own mailbox. The SMTP password is stored only as AES-256-GCM ciphertext; an OAuth mailbox has none. */
export const EmailAccountSchema = defineEntity({
  name: 'EmailAccount',
  tableName: 'email_accounts',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    owner: p.manyToOne(UserSchema).ref().index(),
    department: p.manyToOne(DepartmentSchema).ref().index(),
    name: p.string().length(120),
    fromName: p.string().length(120),
    fromEmail: p.string().length(254),
    smtpHost: p.string().length(253),
    smtpPort: p.integer(),
    smtpSecurity: p.enum([...SMTP_SECURITY]),
    smtpUser: p.string().length(254),
    /** Null for a mailbox created by connecting it with OAuth: it never had a password. */
    smtpPasswordEnc: p.text().nullable(),
    /** Set for a mailbox connected with OAuth 2.0: it signs in with XOAUTH2, and `smtpPasswordEnc` is unused. */
    oauthProvider: p.string().length(16).nullable(),
    oauthRefreshTokenEnc: p.text().nullable(),
    oauthAccessTokenEnc: p.text().nullable(),
    oauthAccessExpiresAt: p.datetime().nullable(),
    /** A process refreshing the access token holds this lease; the others wait for its result (oauth-grant.repository.ts). */
    oauthRefreshingUntil: p.datetime().nullable(),
    main: p.boolean().default(false),
    massMailEnabled: p.boolean().default(true),
    dailyLimit: p.integer(),
    timeZone: p.string().length(64).nullable(),
    dkimDomain: p.string().length(253).nullable(),
    dkimSelector: p.string().length(63).nullable(),
    dkimPrivateKeyEnc: p.text().nullable(),
    /** The pacing's next slot: the account sends nothing before it, however often its job wakes. */
    nextSendAt: p.datetime().nullable(),
    health: p.enum([...ACCOUNT_HEALTH]).default('unknown'),
    /** In English: the server's own reply verbatim, or the copy of `healthDetail`. */
    healthReason: p.string().length(500).nullable(),
    /** Why Mailroom switched it off, as values the UI words (server/domain/health-detail.ts); null: the reason is the server's. */
    healthDetail: p.json<HealthDetail>().type(PortableJsonType).nullable(),
    healthCheckedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type EmailAccount = InferEntity<typeof EmailAccountSchema>;
