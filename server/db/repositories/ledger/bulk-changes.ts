import type { Knex } from '@mikro-orm/knex';
import type { Em } from '../../orm.js';
import { knexOf } from '../../knex.js';
import { LIVE_STATUSES } from '../../../domain/mailing-status.js';
import { FAILED_HEALTH } from '../../../domain/account-health.js';
import { T, CHUNK, queued, bump } from './rows.js';
import type { NewLedgerRow, Unsuccessful } from './rows.js';
import type { RecipientOutcome } from '../../../domain/recipient-outcomes.js';

/**
 * Bulk changes: a mailing's rows written at creation, and moved by restart, cancel, combine and rebind.
 */
export const ledgerBulkChanges = {
  /**
   * Bulk insert in chunks: a 100 000-recipient mailing is ~100 statements, not 100 000. Written
   * as one plain statement with its values in column order, not through knex's insert builder,
   * which copies and sorts every row object: at a million rows that garbage grew the server's
   * heap by another ~40 MB.
   */
  async insert(em: Em, rows: NewLedgerRow[], now: Date): Promise<void> {
    const knex = knexOf(em);
    const columns = ['mailing_id', 'recipient_id', 'email', 'name', 'vip', 'account_id', 'state', 'attempts', 'last_reply', 'updated_at'];
    const row = `(${columns.map(() => '?').join(', ')})`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const values: Knex.Value[] = [];
      for (const r of chunk) values.push(r.mailingId, r.recipientId, r.email, r.name, r.vip, r.accountId, r.state, 0, r.lastReply ?? null, now);
      await knex.raw(`insert into ${T} (${columns.join(', ')}) values ${chunk.map(() => row).join(', ')}`, values);
    }
  },

  async rebind(em: Em, ids: number[], accountId: number, now: Date): Promise<void> {
    const knex = knexOf(em);
    for (let i = 0; i < ids.length; i += CHUNK) {
      await knex(T).whereIn('id', ids.slice(i, i + CHUNK)).andWhere('state', 'pending').update({ account_id: accountId, updated_at: now });
    }
  },

  /**
   * Pending rows of live or paused mailings that their account can no longer take: the account
   * was deleted, switched off, failed, moved to another owner, or is a main account holding a
   * non-VIP recipient.
   */
  async stranded(em: Em, ownerId?: number): Promise<{ id: number; vip: boolean; mailingId: number; ownerId: number }[]> {
    const knex = knexOf(em);
    const q = knex(`${T} as r`)
      .join('mailings as m', 'm.id', 'r.mailing_id')
      .leftJoin('email_accounts as a', 'a.id', 'r.account_id')
      .where('r.state', 'pending')
      .whereIn('m.status', LIVE_STATUSES)
      .andWhere((w) =>
        w.whereNull('a.id')
          .orWhere('a.mass_mail_enabled', false)
          .orWhereIn('a.health', FAILED_HEALTH)
          .orWhereRaw('a.owner_id <> m.owner_id')
          .orWhere((x) => x.where('a.main', true).andWhere('r.vip', false)),
      )
      .orderBy('r.id')
      .select('r.id', 'r.vip', 'r.mailing_id', 'm.owner_id');
    if (ownerId) q.andWhere('m.owner_id', ownerId);
    return (await q).map((r) => ({ id: Number(r.id), vip: Boolean(r.vip), mailingId: Number(r.mailing_id), ownerId: Number(r.owner_id) }));
  },

  /**
   * Puts the unsuccessful recipients of a mailing back in the queue and takes them off the
   * counters; returns how many of each. Their attempts and last reply stay (the history); a new
   * round of retries starts from here. A soft-bounced row was sent: it leaves the sent and bounced
   * counters and loses its feedback and sent time (the bounce stays in feedback_events), unless
   * its address was suppressed meanwhile (too many soft bounces), which a restart never undoes.
   * An uncertain row with feedback is not taken: the answer proves the message went out.
   */
  async requeue(em: Em, mailingId: number, groups: Unsuccessful[], now: Date): Promise<Record<Unsuccessful, number>> {
    return knexOf(em).transaction(async (trx) => {
      const counts: Record<Unsuccessful, number> = { failed: 0, uncertain: 0, soft_bounced: 0 };
      const back = { state: 'pending', due_at: null, attempts_before_restart: trx.ref('attempts'), updated_at: now };
      for (const group of groups) {
        if (group === 'soft_bounced') {
          const n = await trx(T)
            .where({ mailing_id: mailingId, state: 'sent', feedback: 'soft_bounced' })
            .whereNotExists(trx('suppressions as s').whereRaw(`s.email = ${T}.email`).select(trx.raw('1')))
            .update({ ...back, sent_at: null, feedback: null, feedback_at: null, feedback_status: null, feedback_note: null });
          if (n) await trx('mailings').where({ id: mailingId }).update({ sent_count: trx.raw('sent_count - ?', [n]), bounced_count: trx.raw('bounced_count - ?', [n]) });
          counts.soft_bounced = n;
        } else {
          // An uncertain send its recipient's mailbox answered (a reply, a bounce) did go out.
          const rows = trx(T).where({ mailing_id: mailingId, state: group });
          counts[group] = await (group === 'uncertain' ? rows.whereNull('feedback') : rows).update(back);
          await bump(trx, mailingId, group, -counts[group]);
        }
      }
      return counts;
    });
  },

  /** Cancels a mailing's queue: its pending rows, and claims nobody has started, become skipped. */
  async skipQueued(em: Em, mailingId: number, outcome: RecipientOutcome, now: Date): Promise<number> {
    return knexOf(em).transaction(async (trx) => {
      const n = await trx(T).where({ mailing_id: mailingId }).andWhere(queued).update({ state: 'skipped', last_reply: null, outcome: JSON.stringify(outcome), lease_until: null, updated_at: now });
      await bump(trx, mailingId, 'skipped', n);
      return n;
    });
  },

  /**
   * Moves the queues of mailings being combined into `targetId`, de-duplicated by address; an
   * address any of them already mailed (sent, in flight or uncertain) is skipped instead. Run it
   * in the combine's transaction: the locked reads make a worker's claim or start on these rows
   * wait for it, and then find the mailings cancelled or the rows moved.
   */
  async mergeInto(em: Em, ids: number[], targetId: number, now: Date): Promise<{ moved: number; duplicates: number }> {
    const knex = knexOf(em);
    const queuedRows = await knex(T).whereIn('mailing_id', ids).andWhere(queued).orderBy('id').forUpdate().select('id', 'mailing_id', 'email');
    const queuedIds = new Set(queuedRows.map((r) => Number(r.id)));
    const mailedRows = await knex(T).whereIn('mailing_id', ids).whereIn('state', ['sent', 'sending', 'uncertain']).forUpdate().select('id', 'email');
    const mailed = new Set(mailedRows.filter((r) => !queuedIds.has(Number(r.id))).map((r) => r.email as string));
    const move: number[] = [];
    const drop: number[] = [];
    const movedFrom = new Map<number, number>();
    const droppedBy = new Map<number, number>();
    for (const row of queuedRows) {
      const [list, counts] = mailed.has(row.email) ? [drop, droppedBy] : [move, movedFrom];
      mailed.add(row.email);
      list.push(Number(row.id));
      counts.set(Number(row.mailing_id), (counts.get(Number(row.mailing_id)) ?? 0) + 1);
    }
    for (let i = 0; i < move.length; i += CHUNK) {
      // Attempts first: MySQL evaluates SET left to right, so it must read the state before it changes.
      await knex(T).whereIn('id', move.slice(i, i + CHUNK)).andWhere(queued).update({
        attempts: knex.raw("case when state = 'sending' then attempts - 1 else attempts end"), mailing_id: targetId, state: 'pending', lease_until: null, claimed_by: null, updated_at: now,
      });
    }
    for (let i = 0; i < drop.length; i += CHUNK) {
      await knex(T).whereIn('id', drop.slice(i, i + CHUNK)).andWhere(queued).update({ state: 'skipped', last_reply: null, outcome: JSON.stringify({ code: 'already_mailed', into: targetId } satisfies RecipientOutcome), lease_until: null, updated_at: now });
    }
    for (const [mailingId, n] of movedFrom) await knex('mailings').where({ id: mailingId }).update({ total: knex.raw('total - ?', [n]) });
    for (const [mailingId, n] of droppedBy) await bump(knex, mailingId, 'skipped', n);
    await knex('mailings').whereIn('id', ids).update({ combined_into: targetId });
    await knex('mailings').where({ id: targetId }).update({ total: move.length });
    return { moved: move.length, duplicates: drop.length };
  },
};
