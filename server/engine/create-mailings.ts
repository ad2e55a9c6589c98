import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Em } from '../db/orm.js';
import { EmailAccountSchema, type EmailAccount } from '../db/entities/email-account.entity.js';
import { MessageSchema, type Message } from '../db/entities/message.entity.js';
import { SignatureSchema, type Signature } from '../db/entities/signature.entity.js';
import { MailingSchema, type Mailing } from '../db/entities/mailing.entity.js';
import { MailingEventSchema } from '../db/entities/mailing-event.entity.js';
import { UserSchema } from '../db/entities/user.entity.js';
import { DepartmentSchema } from '../db/entities/department.entity.js';
import type { Settings } from '../db/entities/settings.entity.js';
import { recipientSchemas, recipientWhere, type RecipientFilter } from '../db/repositories/recipient.repository.js';
import { ledgerRepository, knexOf } from '../db/repositories/ledger.repository.js';
import { RECIPIENT_TYPES, type RecipientType } from '../domain/recipient-types.js';
import { canSee, type Actor } from '../domain/visibility.js';
import { route } from '../domain/routing.js';
import { dayStart } from '../domain/business-days.js';
import { eta, maySend } from '../domain/pacing.js';
import { accountZone, light, usable, type Light } from '../domain/account-health.js';
import { unknownVariables } from '../domain/template-variables.js';
import { usedVariables, TemplateError } from '../mail/render.js';

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
  errors: string[];
  warnings: string[];
}

/** How the creation note names each exclusion. */
const EXCLUSION_WORDS: Record<keyof Preflight['excluded'], string> = {
  notYours: 'not yours',
  noEmail: 'without an address',
  invalidEmail: 'with an invalid address',
  optedOut: 'opted out',
  disqualified: 'disqualified',
  suppressed: 'unsubscribed',
  duplicate: 'duplicate addresses',
};

interface Candidate {
  recipientId: number;
  email: string;
  name: string;
  vip: boolean;
}

const isEmail = (s: string) => z.email().safeParse(s).success;

/** The selected CRM rows the actor owns, reduced to what the ledger keeps, with the exclusions counted. */
async function candidates(em: Em, actor: Actor, type: RecipientType, selection: Selection) {
  const filter: RecipientFilter = { ...(selection.filter ?? {}), ...(selection.ids ? { ids: selection.ids } : {}), ownerId: actor.id };
  const fields = type === 'company' ? ['id', 'name', 'email', 'vip', 'massMailing', 'disqualified'] : ['id', 'firstName', 'lastName', 'email', 'vip', 'massMailing', 'disqualified'];
  const rows = (await em
    .createQueryBuilder(recipientSchemas[type] as never)
    .select(fields as never)
    .where(recipientWhere(type, filter, null) as never)
    .orderBy({ id: 'asc' } as never)
    .execute('all')) as Record<string, unknown>[];

  const excluded = { notYours: selection.ids ? new Set(selection.ids).size - rows.length : 0, noEmail: 0, invalidEmail: 0, optedOut: 0, disqualified: 0, suppressed: 0, duplicate: 0 };
  const kept: Candidate[] = [];
  for (const r of rows) {
    const email = typeof r.email === 'string' ? r.email.trim().toLowerCase() : '';
    if (!email) excluded.noEmail++;
    else if (!isEmail(email)) excluded.invalidEmail++;
    else if (!r.massMailing) excluded.optedOut++;
    else if (r.disqualified) excluded.disqualified++;
    else {
      const name = type === 'company' ? String(r.name) : [r.firstName, r.lastName].filter(Boolean).join(' ');
      kept.push({ recipientId: Number(r.id), email, name, vip: Boolean(r.vip) });
    }
  }
  const suppressed = new Set<string>();
  const knex = knexOf(em);
  for (let i = 0; i < kept.length; i += 1000) {
    const found = await knex('suppressions').whereIn('email', kept.slice(i, i + 1000).map((c) => c.email)).select('email');
    for (const f of found) suppressed.add(f.email);
  }
  const seen = new Set<string>();
  const eligible: Candidate[] = [];
  for (const c of kept) {
    if (suppressed.has(c.email)) excluded.suppressed++;
    else if (seen.has(c.email)) excluded.duplicate++;
    else {
      seen.add(c.email);
      eligible.push(c);
    }
  }
  return { selected: rows.length + excluded.notYours, eligible, excluded };
}

interface Plan {
  report: Preflight;
  eligible: Candidate[];
  routes: (number | null)[];
}

/** Everything a request would do, without writing: one plan per recipient type. */
export async function planMailings(em: Em, actor: Actor, request: MailingRequest, settings: Settings, now: Date): Promise<{ message: Message | null; signature: Signature | null; plans: Plan[] }> {
  const message = await em.findOne(MessageSchema, { id: request.messageId });
  const visibleMessage = message && canSee(actor, { ownerId: message.owner.id, departmentId: message.department.id }) ? message : null;
  const signatureId = request.signatureId === undefined ? (visibleMessage?.signature?.id ?? null) : request.signatureId;
  const signature = signatureId ? await em.findOne(SignatureSchema, { id: signatureId, owner: actor.id }) : null;
  const accounts = (await em.find(EmailAccountSchema, { owner: actor.id }, { orderBy: { id: 'asc' } })) as EmailAccount[];
  const calendar = { windowStart: settings.windowStart, windowEnd: settings.windowEnd, businessDays: settings.businessDays };

  let used: string[] = [];
  let templateError: string | null = null;
  if (visibleMessage) {
    try {
      used = usedVariables({ subject: visibleMessage.subject, html: visibleMessage.html, text: visibleMessage.text ?? null });
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      templateError = `The message does not parse: ${err.message}`;
    }
  }

  const plans: Plan[] = [];
  for (const type of RECIPIENT_TYPES) {
    const selection = request.selections[type];
    if (!selection) continue;
    const errors: string[] = [];
    const warnings: string[] = [];
    if (!visibleMessage) errors.push(`Message ${request.messageId} not found`);
    if (templateError) errors.push(templateError);
    if (signatureId && !signature) errors.push(`Signature ${signatureId} is not one of yours`);
    const unknown = unknownVariables(used, type);
    if (unknown.length) errors.push(`The message uses ${unknown.map((u) => `{{ ${u} }}`).join(', ')}, which ${type === 'company' ? 'companies' : `${type}s`} do not have`);
    if (visibleMessage && !signature) warnings.push('The message has no signature');
    if (visibleMessage && !used.includes('unsubscribe_url')) warnings.push('The message has no {{ unsubscribe_url }}: an unsubscribe footer will be added');

    const { selected, eligible, excluded } = await candidates(em, actor, type, selection);
    const routable = accounts.map((a) => ({ id: a.id, main: a.main, usable: usable(a) }));
    const routes = route(eligible, routable);
    if (!accounts.some(usable)) errors.push('You have no e-mail account that can send (add one, or enable one for mass mailing)');
    else {
      const unroutable = routes.filter((r) => r.accountId === null).length;
      if (unroutable) errors.push(`${unroutable} non-VIP recipients need a regular (non-main) account that can send`);
    }
    if (eligible.length === 0) errors.push('No recipient can be mailed: everyone selected is excluded');

    const allocation: Preflight['allocation'] = [];
    let finish: DateTime | null = null;
    for (const account of accounts) {
      const count = routes.filter((r) => r.accountId === account.id).length;
      const local = DateTime.fromJSDate(now, { zone: accountZone(account, settings) });
      const sentToday = await ledgerRepository.sentSince(em, account.id, dayStart(local).toJSDate());
      const pace = { dailyLimit: account.dailyLimit, sentToday };
      allocation.push({ accountId: account.id, name: account.name, main: account.main, recipients: count, light: light({ ...account, healthReason: account.healthReason ?? null }, maySend(local, pace, calendar)) });
      const done = usable(account) ? eta(local, pace, calendar, count) : null;
      if (done && (!finish || done > finish)) finish = done;
    }
    plans.push({
      eligible,
      routes: routes.map((r) => r.accountId),
      report: {
        recipientType: type, selected, recipients: eligible.length, vipRecipients: eligible.filter((e) => e.vip).length,
        excluded, allocation, eta: finish?.toUTC().toISO() ?? null, errors, warnings,
      },
    });
  }
  return { message: visibleMessage, signature, plans };
}

/**
 * Creates one mailing per recipient type when no plan has an error: the mailing row and its
 * ledger (bulk-inserted) in one transaction. Returns the reports either way.
 */
export async function createMailings(em: Em, actor: Actor, request: MailingRequest, settings: Settings, now: Date) {
  const { message, signature, plans } = await planMailings(em, actor, request, settings, now);
  const reports = plans.map((p) => p.report);
  if (!message || plans.length === 0 || reports.some((r) => r.errors.length)) return { mailings: [] as Mailing[], reports };
  const mailings = await em.transactional(async (tx) => {
    const created: Mailing[] = [];
    for (const plan of plans) {
      const type = plan.report.recipientType;
      const mailing = tx.create(MailingSchema, {
        name: request.name?.trim() || `${message.name} · ${type === 'company' ? 'companies' : `${type}s`}`,
        recipientType: type, status: request.start, message, signature,
        owner: tx.getReference(UserSchema, actor.id), department: tx.getReference(DepartmentSchema, actor.departmentId!),
        vip: plan.report.vipRecipients > 0, total: plan.eligible.length,
      });
      await tx.flush();
      await ledgerRepository.insert(
        tx,
        plan.eligible.map((c, i) => ({ mailingId: mailing.id, recipientId: c.recipientId, email: c.email, name: c.name, vip: c.vip, accountId: plan.routes[i], state: 'pending' as const })),
        now,
      );
      const ex = plan.report.excluded;
      const skipped = (Object.entries(ex) as [keyof Preflight['excluded'], number][]).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${EXCLUSION_WORDS[k]}`).join(', ');
      tx.create(MailingEventSchema, { mailing, at: now, level: 'info', kind: 'created', text: `Created with ${plan.eligible.length} recipients${skipped ? `; excluded: ${skipped}` : ''}` });
      for (const w of plan.report.warnings) tx.create(MailingEventSchema, { mailing, at: now, level: 'warning', kind: 'preflight', text: w });
      created.push(mailing);
    }
    await tx.flush();
    return created;
  });
  return { mailings, reports };
}
