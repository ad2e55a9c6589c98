import { createPrivateKey } from 'node:crypto';
import { OAUTH_PROVIDERS } from '../../domain/oauth-providers.js';
import { z } from '@hono/zod-openapi';
import { ACCOUNT_HEALTH, SMTP_SECURITY } from '../../domain/account-health.js';
import { listQuery } from '../openapi.js';
import { LightSchema } from '../../read-models/light.js';
import { emailField } from './recipients.js';
import { InboxSummarySchema } from './inboxes.js';
import { hostField, idField, idQuery, nameField, portField, timeZoneField } from './fields.js';
import type { HealthDetail } from '../../domain/health-detail.js';

/** Contracts of email accounts (a sales manager's own mailboxes). The SMTP password is write-only. */

export const AccountSchema = z
  .object({
    id: z.number().int(),
    ownerId: z.number().int(),
    ownerName: z.string(),
    departmentId: z.number().int(),
    name: z.string(),
    fromName: z.string(),
    fromEmail: z.string(),
    smtpHost: z.string(),
    smtpPort: z.number().int(),
    smtpSecurity: z.enum(SMTP_SECURITY),
    smtpUser: z.string(),
    /** Whether a password is stored (never sent back); an account added by connecting a mailbox with OAuth has none. */
    hasPassword: z.boolean(),
    main: z.boolean(),
    massMailEnabled: z.boolean(),
    dailyLimit: z.number().int(),
    timeZone: z.string().nullable(),
    dkimDomain: z.string().nullable(),
    dkimSelector: z.string().nullable(),
    /** The DKIM private key is write-only, like the password. */
    hasDkimKey: z.boolean(),
    /** The provider it is connected with (XOAUTH2 instead of the password), or null; with a red health, the UI offers Reconnect. */
    oauthProvider: z.enum(OAUTH_PROVIDERS).nullable(),
    health: z.enum(ACCOUNT_HEALTH),
    /** In English: the server's own reply, or the copy of `healthDetail`. */
    healthReason: z.string().nullable(),
    healthDetail: z
      .custom<HealthDetail>((v) => typeof v === 'object')
      .openapi({ type: 'object', description: 'Why Mailroom switched it off, as a `code` and its values the UI words; null: `healthReason` is the server\'s own reply' })
      .nullable(),
    healthCheckedAt: z.string().nullable(),
    /** Green when it can send now; red with the reason (failed, disabled, limit reached, outside its window). */
    light: LightSchema,
    sentToday: z.number().int(),
    nextSendAt: z.string().nullable(),
    /** The incoming side's state; null when the account has none (its bounces and replies are not read). */
    inbox: InboxSummarySchema.nullable(),
    createdAt: z.string(),
  })
  .openapi('Account');

const fields = {
  ownerId: idField,
  name: nameField(120),
  fromName: nameField(120),
  fromEmail: emailField,
  smtpHost: hostField,
  smtpPort: portField,
  smtpSecurity: z.enum(SMTP_SECURITY),
  smtpUser: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(500),
  main: z.boolean(),
  massMailEnabled: z.boolean(),
  dailyLimit: z.number().int().min(1).max(10_000),
  timeZone: timeZoneField.nullable(),
  dkimDomain: z.string().trim().toLowerCase().max(253).regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, { message: 'Invalid domain' }).nullable(),
  dkimSelector: z.string().trim().max(63).regex(/^[A-Za-z0-9._-]+$/, { message: 'Invalid selector' }).nullable(),
  dkimPrivateKey: z
    .string()
    .trim()
    .max(10_000)
    .refine(isPrivateKey, { message: 'Not a PEM private key' })
    .nullable(),
};

function isPrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).type === 'private';
  } catch {
    return false;
  }
}

const dkimComplete = (a: { dkimDomain?: string | null; dkimSelector?: string | null; dkimPrivateKey?: string | null }) =>
  [a.dkimDomain, a.dkimSelector, a.dkimPrivateKey].every((v) => v == null) || [a.dkimDomain, a.dkimSelector, a.dkimPrivateKey].every((v) => v != null);

/** ownerId (admins only), main, massMailEnabled, dailyLimit (default: the settings') and timeZone are optional. */
export const AccountInput = z
  .object({
    ...fields,
    ownerId: fields.ownerId.optional(),
    main: fields.main.default(false),
    massMailEnabled: fields.massMailEnabled.default(true),
    dailyLimit: fields.dailyLimit.optional(),
    timeZone: fields.timeZone.default(null),
    dkimDomain: fields.dkimDomain.default(null),
    dkimSelector: fields.dkimSelector.default(null),
    dkimPrivateKey: fields.dkimPrivateKey.default(null),
  })
  .strict()
  .refine(dkimComplete, { message: 'DKIM needs a domain, a selector and a private key together', path: ['dkimDomain'] })
  .openapi('AccountInput');

/** Every field optional; an omitted password keeps the stored one (unless the change points it elsewhere: server/domain/account-secrets.ts). */
export const AccountPatch = z.object(fields).partial().strict().openapi('AccountPatch');

export const AccountListQuery = listQuery(['id', 'name', 'fromEmail', 'dailyLimit', 'health', 'createdAt']).extend({
  ownerId: idQuery.optional(),
  departmentId: idQuery.optional(),
});

export const AccountTestResultSchema = z
  /** `message` in English; `detail` the failure as values the UI words (null when it signed in). */
  .object({ ok: z.boolean(), health: z.enum(ACCOUNT_HEALTH), message: z.string(), detail: AccountSchema.shape.healthDetail })
  .openapi('AccountTestResult');

export type AccountDto = z.infer<typeof AccountSchema>;
export type AccountInputDto = z.input<typeof AccountInput>;
export type AccountPatchDto = z.input<typeof AccountPatch>;
export type AccountTestResultDto = z.infer<typeof AccountTestResultSchema>;
