import type { Knex } from '@mikro-orm/knex';
import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';
import { LIVE_STATUSES } from '../../domain/mailing-status.js';
import type { RecipientFeedback } from '../../domain/recipient-states.js';
import type { FeedbackKind } from '../../domain/feedback.js';
import type { RecipientType } from '../../domain/recipient-types.js';
import type { RecentSends } from '../../domain/account-protection.js';
import { T, CHUNK, queued, bump } from './ledger/rows.js';
import { locked } from './locked.js';
import type { RecipientOutcome } from '../../domain/recipient-outcomes.js';

/**
 * What the mailbox intake reads and writes: the ledger rows an incoming message is about, their
 * feedback (with the mailing's counters), the history in feedback_events, and the rates the
 * account's protection is judged by. Every change runs in the caller's transaction, a page of
 * messages at a time: each read and write takes the whole page in one statement.
 */

/** A ledger row an incoming message was matched to, with what acting on it needs. */
export interface FeedbackTarget {
  id: number;
  mailingId: number;
  email: string;
  feedback: RecipientFeedback | null;
  recipientId: number;
  recipientType: RecipientType;
  ownerId: number;
  departmentId: number;
  stopCompanyOnReply: boolean;
}

export interface NewFeedbackEvent {
  accountId: number;
  messageKey: string;
  kind: FeedbackKind;
  email: string;
  recipientRow: number | null;
  mailingId: number | null;
  status: string | null;
  note: string | null;
  folder: string;
  uid: number | null;
  sentAt: Date | null;
}

/** The mailing counter each feedback counts in (auto-replies count in none). */
const COUNTER: Record<RecipientFeedback, string | null> = {
  bounced: 'bounced_count',
  soft_bounced: 'bounced_count',
  complained: 'complained_count',
  replied: 'replied_count',
  auto_replied: null,
};

function targets(knex: Knex) {
  return knex(`${T} as r`)
    .join('mailings as m', 'm.id', 'r.mailing_id')
    .select('r.id', 'r.mailing_id', 'r.email', 'r.feedback', 'r.recipient_id', 'm.recipient_type', 'm.owner_id', 'm.department_id', 'm.stop_company_on_reply');
}

function toTarget(r: Record<string, unknown>): FeedbackTarget {
  return {
    id: Number(r.id), mailingId: Number(r.mailing_id), email: String(r.email), feedback: (r.feedback as RecipientFeedback | null) ?? null,
    recipientId: Number(r.recipient_id), recipientType: r.recipient_type as RecipientType, ownerId: Number(r.owner_id), departmentId: Number(r.department_id),
    stopCompanyOnReply: Boolean(Number(r.stop_company_on_reply)),
  };
}

/** A row this account sent an address, and when. */
export interface SentTarget extends FeedbackTarget {
  sentAt: Date;
}

/** A row's feedback moving from `from` to `to` (stronger), with the message's words for it. */
export interface FeedbackChange {
  id: number;
  mailingId: number;
  from: RecipientFeedback | null;
  to: RecipientFeedback;
  status: string | null;
  note: string | null;
}

/** `case id when … then … end`: one statement gives each row its own value. */
const perRow = (knex: Knex, values: [number, string | null][]) => knex.raw(`case ?? ${values.map(() => 'when ? then ?').join(' ')} end`, ['id', ...values.flat()]);

/** A feedback event's identity within the account: the message and the address. */
export const eventKey = (messageKey: string, email: string) => `${messageKey} ${email.toLowerCase()}`;

const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

export const feedbackRepository = {
  /**
   * Records the page's verdicts; returns the keys (`eventKey`) of those not recorded before (the
   * first of the page's copies of one). A message read again (after a crash, or a UIDVALIDITY
   * change) is recognised by the unique key, and the caller does nothing more for it. The keys are
   * read locked first, so what this says is new is new, whatever else writes at the same time.
   */
  async recordAll(em: Em, events: NewFeedbackEvent[], now: Date): Promise<Set<string>> {
    const knex = knexOf(em);
    const distinct = new Map<string, NewFeedbackEvent>();
    for (const e of events) if (!distinct.has(eventKey(e.messageKey, e.email))) distinct.set(eventKey(e.messageKey, e.email), e);
    const known = new Set<string>();
    for (const chunk of chunks([...distinct.values()])) {
      const q = knex('feedback_events').whereIn('account_id', [...new Set(chunk.map((e) => e.accountId))]).whereIn('message_key', [...new Set(chunk.map((e) => e.messageKey))]).select('message_key', 'email');
      for (const r of await locked(knex, q)) known.add(eventKey(String(r.message_key), String(r.email)));
    }
    const fresh = [...distinct].filter(([key]) => !known.has(key));
    for (const chunk of chunks(fresh)) {
      await knex('feedback_events').insert(chunk.map(([, e]) => ({
        account_id: e.accountId, message_key: e.messageKey, kind: e.kind, email: e.email, recipient_row: e.recipientRow, mailing_id: e.mailingId,
        status: e.status, note: e.note, folder: e.folder, uid: e.uid, sent_at: e.sentAt, created_at: now,
      })));
    }
    return new Set(fresh.map(([key]) => key));
  },

  /** The owner's ledger rows these Message-IDs name (ours are unique: one row each), by lower-cased Message-ID. */
  async byMessageIds(em: Em, ownerId: number, messageIds: string[]): Promise<Map<string, FeedbackTarget>> {
    const found = new Map<string, FeedbackTarget>();
    for (const chunk of chunks([...new Set(messageIds)])) {
      for (const r of await targets(knexOf(em)).select('r.message_id').whereIn('r.message_id', chunk).andWhere('m.owner_id', ownerId)) found.set(String(r.message_id).toLowerCase(), toTarget(r));
    }
    return found;
  },

  /**
   * The rows this account sent to these addresses between `since` and `until`, with when: for
   * messages naming no Message-ID of ours, each picks among its address's rows.
   */
  async sentTo(em: Em, accountId: number, emails: string[], since: Date, until: Date): Promise<SentTarget[]> {
    const found: SentTarget[] = [];
    for (const chunk of chunks([...new Set(emails)])) {
      const rows = await targets(knexOf(em)).select('r.sent_at').whereIn('r.email', chunk).andWhere('r.account_id', accountId).whereIn('r.state', ['sent', 'uncertain']).whereBetween('r.sent_at', [since, until]);
      for (const r of rows) found.push({ ...toTarget(r), sentAt: new Date(r.sent_at) });
    }
    return found;
  },

  /**
   * The rows' feedback, read locked: the page decides what each message changes from it, and two
   * messages about one row (in this page or another intake's) count once.
   */
  async feedbackOf(em: Em, rowIds: number[]): Promise<Map<number, RecipientFeedback | null>> {
    const feedback = new Map<number, RecipientFeedback | null>();
    for (const chunk of chunks([...new Set(rowIds)])) {
      for (const r of await locked(knexOf(em), knexOf(em)(T).whereIn('id', chunk).select('id', 'feedback'))) feedback.set(Number(r.id), (r.feedback as RecipientFeedback | null) ?? null);
    }
    return feedback;
  },

  /** Gives the rows their new feedback (one statement a feedback) and moves each mailing's counters once. */
  async setFeedbacks(em: Em, changes: FeedbackChange[], at: Date): Promise<void> {
    const knex = knexOf(em);
    const byFeedback = new Map<RecipientFeedback, FeedbackChange[]>();
    const counters = new Map<number, Map<string, number>>();
    const count = (mailingId: number, column: string | null, by: number) => {
      if (!column) return;
      const m = counters.get(mailingId) ?? counters.set(mailingId, new Map()).get(mailingId)!;
      m.set(column, (m.get(column) ?? 0) + by);
    };
    for (const c of changes) {
      byFeedback.set(c.to, [...(byFeedback.get(c.to) ?? []), c]);
      count(c.mailingId, c.from && COUNTER[c.from], -1);
      count(c.mailingId, COUNTER[c.to], 1);
    }
    for (const [feedback, rows] of byFeedback) {
      for (const chunk of chunks(rows)) {
        await knex(T).whereIn('id', chunk.map((c) => c.id)).update({
          feedback, feedback_at: at, feedback_status: perRow(knex, chunk.map((c) => [c.id, c.status])), feedback_note: perRow(knex, chunk.map((c) => [c.id, c.note])),
        });
      }
    }
    for (const [mailingId, columns] of counters) {
      const changed = [...columns].filter(([, by]) => by !== 0);
      if (changed.length) await knex('mailings').where({ id: mailingId }).update(Object.fromEntries(changed.map(([column, by]) => [column, knex.raw('?? + ?', [column, by])])));
    }
  },

  /**
   * How often each address soft-bounced, and when first (every account's mailbox counts). By
   * message: accounts that read one mailbox (aliases) each record the same bounce.
   */
  async softBounces(em: Em, emails: string[]): Promise<Map<string, { count: number; first: Date | null }>> {
    const knex = knexOf(em);
    const history = new Map<string, { count: number; first: Date | null }>();
    for (const chunk of chunks([...new Set(emails)])) {
      const rows = await knex('feedback_events').whereIn('email', chunk).andWhere('kind', 'soft_bounce').groupBy('email').select('email', knex.raw('count(distinct message_key) as n'), knex.raw('min(created_at) as first'));
      for (const r of rows) history.set(String(r.email).toLowerCase(), { count: Number(r.n ?? 0), first: r.first ? new Date(r.first) : null });
    }
    return history;
  },

  /** Over the account's latest `window` sends: how many, and how many of them got this feedback. */
  async recentSends(em: Em, accountId: number, window: number, feedback: RecipientFeedback): Promise<RecentSends> {
    const knex = knexOf(em);
    const latest = knex(T).where({ account_id: accountId, state: 'sent' }).orderBy('sent_at', 'desc').limit(window).select('feedback');
    const r = await knex.from(latest.as('l')).first(knex.raw('count(*) as sends'), knex.raw('sum(case when l.feedback = ? then 1 else 0 end) as events', [feedback]));
    return { sends: Number(r?.sends ?? 0), events: Number(r?.events ?? 0) };
  },

  /** What the owner's unfinished mailings still have queued for these addresses, read locked. */
  async queuedFor(em: Em, ownerId: number, emails: string[]): Promise<{ id: number; mailingId: number; email: string }[]> {
    const knex = knexOf(em);
    const found: { id: number; mailingId: number; email: string }[] = [];
    const live = () => knex('mailings').where('owner_id', ownerId).whereIn('status', LIVE_STATUSES).select('id');
    for (const chunk of chunks([...new Set(emails)])) {
      const rows = await locked(knex, knex(T).whereIn('mailing_id', live()).whereIn('email', chunk).andWhere(queued).select('id', 'mailing_id', 'email'));
      for (const r of rows) found.push({ id: Number(r.id), mailingId: Number(r.mailing_id), email: String(r.email) });
    }
    return found;
  },

  /**
   * Skips queued rows (someone who replied is not mailed again), each with its outcome, and
   * moves each mailing's counters once.
   */
  async skipQueued(em: Em, rows: { id: number; mailingId: number; outcome: RecipientOutcome }[], now: Date): Promise<void> {
    const knex = knexOf(em);
    for (const chunk of chunks(rows)) {
      await knex(T).whereIn('id', chunk.map((r) => r.id)).andWhere(queued).update({ state: 'skipped', last_reply: null, outcome: perRow(knex, chunk.map((r) => [r.id, JSON.stringify(r.outcome)])), lease_until: null, updated_at: now });
    }
    const perMailing = new Map<number, number>();
    for (const r of rows) perMailing.set(r.mailingId, (perMailing.get(r.mailingId) ?? 0) + 1);
    for (const [mailingId, n] of perMailing) await bump(knex, mailingId, 'skipped', n);
  },

  /**
   * The addresses of everyone at the recipient's company, the recipient's own included: the
   * company and its contacts (for a company or a contact), or the owner's leads of the same
   * company name (leads name their company as text). At most `limit`.
   */
  async companyAddresses(em: Em, target: Pick<FeedbackTarget, 'recipientType' | 'recipientId' | 'ownerId' | 'email'>, limit = 1000): Promise<string[]> {
    const knex = knexOf(em);
    const emails = new Set([target.email]);
    const add = (rows: { email: string | null }[]) => rows.forEach((r) => r.email && emails.add(r.email.toLowerCase()));
    if (target.recipientType === 'lead') {
      const lead = await knex('leads').where({ id: target.recipientId }).first('company_name');
      if (lead?.company_name) add(await knex('leads').where({ owner_id: target.ownerId }).andWhereRaw('lower(company_name) = lower(?)', [lead.company_name]).limit(limit).select('email'));
      return [...emails];
    }
    const companyId = target.recipientType === 'company' ? target.recipientId : (await knex('contacts').where({ id: target.recipientId }).first('company_id'))?.company_id;
    if (companyId == null) return [...emails];
    add(await knex('companies').where({ id: companyId }).select('email'));
    add(await knex('contacts').where({ company_id: companyId }).limit(limit).select('email'));
    return [...emails];
  },
};
