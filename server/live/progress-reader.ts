import { DateTime } from 'luxon';
import type { Em } from '../db/orm.js';
import { knexOf } from '../db/repositories/ledger.repository.js';
import { dayStart } from '../domain/business-days.js';
import type { MailingStatus } from '../domain/mailing-status.js';
import { completion } from '../domain/completion.js';
import type { MailingProgressV1 } from './protocol.js';

export type Progress = Omit<MailingProgressV1, 'at'>;

/**
 * Reads a mailing's counters for a progress push in one query, since it runs up to 4 times a
 * second per mailing while the engine keeps the database busy. "Sent today" counts from the
 * start of the day in the organisation's time zone, which the same query returns: the start is
 * computed from the zone the previous read saw, and the query runs again in the rare case the
 * zone changed in between.
 */
export function progressReader() {
  let zone = 'UTC';

  const query = (em: Em, mailingId: number, since: Date) => {
    const knex = knexOf(em);
    return knex('mailings as m')
      .where('m.id', mailingId)
      .first(
        'm.status', 'm.total', 'm.sent_count', 'm.failed_count', 'm.skipped_count', 'm.uncertain_count', 'm.department_id', 'm.owner_id',
        knex('settings').where('id', 1).select('time_zone').as('time_zone'),
        knex('mailing_recipients as r').whereRaw('r.mailing_id = m.id').andWhere('r.state', 'sent').andWhere('r.sent_at', '>=', since).count('*').as('sent_today'),
      );
  };

  return async function read(em: Em, mailingId: number, now: Date): Promise<Progress | null> {
    const since = (z: string) => dayStart(DateTime.fromJSDate(now, { zone: z })).toJSDate();
    let m = await query(em, mailingId, since(zone));
    if (m && m.time_zone && m.time_zone !== zone) {
      zone = m.time_zone;
      m = await query(em, mailingId, since(zone));
    }
    if (!m) return null;
    const [total, sent, skipped] = [Number(m.total), Number(m.sent_count), Number(m.skipped_count)];
    return {
      mailingId, departmentId: Number(m.department_id), ownerId: Number(m.owner_id), status: m.status as MailingStatus, total, sent, failed: Number(m.failed_count),
      skipped, uncertain: Number(m.uncertain_count), completion: completion({ total, sent, skipped }), sentToday: Number(m.sent_today),
    };
  };
}
