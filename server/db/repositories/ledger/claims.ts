import type { Knex } from '@mikro-orm/knex';
import type { Em } from '../../orm.js';
import { knexOf } from '../../knex.js';
import { SENDING_STATUSES } from '../../../domain/mailing-status.js';
import { retryOnDeadlock } from '../retry.js';
import { T, isSqlite, claimIndex, heldBy, bump } from './rows.js';
import type { ClaimedRecipient, HeldRow } from './rows.js';
import { ledgerOutcomes } from './outcomes.js';
import type { RecipientOutcome } from '../../../domain/recipient-outcomes.js';

/**
 * Claims: taking due rows for a run, marking each one handed to SMTP, handing back what a run did
 * not start, and expiring the leases of runs that died.
 */
export const ledgerClaims = {
  /**
   * Claims up to `limit` due recipients of this account, all of one mailing: the live mailing
   * that sent least recently (so an owner's mailings share the account in turn), oldest rows
   * first. They move to `sending` in one committed transaction that locks just those rows, so no
   * other worker can hold them too. No Message-ID yet: nothing has been tried (startAttempt marks
   * each row just before its SMTP transaction, and until then cancel and combine treat it as
   * pending). Suppressed addresses are skipped here, so an unsubscribe takes effect from the next claim.
   * `claim` names the claiming run (see ClaimedRecipient.claim).
   */
  async claimBatch(em: Em, accountId: number, now: Date, leaseMs: number, limit: number, claim: string): Promise<ClaimedRecipient[]> {
    const knex = knexOf(em);
    const due = (q: Knex.QueryBuilder) => q.whereNull('r.due_at').orWhere('r.due_at', '<=', now);
    for (let lost = 0; lost < 5; ) {
      // One probe per live mailing on the claim index: no sort over the account's rows.
      const mailing = await knex('mailings as m')
        .whereIn('m.status', SENDING_STATUSES)
        .whereExists(knex.from(claimIndex(knex)).whereRaw('r.mailing_id = m.id').andWhere({ 'r.account_id': accountId, 'r.state': 'pending' }).andWhere(due).select(knex.raw('1')))
        .orderByRaw('m.last_sent_at is not null, m.last_sent_at asc, m.id asc')
        .first('m.id');
      if (!mailing) return [];
      const mailingId = Number(mailing.id);
      // Read without locks; the transaction below locks only these rows, by primary key.
      const candidates = await knex
        .from(claimIndex(knex))
        .where({ 'r.account_id': accountId, 'r.state': 'pending', 'r.mailing_id': mailingId })
        .andWhere(due)
        .orderBy('r.id')
        .limit(limit)
        .select('r.id', 'r.recipient_id', 'r.email', 'r.name', 'r.vip', 'r.attempts', 'r.attempts_before_restart');
      if (!candidates.length) {
        lost++;
        continue;
      }
      const { claimed, skipped } = await retryOnDeadlock(() =>
        knex.transaction(async (trx) => {
          // Rows another worker took meanwhile are no longer pending once their claim commits.
          const lock = trx(T).whereIn('id', candidates.map((c) => c.id)).andWhere('state', 'pending').select('id', 'email');
          const rows = isSqlite(trx) ? await lock : await lock.forUpdate();
          const suppressed = new Set((await trx('suppressions').whereIn('email', rows.map((r) => r.email)).select('email')).map((r) => r.email as string));
          const skip = rows.filter((r) => suppressed.has(r.email)).map((r) => Number(r.id));
          const take = rows.filter((r) => !suppressed.has(r.email)).map((r) => Number(r.id));
          if (skip.length) {
            const n = await trx(T).whereIn('id', skip).update({ state: 'skipped', last_reply: null, outcome: JSON.stringify({ code: 'suppressed' } satisfies RecipientOutcome), updated_at: now });
            await bump(trx, mailingId, 'skipped', n);
          }
          // Guarded by the mailing still being live at this instant (InnoDB locks the mailing row
          // the subquery reads, so a pause, cancel or combine being committed is waited for, and wins).
          const won = take.length
            ? await trx(T)
                .whereIn('id', take)
                .whereExists(trx('mailings').where('mailings.id', mailingId).whereIn('status', SENDING_STATUSES).select(trx.raw('1')))
                .update({ state: 'sending', message_id: null, claimed_by: claim, lease_until: new Date(now.getTime() + leaseMs), attempts: trx.raw('attempts + 1'), updated_at: now })
            : 0;
          return { claimed: won ? new Set(take) : new Set<number>(), skipped: skip.length };
        }),
      );
      // Nothing claimed: the rows were all suppressed (not a lost race, however many in a row),
      // another worker took them, or the mailing stopped meanwhile. Look again.
      if (!claimed.size) {
        if (!skipped) lost++;
        continue;
      }
      return candidates.filter((c) => claimed.has(Number(c.id))).map((c) => ({
        id: Number(c.id), mailingId, recipientId: Number(c.recipient_id), email: c.email, name: c.name ?? null,
        vip: Boolean(c.vip), attempts: Number(c.attempts) + 1, round: Number(c.attempts) + 1 - Number(c.attempts_before_restart), accountId, claim,
      }));
    }
    return [];
  },

  /**
   * Marks a claimed row as handed to SMTP, with its Message-ID, committed before the transaction
   * starts: from here on a crash makes it uncertain. Its lease starts again, so it measures this
   * one transaction, not the wait behind the others of the batch. False when the row moved on
   * meanwhile (cancelled, combined, its claim's lease ran out or another run holds it) or its mailing is no longer
   * live (paused, cancelled, interrupted, combined, by any process): then it must not be sent.
   * The mailing's status is read by the same statement, and InnoDB's read of it in an UPDATE's
   * subquery is a locking one, so a status change being committed is waited for and wins.
   */
  async startAttempt(em: Em, row: HeldRow, messageId: string, now: Date, leaseMs: number): Promise<boolean> {
    const knex = knexOf(em);
    const changed = await retryOnDeadlock(() =>
      knex(T)
        .where({ id: row.id, state: 'sending', claimed_by: row.claim })
        .whereNull('message_id')
        .andWhere('lease_until', '>', now)
        .whereExists(knex('mailings').whereRaw('mailings.id = ??', [`${T}.mailing_id`]).whereIn('mailings.status', SENDING_STATUSES).select(knex.raw('1')))
        .update({ message_id: messageId, lease_until: new Date(now.getTime() + leaseMs), updated_at: now }),
    );
    return changed === 1;
  },

  /**
   * Releases claims without counting an attempt (nothing was accepted: the account or the mailing
   * stopped first). Only rows this claim still holds: a run that outlived its lock must not hand
   * back rows a newer run has claimed since, and may be sending.
   */
  async release(em: Em, claim: string | null, ids: number[], now: Date): Promise<void> {
    if (!ids.length) return;
    const knex = knexOf(em);
    await knex(T).whereIn('id', ids).andWhere('state', 'sending').andWhere(heldBy(claim)).update({ state: 'pending', message_id: null, lease_until: null, claimed_by: null, attempts: knex.raw('attempts - 1'), updated_at: now });
  },

  /**
   * Rows left in `sending` past their lease belong to a worker that died. Those it never started
   * (no Message-ID) go back to the queue; for the others nobody knows whether the server accepted
   * the message, so they become `uncertain`, never resent silently.
   */
  async expireLeases(em: Em, now: Date): Promise<{ id: number; mailingId: number; email: string }[]> {
    const knex = knexOf(em);
    // Claims in flight are few, but found by state alone they cost a scan of the whole ledger (every
    // 30 s, a million rows at a time): read through the claim index, for every account and for the
    // rows whose account was deleted.
    const accounts = await knex('email_accounts').pluck('id');
    const inFlight = (q: Knex.QueryBuilder) => q.andWhere('r.state', 'sending').andWhere('r.lease_until', '<', now).select('r.id', 'r.mailing_id', 'r.email', 'r.message_id', 'r.claimed_by');
    const expiredRows = [
      ...(accounts.length ? await inFlight(knex.from(claimIndex(knex)).whereIn('r.account_id', accounts)) : []),
      ...(await inFlight(knex.from(claimIndex(knex)).whereNull('r.account_id'))),
    ];
    // Each under the claim it was read with: a row claimed again meanwhile is the new run's.
    for (const row of expiredRows.filter((r) => r.message_id === null)) await ledgerClaims.release(em, row.claimed_by, [Number(row.id)], now);
    const stale = expiredRows.filter((r) => r.message_id !== null);
    const expired: { id: number; mailingId: number; email: string }[] = [];
    for (const row of stale) {
      if (await ledgerOutcomes.finish(em, Number(row.id), Number(row.mailing_id), 'sending', 'uncertain', { now, claim: row.claimed_by, outcome: { code: 'worker_stopped' } })) {
        expired.push({ id: Number(row.id), mailingId: Number(row.mailing_id), email: row.email });
      }
    }
    return expired;
  },
};
