import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';
import { LIVE_STATUSES } from '../../domain/mailing-status.js';

/**
 * What the live relay of a web-only process reads of what the worker committed: new
 * notifications, the counters and statuses of mailings that are live or just finished, and every
 * account's health. Plain rows: the relay polls twice a second and only compares them.
 */
export const relayRepository = {
  /** The newest notification's id (0 when there is none): where the relay starts reading. */
  async lastEventId(em: Em): Promise<number> {
    return Number((await knexOf(em)('mailing_events').max({ id: 'id' }).first())?.id ?? 0);
  },

  /** Up to 500 notifications after `afterId`, oldest first, with their mailing's department and owner. */
  eventsAfter(em: Em, afterId: number) {
    const knex = knexOf(em);
    return knex('mailing_events as e').join('mailings as m', 'm.id', 'e.mailing_id').where('e.id', '>', afterId).orderBy('e.id').limit(500)
      .select('e.id', 'e.mailing_id', 'e.level', 'e.kind', 'e.text', 'e.at', 'm.department_id', 'm.owner_id');
  },

  /** Mailings live, or finished after `finishedAfter`, with their status and counters. */
  mailingCounters(em: Em, finishedAfter: Date) {
    return knexOf(em)('mailings').whereIn('status', LIVE_STATUSES).orWhere('finished_at', '>', finishedAfter)
      .select('id', 'status', 'status_reason', 'department_id', 'owner_id', 'sent_count', 'failed_count', 'skipped_count', 'uncertain_count', 'total');
  },

  accountHealths(em: Em) {
    return knexOf(em)('email_accounts').select('id', 'health', 'health_reason', 'department_id', 'owner_id');
  },
};
