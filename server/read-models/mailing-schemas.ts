import { z } from '@hono/zod-openapi';
import { LightSchema } from './light.js';
import { MAILING_STATUSES, EVENT_LEVELS } from '../domain/mailing-status.js';
import { RECIPIENT_TYPES } from '../domain/recipient-types.js';
import type { RecipientFeedback } from '../domain/recipient-states.js';
import type { NoteParams, StatusDetail } from '../domain/mailing-notes.js';

/**
 * The mailing read model's shape: what the list, the mailing page and a live watcher's snapshot
 * show. The API documents it (server/http/schemas/mailings.ts) and the live protocol carries it.
 */

export const AccountStarSchema = z.object({ id: z.number(), name: z.string(), main: z.boolean(), light: LightSchema, sentToday: z.number(), dailyLimit: z.number(), nextSendAt: z.string().nullable() });

/** `kind` and `params` are what the UI words (server/domain/mailing-notes.ts); `text` is the line in English. */
export const NotificationSchema = z
  .object({ id: z.number(), at: z.string(), level: z.enum(EVENT_LEVELS), kind: z.string(), params: z.custom<NoteParams>((v) => typeof v === 'object').openapi({ type: 'object', description: 'The values `kind` is worded with; null: only `text` words it' }).nullable(), text: z.string() })
  .openapi('MailingNotification');

export const MailingSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    recipientType: z.enum(RECIPIENT_TYPES),
    status: z.enum(MAILING_STATUSES),
    /** The English copy of `statusDetail`, for API clients. */
    statusReason: z.string().nullable(),
    statusDetail: z
      .custom<StatusDetail>((v) => typeof v === 'object')
      .openapi({ type: 'object', description: 'Why it is in its status, as a notification `kind` and its `params` the UI words; null: only `statusReason` says it' })
      .nullable(),
    messageId: z.number().nullable(),
    messageName: z.string().nullable(),
    messageSubject: z.string().nullable(),
    signatureId: z.number().nullable(),
    ownerId: z.number(),
    ownerName: z.string(),
    departmentId: z.number(),
    vip: z.boolean(),
    total: z.number(),
    sent: z.number(),
    failed: z.number(),
    skipped: z.number(),
    uncertain: z.number(),
    /** Recipients whose mailbox answered after the 250: bounced (hard and soft), complained, replied. */
    bounced: z.number(),
    complained: z.number(),
    replied: z.number(),
    /** Delivered share of those who may be mailed: sent / (total − skipped), in percent. */
    completion: z.number(),
    sentToday: z.number(),
    accounts: z.array(AccountStarSchema),
    notifications: z.array(NotificationSchema),
    /** A reply from one recipient stops the owner's mailings to everyone at the same company. */
    stopCompanyOnReply: z.boolean(),
    combinedInto: z.number().nullable(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    lastSentAt: z.iso.datetime().nullable(),
  })
  .openapi('Mailing');
export type MailingDto = z.infer<typeof MailingSchema>;

/** Ledger rows by the feedback their mailbox gave, each under its strongest (server/domain/recipient-states.ts). */
export const FeedbackCountsSchema = z.object({
  bounced: z.number(),
  soft_bounced: z.number(),
  complained: z.number(),
  replied: z.number(),
  auto_replied: z.number(),
}) satisfies z.ZodType<Record<RecipientFeedback, number>>;

export const ProgressSchema = z.object({
  pending: z.number(), sending: z.number(), sent: z.number(), failed: z.number(), skipped: z.number(), uncertain: z.number(), retrying: z.number(),
  feedback: FeedbackCountsSchema,
});
export const MailingDetailSchema = MailingSchema.extend({ progress: ProgressSchema, eta: z.string().nullable() }).openapi('MailingDetail');
export type MailingDetailDto = z.infer<typeof MailingDetailSchema>;
