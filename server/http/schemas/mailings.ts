import { z } from '@hono/zod-openapi';
import { booleanQuery, listQuery } from '../openapi.js';
import { idField, idQuery } from './fields.js';
import { recipientFilter } from './recipients.js';
import { LightSchema } from '../../read-models/light.js';
import { MailingSchema } from '../../read-models/mailing-schemas.js';

/** The mailing read model's types, for the API's readers (the UI). */
export type { MailingDto, MailingDetailDto } from '../../read-models/mailing-schemas.js';
import { MAILING_STATUSES } from '../../domain/mailing-status.js';
import { RECIPIENT_TYPES } from '../../domain/recipient-types.js';
import { RECIPIENT_FEEDBACK, RECIPIENT_STATES } from '../../domain/recipient-states.js';
import type { PreflightWarning } from '../../domain/mailing-notes.js';
import type { PreflightRefusal } from '../../domain/refusals.js';
import type { RecipientOutcome } from '../../domain/recipient-outcomes.js';

/** Contracts of mass mailings: creation (with its pre-flight report), the list, one mailing, operations. */

const Selection = z
  .object({
    ids: z.array(idField).min(1).max(100_000).optional(),
    filter: z.object({ q: z.string().trim().max(200).optional(), ...recipientFilter, companyId: idQuery.optional() }).strict().optional(),
  })
  .strict()
  .refine((s) => (s.ids ? 1 : 0) + (s.filter ? 1 : 0) === 1, { message: 'Give either ids or filter' });

export const MailingRequestSchema = z
  .object({
    messageId: idField,
    signatureId: idField.nullable().optional(),
    name: z.string().trim().max(200).optional(),
    selections: z
      .object({ company: Selection.optional(), contact: Selection.optional(), lead: Selection.optional() })
      .strict()
      .refine((s) => Object.values(s).some(Boolean), { message: 'Select recipients of at least one type' }),
    start: z.enum(['active', 'paused']).default('active'),
    /** A reply from one recipient stops the owner's mailings to everyone at the same company. */
    stopCompanyOnReply: z.boolean().default(false),
  })
  .strict()
  .openapi('MailingRequest');
export type MailingRequestDto = z.input<typeof MailingRequestSchema>;


export const PreflightSchema = z
  .object({
    recipientType: z.enum(RECIPIENT_TYPES),
    selected: z.number().int(),
    recipients: z.number().int(),
    vipRecipients: z.number().int(),
    excluded: z.object({ notYours: z.number(), noEmail: z.number(), invalidEmail: z.number(), optedOut: z.number(), disqualified: z.number(), suppressed: z.number(), duplicate: z.number() }),
    allocation: z.array(z.object({ accountId: z.number(), name: z.string(), main: z.boolean(), recipients: z.number(), light: LightSchema })),
    eta: z.string().nullable(),
    /** About what each recipient's message weighs once encoded, files included (bytes). */
    messageSize: z.number().int(),
    errors: z.array(z.string()),
    /** The same errors as reasons with their values (server/domain/refusals.ts), for a client that words them itself. */
    errorReasons: z.array(z.custom<PreflightRefusal>((v) => typeof v === 'object').openapi({ type: 'object', description: '`reason` and its `params`, in the order of `errors`' })),
    warnings: z.array(z.string()),
    /** The same warnings as codes with their values, for a client that words them itself. */
    warningCodes: z.array(z.custom<PreflightWarning>((v) => typeof v === 'object').openapi({ type: 'object', description: '`code` and its values, in the order of `warnings`' })),
  })
  .openapi('Preflight');
export type PreflightDto = z.infer<typeof PreflightSchema>;

export const MAILING_SORTS = ['id', 'name', 'recipientType', 'status', 'completion', 'owner', 'sentToday', 'total', 'accounts', 'notifications', 'createdAt'] as const;
export const MailingListQuery = listQuery(MAILING_SORTS).extend({
  departmentId: idQuery.optional(),
  ownerId: idQuery.optional(),
  vip: booleanQuery.optional(),
  status: z.enum(MAILING_STATUSES).optional(),
  recipientType: z.enum(RECIPIENT_TYPES).optional(),
});


/** Why an address may not be mailed again, as the suppression list keeps it. */
export const SuppressionSchema = z.object({ reason: z.string(), source: z.string().nullable(), at: z.string() }).openapi('Suppression');

export const LedgerRowSchema = z
  .object({ id: z.number(), recipientId: z.number(), email: z.string(), name: z.string().nullable(), vip: z.boolean(), accountId: z.number().nullable(), state: z.enum(RECIPIENT_STATES), attempts: z.number(), dueAt: z.string().nullable(),
    /** The mail server's own reply to the latest attempt, verbatim; null when Mailroom ended the row itself (`outcome`). */
    lastReply: z.string().nullable(),
    /** Why Mailroom itself skipped the row or cannot know its delivery, as a code and its values. */
    outcome: z
      .custom<RecipientOutcome>((v) => typeof v === 'object')
      .openapi({ type: 'object', description: 'Why Mailroom itself ended the row, as a `code` (opted_out, record_deleted, suppressed, cancelled, already_mailed, replied, worker_stopped) and its values; null: a server replied, or the row was ended before outcomes were kept (see `lastReply`)' })
      .nullable(),
    messageId: z.string().nullable(), sentAt: z.string().nullable(),
    /** The engine run (worker host:process:run) that holds or last held the claim: for a sent recipient, the one that sent it. */
    claimedBy: z.string().nullable(),
    /** What the recipient's mailbox answered after the 250 (the strongest so far), when, the bounce's status code, and the bounce's diagnostic or the reply's first lines. */
    feedback: z.enum(RECIPIENT_FEEDBACK).nullable(),
    feedbackAt: z.string().nullable(),
    feedbackStatus: z.string().nullable(),
    feedbackNote: z.string().nullable(),
    /** The address is on the suppression list (unsubscribed, hard-bounced, complained, added by hand): no mailing sends to it again. */
    suppression: SuppressionSchema.nullable() })
  .openapi('MailingRecipient');
export type LedgerRowDto = z.infer<typeof LedgerRowSchema>;
export const LedgerQuery = listQuery(['id', 'email', 'state', 'sentAt']).extend({ state: z.enum([...RECIPIENT_STATES, 'retrying']).optional(), feedback: z.enum(RECIPIENT_FEEDBACK).optional() });

/** Failed recipients are always sent again; uncertain and soft-bounced ones when asked. Hard-bounced and complained ones never: their addresses are suppressed. */
export const RestartSchema = z.object({ includeUncertain: z.boolean().default(false), includeSoftBounced: z.boolean().default(false) }).strict();
export const TestSendSchema = z.object({ email: z.string().trim().toLowerCase().max(254).pipe(z.email({ message: 'Invalid e-mail address' })) }).strict();
export const TestSendResultSchema = z.object({ ok: z.boolean(), reply: z.string(), messageId: z.string().nullable() }).openapi('TestSendResult');
export const CombineSchema = z
  .object({ ids: z.array(idField).min(2).max(100).refine((ids) => new Set(ids).size === ids.length, { message: 'Each mailing may be listed only once' }) })
  .strict();
export const CreateResultSchema = z.object({ mailings: z.array(MailingSchema), reports: z.array(PreflightSchema) }).openapi('CreateMailingsResult');
export const PreflightResultSchema = z.object({ reports: z.array(PreflightSchema) }).openapi('PreflightResult');
