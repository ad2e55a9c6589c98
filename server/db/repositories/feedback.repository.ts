import type { Knex } from '@mikro-orm/knex';
import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';
import { FeedbackEventSchema } from '../entities/feedback-event.entity.js';
import { LIVE_STATUSES } from '../../domain/mailing-status.js';
import { overrides, type RecipientFeedback } from '../../domain/recipient-states.js';
import type { FeedbackKind } from '../../domain/feedback.js';
import type { RecipientType } from '../../domain/recipient-types.js';
import type { RecentSends } from '../../domain/account-protection.js';
import { T, queued, bump } from './ledger/rows.js';

/**
 * What the mailbox intake reads and writes: the ledger rows an incoming message is about, their
 * feedback (with the mailing's counters), the history in feedback_events, and the rates the
 * account's protection is judged by. Every change runs in the caller's transaction.
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

const first = (rows: Record<string, unknown>[]) => (rows.length ? toTarget(rows[0]) : null);

export const feedbackRepository = {
  /**
   * Records one message's verdict about one address. False when it was recorded before (the same
   * message read again after a crash or a UIDVALIDITY change): the caller then does nothing more.
   */
  async record(em: Em, e: NewFeedbackEvent, now: Date): Promise<boolean> {
    // The unique key decides, as for suppressions: the driver's affected rows say whether it was new, on either dialect.
    const result = await em
      .createQueryBuilder(FeedbackEventSchema)
      .insert({
        account: e.accountId, messageKey: e.messageKey, kind: e.kind, email: e.email, recipientRow: e.recipientRow, mailing: e.mailingId,
        status: e.status, note: e.note, folder: e.folder, uid: e.uid, sentAt: e.sentAt, createdAt: now,
      })
      .onConflict(['account', 'messageKey', 'email'])
      .ignore()
      .execute('run');
    return result.affectedRows > 0;
  },

  /** The owner's ledger row a message refers to by one of its Message-IDs (ours are unique: one row each). */
  async byMessageId(em: Em, ownerId: number, messageIds: string[]): Promise<FeedbackTarget | null> {
    if (!messageIds.length) return null;
    return first(await targets(knexOf(em)).whereIn('r.message_id', messageIds.slice(0, 50)).andWhere('m.owner_id', ownerId).orderBy('r.id', 'desc').limit(1));
  },

  /**
   * The latest row this account sent to the address between `since` and `until`: a message naming
   * no Message-ID of ours. `mailingId` (the List-Id a bounce names, a stranger's word) only picks
   * among those rows.
   */
  async latestSentTo(em: Em, accountId: number, email: string, since: Date, until: Date, mailingId: number | null = null): Promise<FeedbackTarget | null> {
    const q = targets(knexOf(em)).where({ 'r.email': email, 'r.account_id': accountId }).whereIn('r.state', ['sent', 'uncertain']).whereBetween('r.sent_at', [since, until]);
    if (mailingId !== null) q.andWhere('r.mailing_id', mailingId);
    return first(await q.orderBy('r.sent_at', 'desc').limit(1));
  },

  /**
   * Gives the row this feedback when it is stronger than what the row has (a reply after a soft
   * bounce says the message arrived after all), moving the mailing's counters with it. The row is
   * read locked, so two messages about one row count once. True when the row changed.
   */
  async setFeedback(em: Em, rowId: number, next: RecipientFeedback, fields: { status: string | null; note: string | null; at: Date }): Promise<boolean> {
    const knex = knexOf(em);
    const row = await knex(T).where({ id: rowId }).forUpdate().first('mailing_id', 'feedback');
    if (!row) return false;
    const current = (row.feedback as RecipientFeedback | null) ?? null;
    if (!overrides(next, current)) return false;
    await knex(T).where({ id: rowId }).update({ feedback: next, feedback_at: fields.at, feedback_status: fields.status, feedback_note: fields.note });
    const [from, to] = [current && COUNTER[current], COUNTER[next]];
    if (from !== to) {
      const changes: Record<string, Knex.Raw> = {};
      if (from) changes[from] = knex.raw('?? - 1', [from]);
      if (to) changes[to] = knex.raw('?? + 1', [to]);
      await knex('mailings').where({ id: Number(row.mailing_id) }).update(changes);
    }
    return true;
  },

  /**
   * How often the address soft-bounced, and when first (every account's mailbox counts). By
   * message: accounts that read one mailbox (aliases) each record the same bounce.
   */
  async softBounces(em: Em, email: string): Promise<{ count: number; first: Date | null }> {
    const r = await knexOf(em)('feedback_events').where({ email, kind: 'soft_bounce' }).first(knexOf(em).raw('count(distinct message_key) as n'), knexOf(em).raw('min(created_at) as first'));
    return { count: Number(r?.n ?? 0), first: r?.first ? new Date(r.first) : null };
  },

  /** Over the account's latest `window` sends: how many, and how many of them got this feedback. */
  async recentSends(em: Em, accountId: number, window: number, feedback: RecipientFeedback): Promise<RecentSends> {
    const knex = knexOf(em);
    const latest = knex(T).where({ account_id: accountId, state: 'sent' }).orderBy('sent_at', 'desc').limit(window).select('feedback');
    const r = await knex.from(latest.as('l')).first(knex.raw('count(*) as sends'), knex.raw('sum(case when l.feedback = ? then 1 else 0 end) as events', [feedback]));
    return { sends: Number(r?.sends ?? 0), events: Number(r?.events ?? 0) };
  },

  /**
   * Skips what the owner's unfinished mailings still have queued for these addresses (someone
   * who replied is not mailed again), with the reason as the rows' last reply. Returns how many
   * rows of each mailing were skipped.
   */
  async stopAddresses(em: Em, ownerId: number, emails: string[], reason: string, now: Date): Promise<Map<number, number>> {
    const knex = knexOf(em);
    const stopped = new Map<number, number>();
    if (!emails.length) return stopped;
    const live = knex('mailings').where('owner_id', ownerId).whereIn('status', LIVE_STATUSES).select('id');
    const rows: { id: number; mailing_id: number }[] = await knex(T).whereIn('mailing_id', live).whereIn('email', emails).andWhere(queued).forUpdate().select('id', 'mailing_id');
    for (const r of rows) stopped.set(Number(r.mailing_id), (stopped.get(Number(r.mailing_id)) ?? 0) + 1);
    if (!rows.length) return stopped;
    await knex(T).whereIn('id', rows.map((r) => Number(r.id))).andWhere(queued).update({ state: 'skipped', last_reply: reason, lease_until: null, updated_at: now });
    for (const [mailingId, n] of stopped) await bump(knex, mailingId, 'skipped', n);
    return stopped;
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
