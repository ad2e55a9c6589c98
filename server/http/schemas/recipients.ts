import { z } from '@hono/zod-openapi';
import { ErrorSchema, listQuery, booleanQuery } from '../openapi.js';
import { idField, idQuery } from './fields.js';
import { FEEDBACK_KINDS } from '../../domain/feedback.js';
import type { Refusal } from '../../domain/refusals.js';
import type { InputIssue } from '../errors.js';

/** Contracts of the CRM's mailable objects: companies, contacts and leads. */

const optionalText = (max: number) =>
  z.string().trim().max(max).nullish().transform((v) => (v ? v : null));

export const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'Invalid e-mail address' }));

const commonInput = {
  email: z.union([emailField, z.literal('').transform(() => null), z.null()]).optional(),
  country: optionalText(80),
  ownerId: idField.optional(),
  vip: z.boolean().optional(),
  massMailing: z.boolean().optional(),
  disqualified: z.boolean().optional(),
};

export const CompanyInput = z.object({ ...commonInput, name: z.string().trim().min(1).max(200), website: optionalText(200) }).strict().openapi('CompanyInput');
export const ContactInput = z
  .object({ ...commonInput, firstName: z.string().trim().min(1).max(100), lastName: optionalText(100), title: optionalText(120), companyId: idField })
  .strict()
  .openapi('ContactInput');
export const LeadInput = z
  .object({ ...commonInput, firstName: z.string().trim().min(1).max(100), lastName: optionalText(100), title: optionalText(120), companyName: optionalText(200) })
  .strict()
  .openapi('LeadInput');

const commonOutput = {
  id: z.number().int(),
  email: z.string().nullable(),
  country: z.string().nullable(),
  ownerId: z.number().int(),
  ownerName: z.string(),
  departmentId: z.number().int(),
  vip: z.boolean(),
  massMailing: z.boolean(),
  disqualified: z.boolean(),
  createdAt: z.string(),
};

export const CompanySchema = z.object({ ...commonOutput, name: z.string(), website: z.string().nullable() }).openapi('Company');
export const ContactSchema = z
  .object({ ...commonOutput, firstName: z.string(), lastName: z.string().nullable(), title: z.string().nullable(), companyId: z.number().int(), companyName: z.string() })
  .openapi('Contact');
export const LeadSchema = z
  .object({ ...commonOutput, firstName: z.string(), lastName: z.string().nullable(), title: z.string().nullable(), companyName: z.string().nullable() })
  .openapi('Lead');

export type CompanyDto = z.infer<typeof CompanySchema>;
export type ContactDto = z.infer<typeof ContactSchema>;
export type LeadDto = z.infer<typeof LeadSchema>;
export type CompanyInputDto = z.input<typeof CompanyInput>;
export type ContactInputDto = z.input<typeof ContactInput>;
export type LeadInputDto = z.input<typeof LeadInput>;

/** Filters shared by the three lists (and, later, by "mail everyone in this filter"). */
export const recipientFilter = {
  ownerId: idQuery.optional(),
  departmentId: idQuery.optional(),
  vip: booleanQuery.optional(),
  massMailing: booleanQuery.optional(),
  disqualified: booleanQuery.optional(),
  country: z.string().trim().max(80).optional(),
};

export const CompanyListQuery = listQuery(['id', 'name', 'email', 'country', 'createdAt', 'vip']).extend(recipientFilter);
export const ContactListQuery = listQuery(['id', 'firstName', 'lastName', 'email', 'country', 'createdAt', 'vip']).extend({
  ...recipientFilter,
  companyId: idQuery.optional(),
});
export const LeadListQuery = listQuery(['id', 'firstName', 'lastName', 'email', 'companyName', 'country', 'createdAt', 'vip']).extend(recipientFilter);

/** One thing wrong with an imported row: a rule's refusal (of a column, when one is to blame), or a field's validation issue. */
export type RowProblem = { field?: string; refusal: Refusal } | { issue: InputIssue };

export const ImportResultSchema = z.object({ imported: z.number().int() }).openapi('ImportResult');
/** code `import_rejected`: every bad row with its reasons. */
export const ImportErrorSchema = ErrorSchema.extend({
  details: z.object({
    rows: z.array(z.object({
      line: z.number().int(),
      errors: z.array(z.string()),
      /** The same errors as values: a rule's `refusal` (reason and params) with the column to blame, or a field's validation `issue`. */
      problems: z.array(z.custom<RowProblem>((v) => typeof v === 'object').openapi({ type: 'object', description: '`{ field?, refusal: { reason, params } }` or `{ issue }`, in the order of `errors`' })),
    })),
  }),
}).openapi('ImportError');

/**
 * One thing a recipient's mailbox answered to a mass mailing: a bounce (with its status code and
 * diagnostic), a complaint, a reply or an auto-reply (with its first lines), an unsubscribe.
 * `mailing` is null when the mailing is not one the reader may see (the record moved department).
 */
export const FeedbackHistoryItemSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(FEEDBACK_KINDS).exclude(['unrelated']),
    email: z.string(),
    status: z.string().nullable(),
    note: z.string().nullable(),
    /** The message's own date, as its sender wrote it. */
    sentAt: z.string().nullable(),
    /** When Mailroom read it. */
    at: z.string(),
    mailing: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  })
  .openapi('RecipientFeedback');
export type FeedbackHistoryItemDto = z.infer<typeof FeedbackHistoryItemSchema>;
