import type { Em } from '../../orm.js';
import { knexOf } from '../../knex.js';
import type { RecipientFeedback, RecipientState } from '../../../domain/recipient-states.js';
import { SENDING_STATUSES } from '../../../domain/mailing-status.js';
import { T, ledgerThrough, claimIndex } from './rows.js';

/**
 * Counts: what the daily limits, the progress view and the reconcile job read from the ledger.
 */
export const ledgerCounts = {
  /**
   * What counts against the account's daily limit since `since` (the start of its day): sent
   * messages, and those in flight or uncertain, which the server may well have accepted.
   */
  async sentSince(em: Em, accountId: number, since: Date): Promise<number> {
    return (await ledgerCounts.sentSinceByAccount(em, [accountId], since)).get(accountId) ?? 0;
  },

  /** `sentSince` for many accounts whose day starts at the same instant, in two grouped queries. */
  async sentSinceByAccount(em: Em, accountIds: number[], since: Date): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    if (!accountIds.length) return counts;
    const knex = knexOf(em);
    // Indexes named: a company manager's list page asks for a hundred accounts or more, and MariaDB
    // then spends longer estimating every index for each of them than reading the one that serves.
    const sent = knex.from(ledgerThrough(knex, 'mailing_recipients_account_id_state_sent_at_index')).whereIn('r.account_id', accountIds).andWhere('r.state', 'sent').andWhere('r.sent_at', '>=', since).groupBy('r.account_id').select('r.account_id').count({ n: '*' });
    const maybe = knex.from(claimIndex(knex)).whereIn('r.account_id', accountIds).whereIn('r.state', ['sending', 'uncertain']).andWhere('r.updated_at', '>=', since).groupBy('r.account_id').select('r.account_id').count({ n: '*' });
    for (const rows of await Promise.all([sent, maybe])) {
      for (const r of rows as { account_id: number; n: number | string }[]) counts.set(Number(r.account_id), (counts.get(Number(r.account_id)) ?? 0) + Number(r.n));
    }
    return counts;
  },

  /** Counts by state (with pending split into due now and waiting for a retry), and by the feedback of the recipients' mailboxes. */
  async progress(em: Em, mailingId: number, now: Date) {
    const knex = knexOf(em);
    const rows = await knex(T).where({ mailing_id: mailingId }).groupBy('state').select('state').count({ n: '*' });
    const counts: Record<RecipientState | 'retrying', number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0, uncertain: 0, retrying: 0 };
    for (const r of rows as { state: RecipientState; n: number | string }[]) counts[r.state] = Number(r.n);
    const retrying = await knex(T).where({ mailing_id: mailingId, state: 'pending' }).andWhere('due_at', '>', now).count({ n: '*' }).first();
    counts.retrying = Number(retrying?.n ?? 0);
    // Through the (mailing, feedback) index: only the rows that have feedback are read.
    const byFeedback = await knex(T).where({ mailing_id: mailingId }).whereNotNull('feedback').groupBy('feedback').select('feedback').count({ n: '*' });
    const feedback: Record<RecipientFeedback, number> = { bounced: 0, soft_bounced: 0, complained: 0, replied: 0, auto_replied: 0 };
    for (const r of byFeedback as { feedback: RecipientFeedback; n: number | string }[]) feedback[r.feedback] = Number(r.n);
    return { ...counts, feedback };
  },

  /** How many recipients of a mailing each account still has to send. */
  async pendingByAccount(em: Em, mailingId: number): Promise<Map<number, number>> {
    const rows = await knexOf(em)(T).where({ mailing_id: mailingId, state: 'pending' }).whereNotNull('account_id').groupBy('account_id').select('account_id').count({ n: '*' });
    return new Map((rows as { account_id: number; n: number | string }[]).map((r) => [Number(r.account_id), Number(r.n)]));
  },

  /**
   * The accounts with a pending row in a running mailing (the reconcile job makes sure each has its job). Asked per account for one such row through
   * the claim index: joining every pending row to its mailing read them all, a million at a time.
   */
  async accountsWithWork(em: Em): Promise<number[]> {
    const knex = knexOf(em);
    const live = await knex('mailings').whereIn('status', SENDING_STATUSES).pluck('id');
    if (!live.length) return [];
    const rows = await knex('email_accounts as a')
      .whereExists(knex.from(claimIndex(knex)).whereRaw('r.account_id = a.id').andWhere('r.state', 'pending').whereIn('r.mailing_id', live).select(knex.raw('1')))
      .select('a.id');
    return rows.map((r) => Number(r.id));
  },

  /**
   * A mailing's counters for a progress push, in one query (it runs up to 4 times a second per
   * mailing), with the organisation's time zone, the rows sent before `since` unless the caller
   * has them already (`counted`), and the latest restart since `since` (`restart_mark`), which
   * may have taken some of those rows back. See progress-reader for why both are asked.
   */
  progressRow(em: Em, mailingId: number, since: Date, counted: boolean) {
    const knex = knexOf(em);
    const sent = () => knex('mailing_recipients as r').whereRaw('r.mailing_id = m.id').andWhere('r.state', 'sent');
    // A restart notes itself (operations.restart): as 'restart' while paused, else as the status
    // change to active it makes (a resume notes that too, and costs one recount). Only today's
    // notes of the mailing are read, through its (mailing, at) index.
    const restarts = knex('mailing_events as e').whereRaw('e.mailing_id = m.id').andWhere('e.at', '>=', since).whereIn('e.kind', ['restart', 'status_active']).max('e.id');
    return knex('mailings as m')
      .where('m.id', mailingId)
      .first(
        'm.status', 'm.total', 'm.sent_count', 'm.failed_count', 'm.skipped_count', 'm.uncertain_count', 'm.department_id', 'm.owner_id',
        'm.bounced_count', 'm.complained_count', 'm.replied_count',
        knex('settings').where('id', 1).select('time_zone').as('time_zone'),
        counted ? knex.raw('null as sent_before') : sent().andWhere('r.sent_at', '<', since).count('*').as('sent_before'),
        restarts.as('restart_mark'),
      );
  },
};
