import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';
import { healthDetailOf, noteParamsOf, statusDetailOf } from './note-params.js';
import { LIVE_STATUSES } from '../../domain/mailing-status.js';

/**
 * What the live relay of a web-only process reads of what the worker committed: new
 * notifications and mailbox feedback, the counters and statuses of mailings that are live or just
 * finished, and every account's and inbox's health. Plain rows: the relay polls twice a second and only
 * compares them.
 */
/** Which rows of a table to read: those after the last id read, and ids passed over that may have committed since. */
export interface NewRows {
  after: number;
  missing: number[];
}

export const relayRepository = {
  /** The newest notification's id (0 when there is none): where the relay starts reading. */
  async lastEventId(em: Em): Promise<number> {
    return Number((await knexOf(em)('mailing_events').max({ id: 'id' }).first())?.id ?? 0);
  },

  /** Up to 500 notifications after `after` or among `missing` (ids passed over, maybe committed since), oldest first, with their mailing's department and owner. */
  async eventsAfter(em: Em, { after, missing }: NewRows) {
    const knex = knexOf(em);
    const rows = await knex('mailing_events as e').join('mailings as m', 'm.id', 'e.mailing_id').where((w) => w.where('e.id', '>', after).orWhereIn('e.id', missing)).orderBy('e.id').limit(500)
      .select('e.id', 'e.mailing_id', 'e.level', 'e.kind', 'e.params', 'e.text', 'e.at', 'm.department_id', 'm.owner_id');
    return rows.map((r) => ({ ...r, params: noteParamsOf(r.params) }));
  },

  /** The newest feedback event's id (0 when there is none): where the relay starts reading. */
  async lastFeedbackId(em: Em): Promise<number> {
    return Number((await knexOf(em)('feedback_events').max({ id: 'id' }).first())?.id ?? 0);
  },

  /**
   * Up to 500 feedback events after `after` or among `missing`, oldest first, each with the ledger row it was
   * matched to as the row now is (its strongest feedback) and the row's mailing's department and
   * owner; null there for an event matched to no row. Feedback arrives long after a mailing is
   * done, when its counters are no longer followed, so it is read apart from them.
   */
  feedbackAfter(em: Em, { after, missing }: NewRows) {
    const knex = knexOf(em);
    return knex('feedback_events as f')
      .leftJoin('mailing_recipients as r', 'r.id', 'f.recipient_row')
      .leftJoin('mailings as m', 'm.id', 'r.mailing_id')
      .where((w) => w.where('f.id', '>', after).orWhereIn('f.id', missing)).orderBy('f.id').limit(500)
      .select('f.id', 'f.created_at', 'r.id as row_id', 'r.email', 'r.mailing_id', 'r.feedback', 'r.feedback_status', 'r.feedback_note', 'm.department_id', 'm.owner_id');
  },

  /** Mailings live, or finished after `finishedAfter`, with their status and counters. */
  async mailingCounters(em: Em, finishedAfter: Date) {
    const rows = await knexOf(em)('mailings').whereIn('status', LIVE_STATUSES).orWhere('finished_at', '>', finishedAfter)
      .select('id', 'status', 'status_reason', 'status_detail', 'department_id', 'owner_id', 'sent_count', 'failed_count', 'skipped_count', 'uncertain_count', 'bounced_count', 'complained_count', 'replied_count', 'total');
    return rows.map((r) => ({ ...r, status_detail: statusDetailOf(r.status_detail) }));
  },

  async accountHealths(em: Em) {
    const rows = await knexOf(em)('email_accounts').select('id', 'health', 'health_reason', 'health_detail', 'department_id', 'owner_id');
    return rows.map((r) => ({ ...r, health_detail: healthDetailOf(r.health_detail) }));
  },

  /** Every inbox's health, with its account's department and owner. */
  async inboxHealths(em: Em) {
    const rows = await knexOf(em)('inboxes as i').join('email_accounts as a', 'a.id', 'i.account_id').select('a.id', 'i.health', 'i.health_reason', 'i.health_detail', 'a.department_id', 'a.owner_id');
    return rows.map((r) => ({ ...r, health_detail: healthDetailOf(r.health_detail) }));
  },
};
