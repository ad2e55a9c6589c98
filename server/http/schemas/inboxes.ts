import { z } from '@hono/zod-openapi';
import { SMTP_SECURITY } from '../../domain/account-health.js';
import { INBOX_HEALTH, INBOX_KINDS } from '../../domain/inbox.js';
import type { HealthDetail } from '../../domain/health-detail.js';
import { hostField, portField } from './fields.js';

/**
 * Contracts of an account's incoming side: the IMAP mailbox its bounces, complaints and replies
 * arrive in. The IMAP password is write-only, as the SMTP one is.
 */

export const InboxSchema = z
  .object({
    accountId: z.number().int(),
    /** `sink` is the demo accounts' development mailbox; the API sets up `imap` only. */
    kind: z.enum(INBOX_KINDS),
    host: z.string(),
    port: z.number().int(),
    security: z.enum(SMTP_SECURITY),
    user: z.string(),
    /** Whether a password is stored (never sent back); without one, the inbox signs in with the account's OAuth grant. */
    hasPassword: z.boolean(),
    folders: z.array(z.string()),
    bounceFolder: z.string().nullable(),
    health: z.enum(INBOX_HEALTH),
    /** In English: the server's own reply, or the copy of `healthDetail`. */
    healthReason: z.string().nullable(),
    healthDetail: z
      .custom<HealthDetail>((v) => typeof v === 'object')
      .openapi({ type: 'object', description: 'Mailroom\'s own reason as a `code` and its values the UI words; null: `healthReason` is the server\'s own reply' })
      .nullable(),
    healthCheckedAt: z.string().nullable(),
    /** When every folder was last read through. */
    lastReadAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Inbox');

/**
 * What the accounts list shows of an account's incoming side; null there means bounces and replies
 * are not read. `kind` lets the list show the demo's sink mailbox as such, not as IMAP settings to edit.
 */
export const InboxSummarySchema = InboxSchema.pick({ kind: true, health: true, healthReason: true, healthDetail: true, healthCheckedAt: true, lastReadAt: true, folders: true }).openapi('InboxSummary');

/** An IMAP folder name as the mailbox shows it (imapflow encodes it for the wire). */
const folderField = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => !/[\u0000-\u001f\u007f-\u009f]/.test(name), { message: 'A folder name must not contain control characters' });

/**
 * Creates or replaces the inbox. `password` may be left out only when the inbox exists and its
 * kind, host, port, security and user stay as they are (server/domain/account-secrets.ts), or
 * when the account is connected with OAuth: the grant signs in (at the provider's IMAP server).
 */
export const InboxInput = z
  .object({
    kind: z.literal('imap').default('imap'),
    host: hostField,
    port: portField,
    security: z.enum(SMTP_SECURITY),
    user: z.string().trim().min(1).max(254),
    password: z.string().min(1).max(500).optional(),
    folders: z
      .array(folderField)
      .min(1)
      .max(10)
      .refine((names) => new Set(names).size === names.length, { message: 'A folder is listed twice' })
      .default(['INBOX']),
    /** Opt-in: processed bounces are moved there. */
    bounceFolder: folderField.nullable().default(null),
  })
  .strict()
  // Moved bounces would be read again from a folder that is read.
  .refine((i) => i.bounceFolder === null || !i.folders.includes(i.bounceFolder), { message: 'The bounce folder must not be one of the folders read', path: ['bounceFolder'] })
  .openapi('InboxInput');

export const InboxTestResultSchema = z
  /** `message` in English; `detail` the failure as values the UI words (null when it signed in, or for a reason given only in English). */
  .object({ ok: z.boolean(), health: z.enum(INBOX_HEALTH), message: z.string(), detail: InboxSchema.shape.healthDetail })
  .openapi('InboxTestResult');

/** The IMAP settings of the account's provider, when it is a well-known one (server/domain/mail-providers.ts). */
export const InboxPresetSchema = z
  .object({
    preset: z
      .object({
        provider: z.object({ id: z.string(), name: z.string() }),
        host: z.string(),
        port: z.number().int(),
        security: z.enum(SMTP_SECURITY),
        /** The account's SMTP login, which these providers take for IMAP too. */
        user: z.string(),
      })
      .nullable(),
  })
  .openapi('InboxPreset');

export type InboxDto = z.infer<typeof InboxSchema>;
export type InboxSummaryDto = z.infer<typeof InboxSummarySchema>;
export type InboxInputDto = z.input<typeof InboxInput>;
export type InboxTestResultDto = z.infer<typeof InboxTestResultSchema>;
export type InboxPresetDto = z.infer<typeof InboxPresetSchema>;
