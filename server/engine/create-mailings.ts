import type { DateTime } from 'luxon';
import { z } from 'zod';
import type { Em } from '../db/orm.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import { MailingSchema, type Mailing } from '../db/entities/mailing.entity.js';
import { MailingEventSchema } from '../db/entities/mailing-event.entity.js';
import { recorded, warningText, type PreflightWarning } from '../domain/mailing-notes.js';
import { UserSchema } from '../db/entities/user.entity.js';
import { DepartmentSchema } from '../db/entities/department.entity.js';
import type { Settings } from '../db/entities/settings.entity.js';
import { lastSelectedId, mailablePage, type RecipientFilter } from '../db/repositories/recipient.repository.js';
import { ledgerRepository } from '../db/repositories/ledger.repository.js';
import { accountRepository } from '../db/repositories/account.repository.js';
import { messageRepository } from '../db/repositories/message.repository.js';
import { attachmentRepository } from '../db/repositories/attachment.repository.js';
import type { Message } from '../db/entities/message.entity.js';
import { suppressionRepository } from '../db/repositories/suppression.repository.js';
import { RECIPIENT_TYPES, type RecipientType } from '../domain/recipient-types.js';
import { canMailRecipientsOf, canSee, type Actor } from '../domain/visibility.js';
import { DomainError } from '../domain/errors.js';
import { refusalText, type PreflightRefusal } from '../domain/refusals.js';
import { route, type RoutableAccount } from '../domain/routing.js';
import { eta } from '../domain/pacing.js';
import { calendarOf } from '../domain/business-days.js';
import { accountToday, usable, type Light } from '../domain/account-health.js';
import { accountPaces } from '../read-models/account-paces.js';
import { unknownVariables } from '../domain/template-variables.js';
import { encodedMessageSize } from '../domain/attachments.js';
import { fileWarnings } from '../domain/file-warnings.js';
import { TemplateError } from '../mail/render.js';
import { analyseMessage } from '../mail/render-pool.js';
import { AddressSet } from './address-set.js';

/** One recipient type's part of a "Make Massmail" request: chosen ids, or everything a filter matches. */
export interface Selection {
  ids?: number[];
  filter?: RecipientFilter;
}

export interface MailingRequest {
  messageId: number;
  signatureId?: number | null;
  name?: string;
  selections: Partial<Record<RecipientType, Selection>>;
  start: 'active' | 'paused';
  /** A reply from one recipient stops the owner's mailings to everyone at the same company (off when not given). */
  stopCompanyOnReply?: boolean;
}

/** The pre-flight report of one would-be mailing: who gets it, who does not and why, and when it ends. */
export interface Preflight {
  recipientType: RecipientType;
  selected: number;
  recipients: number;
  vipRecipients: number;
  excluded: { notYours: number; noEmail: number; invalidEmail: number; optedOut: number; disqualified: number; suppressed: number; duplicate: number };
  allocation: { accountId: number; name: string; main: boolean; recipients: number; light: Light }[];
  eta: string | null;
  /** About what each recipient's message weighs once encoded, files included (bytes). */
  messageSize: number;
  /** In English; `errorReasons` holds them as reasons with values. */
  errors: string[];
  errorReasons: PreflightRefusal[];
  /** In English; `warningCodes` holds them as values. */
  warnings: string[];
  warningCodes: PreflightWarning[];
}

interface Candidate {
  recipientId: number;
  email: string;
  name: string;
  vip: boolean;
}

/**
 * Ids read, checked and written per page: memory holds one page, whatever the mailing's size.
 * Small, because a page is alive while its ledger rows are written, and what is alive when V8
 * collects moves to the old generation: creating a million in one process grew its heap by
 * ~90 MB with pages of 2,000 and ~40 MB with pages of 500, for a few more round trips.
 */
const CHUNK = 500;

const emailSchema = z.email();
const isEmail = (s: string) => emailSchema.safeParse(s).success;

/** Where one pass over a selection puts the recipients it keeps (the pre-flight keeps nobody). */
type Destination = (rows: (Candidate & { accountId: number | null })[]) => Promise<void>;

/** What a pass counted: the report's figures, before accounts and the calendar are applied. */
interface Tally {
  selected: number;
  recipients: number;
  vipRecipients: number;
  excluded: Preflight['excluded'];
  byAccount: Map<number, number>;
  unroutable: number;
}

/**
 * Reads the selected CRM rows the actor owns page by page (ranges of ids, in id order), drops the
 * excluded ones with the reason counted, routes the rest (the round-robin goes on where the last
 * page left it) and hands them to `destination` before reading the next page. The first row (by
 * id) of an address wins. Memory holds one page and the addresses taken, as bytes off the heap.
 */
async function pass(em: Em, actor: Actor, type: RecipientType, selection: Selection, accounts: RoutableAccount[], destination: Destination | null): Promise<Tally> {
  const filter: RecipientFilter = { ...(selection.filter ?? {}), ...(selection.ids ? { ids: selection.ids } : {}), ownerId: actor.id };
  const excluded = { notYours: 0, noEmail: 0, invalidEmail: 0, optedOut: 0, disqualified: 0, suppressed: 0, duplicate: 0 };
  const tally: Tally = { selected: 0, recipients: 0, vipRecipients: 0, excluded, byAccount: new Map(), unroutable: 0 };
  const regular = new Set(accounts.filter((a) => !a.main).map((a) => a.id));
  const taken = new AddressSet();
  const last = await lastSelectedId(em, type, filter);
  let turns = 0;
  for (let afterId = 0; afterId < last; afterId += CHUNK) {
    const rows = await mailablePage(em, type, filter, afterId, Math.min(afterId + CHUNK, last));
    tally.selected += rows.length;

    const kept: Candidate[] = [];
    for (const r of rows) {
      const email = r.email?.trim().toLowerCase() ?? '';
      if (!email) excluded.noEmail++;
      else if (!isEmail(email)) excluded.invalidEmail++;
      else if (!r.massMailing) excluded.optedOut++;
      else if (r.disqualified) excluded.disqualified++;
      else kept.push({ recipientId: r.id, email, name: r.name, vip: r.vip });
    }
    const suppressed = await suppressionRepository.suppressedAmong(em, kept.map((c) => c.email));
    const eligible: Candidate[] = [];
    for (const c of kept) {
      if (suppressed.has(c.email)) excluded.suppressed++;
      else if (!taken.add(c.email)) excluded.duplicate++;
      else eligible.push(c);
    }

    const routes = route(eligible, accounts, turns);
    for (const r of routes) {
      if (r.accountId === null) tally.unroutable++;
      else {
        tally.byAccount.set(r.accountId, (tally.byAccount.get(r.accountId) ?? 0) + 1);
        if (regular.has(r.accountId)) turns++;
      }
    }
    tally.recipients += eligible.length;
    tally.vipRecipients += eligible.filter((c) => c.vip).length;
    if (destination && eligible.length) await destination(eligible.map((c, i) => ({ ...c, accountId: routes[i].accountId })));
  }
  if (selection.ids) {
    excluded.notYours = new Set(selection.ids).size - tally.selected;
    tally.selected += excluded.notYours;
  }
  return tally;
}

/** A mailing's destination: its ledger. */
function ledgerOf(tx: Em, mailingId: number, now: Date): Destination {
  return (rows) => ledgerRepository.insert(tx, rows.map((r) => ({ mailingId, recipientId: r.recipientId, email: r.email, name: r.name, vip: r.vip, accountId: r.accountId, state: 'pending' as const })), now);
}

/** A filter naming another owner is refused, not narrowed to the actor's own recipients behind their back. */
function assertOwnRecipients(actor: Actor, request: MailingRequest) {
  for (const type of RECIPIENT_TYPES) {
    const ownerId = request.selections[type]?.filter?.ownerId;
    if (ownerId !== undefined && !canMailRecipientsOf(actor, ownerId)) {
      throw new DomainError('forbidden', { reason: 'own_recipients_only', params: {} }, { field: `selections.${type}.filter.ownerId` });
    }
  }
}

/** What a request is about, checked before any recipient is read: the message, the signature, the accounts, and the errors and warnings that do not depend on who is selected. */
async function prepare(em: Em, actor: Actor, request: MailingRequest) {
  assertOwnRecipients(actor, request);
  const message = await messageRepository.byId(em, request.messageId);
  const visibleMessage = message && canSee(actor, { ownerId: message.owner.id, departmentId: message.department.id }) ? message : null;
  const signatureId = request.signatureId === undefined ? (visibleMessage?.signature?.id ?? null) : request.signatureId;
  const signature = signatureId ? await messageRepository.ownSignature(em, signatureId, actor.id) : null;
  const accounts = await accountRepository.ofOwner(em, actor.id);

  let used: string[] = [];
  let templateError: PreflightRefusal | null = null;
  if (visibleMessage) {
    try {
      used = await analyseMessage({ subject: visibleMessage.subject, html: visibleMessage.html, text: visibleMessage.text ?? null });
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      templateError = { reason: 'preflight_unparsable', params: { problem: err.problem } };
    }
  }
  const files = visibleMessage ? await filesOf(em, visibleMessage) : { size: 0, warnings: [] };
  const types = RECIPIENT_TYPES.filter((type) => request.selections[type]);
  const checks = types.map((type) => {
    const errors: PreflightRefusal[] = [];
    const warnings: PreflightWarning[] = [];
    if (!visibleMessage) errors.push({ reason: 'preflight_message_unknown', params: { id: request.messageId } });
    if (templateError) errors.push(templateError);
    if (signatureId && !signature) errors.push({ reason: 'preflight_signature_not_yours', params: { id: signatureId } });
    const unknown = unknownVariables(used, type);
    if (unknown.length) errors.push({ reason: 'preflight_unknown_variables', params: { variables: unknown, type } });
    if (!accounts.some(usable)) errors.push({ reason: 'preflight_no_account', params: {} });
    if (visibleMessage && !signature) warnings.push({ code: 'no_signature' });
    if (visibleMessage && !used.includes('unsubscribe_url')) warnings.push({ code: 'no_unsubscribe' });
    warnings.push(...files.warnings);
    return { type, selection: request.selections[type]!, errors, warnings, messageSize: files.size };
  });
  const routable: RoutableAccount[] = accounts.map((a) => ({ id: a.id, main: a.main, usable: usable(a) }));
  return { message: visibleMessage, signature, accounts, routable, checks };
}

/** What the message's files make it weigh once encoded, and what the sender should hear about them before it goes out. */
async function filesOf(em: Em, message: Message): Promise<{ size: number; warnings: PreflightWarning[] }> {
  const files = await attachmentRepository.ofMessage(em, message.id);
  const size = encodedMessageSize({ html: message.html, text: message.text ?? null }, files.map((f) => f.size));
  return { size, warnings: fileWarnings(size, message.html, files) };
}

type Check = Awaited<ReturnType<typeof prepare>>['checks'][number];

/** The pre-flight report of one recipient type from its pass: allocation, today's light of each account, and the finish time. */
async function reportOf(em: Em, check: Check, tally: Tally, accounts: EmailAccount[], settings: Settings, now: Date): Promise<Preflight> {
  const calendar = calendarOf(settings);
  // The checks made up front come first, then what the pass found, as the report always listed them.
  const errors: PreflightRefusal[] = [...check.errors];
  if (accounts.some(usable) && tally.unroutable) errors.push({ reason: 'preflight_unroutable', params: { count: tally.unroutable } });
  if (tally.recipients === 0) errors.push({ reason: 'preflight_all_excluded', params: {} });
  const allocation: Preflight['allocation'] = [];
  const paces = await accountPaces(em, accounts, settings, now);
  let finish: DateTime | null = null;
  for (const account of accounts) {
    const count = tally.byAccount.get(account.id) ?? 0;
    const { light, sentToday } = paces.get(account.id)!;
    allocation.push({ accountId: account.id, name: account.name, main: account.main, recipients: count, light });
    const done = usable(account) ? eta(accountToday(account, settings, now).local, { dailyLimit: account.dailyLimit, sentToday }, calendar, count) : null;
    if (done && (!finish || done > finish)) finish = done;
  }
  return {
    recipientType: check.type, selected: tally.selected, recipients: tally.recipients, vipRecipients: tally.vipRecipients,
    excluded: tally.excluded, allocation, eta: finish?.toUTC().toISO() ?? null, messageSize: check.messageSize, errors: errors.map(refusalText), errorReasons: errors, warnings: check.warnings.map(warningText), warningCodes: check.warnings,
  };
}

/** Everything a request would do, without writing: one report per recipient type. */
export async function planMailings(em: Em, actor: Actor, request: MailingRequest, settings: Settings, now: Date): Promise<Preflight[]> {
  const { accounts, routable, checks } = await prepare(em, actor, request);
  const reports: Preflight[] = [];
  for (const check of checks) {
    const tally = await pass(em, actor, check.type, check.selection, routable, null);
    reports.push(await reportOf(em, check, tally, accounts, settings, now));
  }
  return reports;
}

/** Thrown inside the creating transaction when a pass finds a reason to refuse, so everything it wrote is rolled back. */
class Refused extends Error {}

/**
 * Creates one mailing per recipient type when no report has an error. Each mailing row and its
 * ledger are written in one transaction, chunk by chunk as the selection is read, so a refusal
 * or a failure half-way leaves nothing behind. Returns the reports either way.
 */
export async function createMailings(em: Em, actor: Actor, request: MailingRequest, settings: Settings, now: Date) {
  const { message, signature, accounts, routable, checks } = await prepare(em, actor, request);
  const refused = async () => ({ mailings: [] as Mailing[], reports: await planMailings(em, actor, request, settings, now) });
  if (!message || checks.length === 0 || checks.some((c) => c.errors.length)) return refused();
  try {
    return await em.transactional(async (tx) => {
      const mailings: Mailing[] = [];
      const reports: Preflight[] = [];
      for (const check of checks) {
        const type = check.type;
        const mailing = tx.create(MailingSchema, {
          name: request.name?.trim() || `${message.name} · ${type === 'company' ? 'companies' : `${type}s`}`,
          recipientType: type, status: request.start, message, signature,
          owner: tx.getReference(UserSchema, actor.id), department: tx.getReference(DepartmentSchema, actor.departmentId!),
          vip: false, total: 0, stopCompanyOnReply: request.stopCompanyOnReply ?? false,
        });
        await tx.flush();
        const tally = await pass(tx, actor, type, check.selection, routable, ledgerOf(tx, mailing.id, now));
        const report = await reportOf(tx, check, tally, accounts, settings, now);
        if (report.errors.length) throw new Refused();
        Object.assign(mailing, { vip: tally.vipRecipients > 0, total: tally.recipients });
        const excluded = Object.fromEntries(Object.entries(tally.excluded).filter(([, n]) => n > 0));
        tx.create(MailingEventSchema, { mailing, at: now, level: 'info', ...recorded({ kind: 'created', params: { recipients: tally.recipients, excluded } }) });
        for (const w of check.warnings) tx.create(MailingEventSchema, { mailing, at: now, level: 'warning', ...recorded({ kind: 'preflight', params: w }) });
        mailings.push(mailing);
        reports.push(report);
      }
      await tx.flush();
      return { mailings, reports };
    });
  } catch (err) {
    // Every report, not just the one that failed: the pre-flight of the whole request.
    if (err instanceof Refused) return refused();
    throw err;
  }
}
