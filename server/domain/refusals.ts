import type { MailingStatus } from './mailing-status.js';
import type { Role } from './roles.js';
import type { RecipientType } from './recipient-types.js';
import { UNSUCCESSFUL_WORDS, type Unsuccessful } from './mailing-notes.js';
import { formatMb } from './attachments.js';
import { templateProblemText, type TemplateProblem } from './template-problems.js';

/**
 * Why the server refuses a request, as a closed list of reasons with their values: the API's
 * English `error` is worded from it here, and the UI words the same reason and values in the
 * reader's language (catalogue key `refusal_<reason>`, same placeholders). A refusal is only
 * ever made from a reason, so the English and the reason cannot disagree. Values are names, ids,
 * counts, sizes and statuses; a library's or mail server's own text is a `text` value, shown as
 * written.
 */

/** What each kind of value is, and so how it is worded: an id reads as is, a count in the reader's digits, bytes as MB… */
export interface RefusalParamTypes {
  /** A name, address, field name or a library's text, shown as written. */
  text: string;
  /** A record's number ("#12"), never grouped. */
  id: number;
  count: number;
  bytes: number;
  /** A wait, said in seconds or minutes. */
  seconds: number;
  /** Mailing numbers: "#1, #2". */
  ids: number[];
  /** Names shown as written, one after the other. */
  list: string[];
  /** File extensions, any one of which would do: ".png or .jpg". */
  extensions: string[];
  /** Template variables: "{{ a }}, {{ b }}". */
  variables: string[];
  status: MailingStatus;
  /** A kind of recipient, said in the plural ("companies"). */
  recipients: RecipientType;
  role: Role;
  /** Groups of unsuccessful recipients, any one of which: "failed or uncertain". */
  unsuccessful: Unsuccessful[];
  /** Records by their kind's label (`companies`, `email accounts`, `users`…): "3 companies, 1 mailings". */
  owned: Record<string, number>;
  /** Refusals of their own (each rule a combination breaks). */
  refusals: Refusal[];
  /** Why a template does not parse or render: the part, and Mailroom's limit or liquid's words. */
  template: TemplateProblem;
}
export type RefusalParamKind = keyof RefusalParamTypes;

/** A reason: its English wording (placeholders `{name}`) and the kind of each value it names. */
const reason = <const P extends Record<string, RefusalParamKind> = Record<never, RefusalParamKind>>(en: string, params: P = {} as P) => ({ en, params });

export const REFUSALS = {
  // Anyone
  sign_in_first: reason('Sign in first'),
  wrong_credentials: reason('Wrong e-mail or password'),
  csrf_header: reason('Missing or wrong {header} header', { header: 'text' }),
  too_many_sign_ins: reason('Too many failed sign-ins; try again in {wait}', { wait: 'seconds' }),
  too_many_test_sends: reason('Too many test sends; try again in {wait}', { wait: 'seconds' }),
  too_many_connection_tests: reason('Too many connection tests; try again in {wait}', { wait: 'seconds' }),
  templates_busy: reason('The server is rendering too many templates right now; try again in a moment'),
  no_route: reason('No route {method} {path}', { method: 'text', path: 'text' }),
  body_too_large: reason('The request body is larger than {limit}', { limit: 'bytes' }),
  /** A request the HTTP layer refused, in its library's words. */
  request_refused: reason('{error}', { error: 'text' }),
  duplicate_value: reason('A record with the same unique value already exists'),
  still_referenced: reason('The record is still referenced by other records'),
  internal: reason('Internal server error'),

  // Admin-only doors
  admins_manage_users: reason('Only admins manage users'),
  admins_manage_departments: reason('Only admins manage departments'),
  admins_change_settings: reason('Only admins change the settings'),
  admins_register_oauth: reason('Only admins register OAuth clients'),

  // Records not found
  user_not_found: reason('User not found'),
  department_not_found: reason('Department not found'),
  mailing_not_found: reason('Mailing not found'),
  mailing_number_not_found: reason('Mailing #{id} not found', { id: 'id' }),
  message_not_found: reason('Message not found'),
  account_not_found: reason('Account not found'),
  signature_not_found: reason('Signature not found'),
  company_not_found: reason('Company not found'),
  contact_not_found: reason('Contact not found'),
  lead_not_found: reason('Lead not found'),
  inbox_not_found: reason('Incoming settings not found'),
  sink_off: reason('The development mail sink is off'),

  // Owners and owned records
  mailing_owner_only: reason('Only the owner of the mailing or an admin may do this'),
  account_owner_only: reason('Only the owner or an admin may change this account'),
  signature_owner_only: reason('Only the owner or an admin may change this signature'),
  message_owner_only: reason('Only the owner or an admin may change this message'),
  company_owner_only: reason('Only the owner or an admin may change this company'),
  contact_owner_only: reason('Only the owner or an admin may change this contact'),
  lead_owner_only: reason('Only the owner or an admin may change this lead'),
  assign_admins_only: reason('only admins may assign records to other users'),
  owner_unknown: reason('user {id} not found', { id: 'id' }),
  owner_without_department: reason('{name} has no department and cannot own records', { name: 'text' }),
  own_recipients_only: reason('you may only mail recipients assigned to you'),
  company_unknown: reason('company {id} not found', { id: 'id' }),
  company_other_department: reason("the company belongs to another department than the contact's owner"),

  // Users and departments
  user_email_taken: reason('a user with the e-mail {email} already exists', { email: 'text' }),
  role_needs_department: reason('a {role} must belong to a department', { role: 'role' }),
  department_unknown: reason('department {id} not found', { id: 'id' }),
  user_owns_records_move: reason('{name} still owns {owned}; records must stay in a department, so move them to another department instead', { name: 'text', owned: 'owned' }),
  user_owns_records_delete: reason('{name} still owns {owned}; deactivate the user instead, or reassign the records first', { name: 'text', owned: 'owned' }),
  self_delete: reason('You cannot delete your own user'),
  self_demote: reason('you cannot take away your own admin role'),
  self_deactivate: reason('you cannot deactivate yourself'),
  department_name_taken: reason('a department named {name} already exists', { name: 'text' }),
  department_not_empty: reason('The department still has {owned}; move or delete them first', { owned: 'owned' }),

  // Accounts, incoming mail, OAuth
  smtp_password_again: reason('changing {fields} needs the SMTP password again; the stored one is only sent to the server it was given for', { fields: 'list' }),
  dkim_key_again: reason('changing {fields} needs the DKIM private key again; the stored one only signs for the domain it was given for', { fields: 'list' }),
  imap_password_again: reason('changing {fields} needs the IMAP password again; the stored one is only sent to the server it was given for', { fields: 'list' }),
  oauth_imap_host_only: reason('the {provider} connection signs in only at {host}; another server needs its IMAP password', { provider: 'text', host: 'text' }),
  imap_password_required: reason('Required: new incoming settings need the IMAP password'),
  demo_inbox_no_imap: reason('The demo mailbox is read from the development sink: there is no IMAP server to sign in to'),
  oauth_secret_needed: reason('a new client id needs its client secret'),
  oauth_client_missing: reason('No {provider} OAuth client is registered; an admin adds one in Settings', { provider: 'text' }),

  // Messages, signatures, attachments
  template_invalid: reason('{problem}', { problem: 'template' }),
  signature_not_owners: reason("signature {id} is not one of the message owner's signatures", { id: 'id' }),
  signature_unknown: reason('signature {id} not found', { id: 'id' }),
  message_unknown: reason('message {id} not found', { id: 'id' }),
  attachment_unknown: reason('attachment {id} not found', { id: 'id' }),
  file_name_invalid: reason('a file name may not hold a path (/ or \\) or control characters, nor be only dots and spaces'),
  file_empty: reason('the file is empty'),
  file_too_large: reason('a file may be at most {limit}: providers refuse messages over about {provider} once encoded, and encoding adds a third', { limit: 'bytes', provider: 'bytes' }),
  files_too_many: reason('a message carries at most {max} files', { max: 'count' }),
  files_too_large: reason("the message's files would total {total}, over the {limit} a message may carry: providers refuse messages over about {provider} once encoded, and encoding adds a third", { total: 'bytes', limit: 'bytes', provider: 'bytes' }),
  file_already_attached: reason('this file is already attached as "{filename}"', { filename: 'text' }),
  file_type_refused: reason('files of type {type} may not be attached (allowed: {allowed})', { type: 'text', allowed: 'list' }),
  file_type_misstated: reason('the content is {type}, not {stated} as stated', { type: 'text', stated: 'text' }),
  file_extension_mismatch: reason('the content is {type}, which does not match the name\'s extension ".{extension}" (expected {expected})', { type: 'text', extension: 'text', expected: 'extensions' }),
  inline_type: reason('an inline image must be PNG, JPEG or GIF, not {type}', { type: 'text' }),

  // Mailings
  mailings_need_department: reason('Only users with a department can make mailings'),
  nothing_to_create: reason('Nothing to create'),
  preflight_message_unknown: reason('Message {id} not found', { id: 'id' }),
  preflight_unparsable: reason('The message does not parse: {problem}', { problem: 'template' }),
  preflight_signature_not_yours: reason('Signature {id} is not one of yours', { id: 'id' }),
  preflight_unknown_variables: reason('The message uses {variables}, which {type} do not have', { variables: 'variables', type: 'recipients' }),
  preflight_no_account: reason('You have no e-mail account that can send (add one, or enable one for mass mailing)'),
  preflight_unroutable: reason('{count} non-VIP recipients need a regular (non-main) account that can send', { count: 'count' }),
  preflight_all_excluded: reason('No recipient can be mailed: everyone selected is excluded'),
  cannot_pause: reason('Mailing #{id} is {status}; it cannot be paused', { id: 'id', status: 'status' }),
  cannot_resume: reason('Mailing #{id} is {status}; it cannot be resumed', { id: 'id', status: 'status' }),
  cannot_cancel: reason('Mailing #{id} is {status}; it cannot be cancelled', { id: 'id', status: 'status' }),
  cannot_restart: reason('Mailing #{id} is {status}; it cannot be restarted', { id: 'id', status: 'status' }),
  nothing_to_restart: reason('Mailing #{id} has no {groups} recipients to send again', { id: 'id', groups: 'unsuccessful' }),
  combine_refused: reason('{problems}', { problems: 'refusals' }),
  combine_too_few: reason('Select at least two mailings'),
  combine_other_message: reason('The mailings must have the same newsletter message'),
  combine_other_type: reason('The mailings must have the same recipient type'),
  combine_other_owner: reason('The mailings must have the same owner (sales manager)'),
  combine_finished: reason('Finished mailings cannot be combined: {ids}', { ids: 'ids' }),
  combine_raced: reason('One of the mailings finished meanwhile; nothing was combined'),
  test_message_deleted: reason('The message of this mailing was deleted'),
  test_no_account: reason('The owner has no e-mail account that can send'),
  test_unrenderable: reason('The message cannot be rendered: {problem}', { problem: 'template' }),

  // CSV imports
  csv_invalid: reason('The file is not valid CSV: {error}', { error: 'text' }),
  csv_empty: reason('The file has no data rows'),
  csv_too_many_rows: reason('At most {max} rows per import', { max: 'count' }),
  csv_too_many_columns: reason('The file is not valid CSV: the first line names {count} columns; at most {max} are allowed', { count: 'count', max: 'count' }),
  csv_unknown_columns: reason('Unknown column(s): {columns}', { columns: 'list' }),
  csv_not_yes_no: reason('"{value}" is not yes/no', { value: 'text' }),
  csv_not_a_number: reason('"{value}" is not a number', { value: 'text' }),
  csv_unknown_owner: reason('no user {email}', { email: 'text' }),
  csv_rows_invalid: reason('{bad} of {total} rows are invalid; nothing was imported', { bad: 'count', total: 'count' }),
} as const;

export type RefusalReason = keyof typeof REFUSALS;
export const REFUSAL_REASONS = Object.keys(REFUSALS) as [RefusalReason, ...RefusalReason[]];

type ParamsOf<R extends RefusalReason> = (typeof REFUSALS)[R]['params'];
export type RefusalParams<R extends RefusalReason> = { -readonly [K in keyof ParamsOf<R>]: RefusalParamTypes[ParamsOf<R>[K] & RefusalParamKind] };

/** A reason with its values; the one thing an API or domain error is made from. */
export type Refusal = { [R in RefusalReason]: { reason: R; params: RefusalParams<R> } }[RefusalReason];

/** What a pre-flight report says stops a mailing. */
export type PreflightRefusal = Extract<Refusal, { reason: `preflight_${string}` }>;

/** "failed", "failed or uncertain", "failed, uncertain or soft-bounced". */
const eitherOf = (words: readonly string[]) => (words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? ''));

/** Each kind of value in the API's English. */
const ENGLISH: { [K in RefusalParamKind]: (value: RefusalParamTypes[K]) => string } = {
  text: (v) => v,
  id: (v) => String(v),
  count: (v) => String(v),
  bytes: formatMb,
  seconds: (s) => (s < 120 ? `${s} s` : `${Math.ceil(s / 60)} min`),
  ids: (ids) => ids.map((id) => `#${id}`).join(', '),
  list: (items) => items.join(', '),
  extensions: (exts) => eitherOf(exts.map((e) => `.${e}`)),
  variables: (names) => names.map((n) => `{{ ${n} }}`).join(', '),
  status: (s) => s.replace('_', ' '),
  recipients: (t) => (t === 'company' ? 'companies' : `${t}s`),
  role: (r) => r.replace('_', ' '),
  unsuccessful: (groups) => eitherOf(groups.map((g) => UNSUCCESSFUL_WORDS[g])),
  owned: (counts) => Object.entries(counts).map(([label, n]) => `${n} ${label}`).join(', '),
  refusals: (list) => list.map(refusalText).join('; '),
  template: templateProblemText,
};

/** The refusal in the API's English. */
export function refusalText(r: Refusal): string {
  const kinds: Record<string, RefusalParamKind> = REFUSALS[r.reason].params;
  const params = r.params as Record<string, unknown>;
  return REFUSALS[r.reason].en.replace(/\{(\w+)\}/g, (_, name: string) => (ENGLISH[kinds[name]] as (v: unknown) => string)(params[name]));
}
