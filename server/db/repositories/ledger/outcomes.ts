import type { Em } from '../../orm.js';
import { knexOf } from '../../knex.js';
import type { RecipientState } from '../../../domain/recipient-states.js';
import type { RecipientOutcome } from '../../../domain/recipient-outcomes.js';
import { retryOnDeadlock } from '../retry.js';
import { T, heldBy, bump } from './rows.js';
import type { HeldRow } from './rows.js';

/**
 * Outcomes: what SMTP answered for a claimed row (sent, failed, retry later, uncertain), each a
 * guarded move that carries the mailing's counters with it.
 */
export const ledgerOutcomes = {
  /**
   * Records a run's accepted messages in one statement (guarded: only rows still `sending` under
   * this run's claim) and moves the mailing's counter by as many. Returns the ids that were recorded.
   */
  async finishSent(em: Em, mailingId: number, claim: string, sent: { id: number; reply: string }[], now: Date): Promise<number[]> {
    if (!sent.length) return [];
    return retryOnDeadlock(() => knexOf(em).transaction(async (trx) => {
      const ids = sent.map((s) => s.id);
      const changed = await trx(T)
        .whereIn('id', ids)
        .andWhere('state', 'sending')
        .andWhere(heldBy(claim))
        .update({
          state: 'sent', lease_until: null, sent_at: now, updated_at: now, outcome: null,
          last_reply: trx.raw(`case id ${sent.map(() => 'when ? then ?').join(' ')} end`, sent.flatMap((s) => [s.id, s.reply.slice(0, 1000)])),
        });
      await bump(trx, mailingId, 'sent', changed, { last_sent_at: now });
      // A lease that expired meanwhile made some rows uncertain: report only what was recorded.
      return changed === ids.length ? ids : (await trx(T).whereIn('id', ids).andWhere('state', 'sent').select('id')).map((r) => Number(r.id));
    }));
  },

  /**
   * Moves one row `from` → `to` (guarded, and by `claim` when given: a run passes its own) and its
   * mailing's counters with it; false if someone else moved it first. A server's `lastReply` or
   * Mailroom's own `outcome` replaces both: the row says why it ended one way only.
   */
  async finish(
    em: Em,
    id: number,
    mailingId: number,
    from: RecipientState,
    to: RecipientState,
    fields: { now: Date; lastReply?: string | null; outcome?: RecipientOutcome; messageId?: string | null; claim?: string | null },
  ): Promise<boolean> {
    return knexOf(em).transaction(async (trx) => {
      const changed = await trx(T)
        .where({ id, state: from })
        .andWhere((q) => (fields.claim === undefined ? q : heldBy(fields.claim)(q)))
        .update({
          state: to, lease_until: null, updated_at: fields.now,
          ...(fields.lastReply !== undefined || fields.outcome ? { last_reply: fields.lastReply?.slice(0, 1000) ?? null, outcome: fields.outcome ? JSON.stringify(fields.outcome) : null } : {}),
          ...(fields.messageId !== undefined ? { message_id: fields.messageId } : {}),
          ...(to === 'sent' ? { sent_at: fields.now } : {}),
        });
      if (changed !== 1) return false;
      await bump(trx, mailingId, to, 1, to === 'sent' ? { last_sent_at: fields.now } : {});
      return true;
    });
  },

  /** A temporary failure: back to pending, due again at `dueAt`. */
  async retryLater(em: Em, row: HeldRow, dueAt: Date, reply: string, now: Date): Promise<boolean> {
    const changed = await knexOf(em)(T)
      .where({ id: row.id, state: 'sending', claimed_by: row.claim })
      .update({ state: 'pending', due_at: dueAt, lease_until: null, claimed_by: null, last_reply: reply.slice(0, 1000), outcome: null, updated_at: now });
    return changed === 1;
  },
};
