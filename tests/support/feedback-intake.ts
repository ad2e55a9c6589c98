import { randomUUID } from 'node:crypto';
import type { Knex } from '@mikro-orm/knex';
import { overrides, type RecipientFeedback } from '../../server/domain/recipient-states.js';
import type { FeedbackKind } from '../../server/domain/feedback.js';
import type { DomainEvents } from '../../server/domain/events.js';

/** The ledger feedback each kind of incoming message gives a row. */
const FEEDBACK_OF: Partial<Record<FeedbackKind, RecipientFeedback>> = { hard_bounce: 'bounced', soft_bounce: 'soft_bounced', complaint: 'complained', reply: 'replied', auto_reply: 'auto_replied' };
/** The mailing's counter of each feedback (auto-replies are counted nowhere). */
const COUNTER_OF: Partial<Record<RecipientFeedback, string>> = { bounced: 'bounced_count', soft_bounced: 'bounced_count', complained: 'complained_count', replied: 'replied_count' };

export type FeedbackEventOf = { type: 'recipient.feedback' } & DomainEvents['recipient.feedback'];

/**
 * What the mailbox intake records for one incoming message about one sent ledger row, done by hand
 * so the tests of what users see need not wait for it: the feedback event, the row's feedback when
 * the new one is stronger (with the mailing's counters moved along), and the suppression of a
 * hard-bounced or complaining address. Returns the domain event the intake emits.
 */
export async function recordFeedback(knex: Knex, rowId: number, kind: Exclude<FeedbackKind, 'unrelated' | 'unsubscribe'>, opts: { status?: string; note?: string; at?: Date } = {}): Promise<FeedbackEventOf> {
  const at = opts.at ?? new Date();
  return knex.transaction(async (trx) => {
    const row = await trx('mailing_recipients as r').join('mailings as m', 'm.id', 'r.mailing_id').where('r.id', rowId).forUpdate()
      .first('r.id', 'r.email', 'r.account_id', 'r.mailing_id', 'r.state', 'r.feedback', 'r.feedback_status', 'r.feedback_note', 'm.department_id', 'm.owner_id');
    if (!row || row.state !== 'sent') throw new Error(`ledger row ${rowId} is not sent`);
    await trx('feedback_events').insert({
      account_id: row.account_id, message_key: randomUUID().replace(/-/g, ''), kind, email: row.email, recipient_row: rowId, mailing_id: row.mailing_id,
      status: opts.status ?? null, note: opts.note ?? null, folder: 'INBOX', uid: null, sent_at: at, created_at: at,
    });
    const next = FEEDBACK_OF[kind]!;
    let shown = { feedback: row.feedback as RecipientFeedback, status: row.feedback_status as string | null, note: row.feedback_note as string | null };
    if (overrides(next, row.feedback)) {
      shown = { feedback: next, status: opts.status ?? null, note: opts.note ?? null };
      await trx('mailing_recipients').where('id', rowId).update({ feedback: next, feedback_at: at, feedback_status: shown.status, feedback_note: shown.note });
      const [was, now] = [row.feedback ? COUNTER_OF[row.feedback as RecipientFeedback] : undefined, COUNTER_OF[next]];
      if (was !== now) {
        if (was) await trx('mailings').where('id', row.mailing_id).decrement(was, 1);
        if (now) await trx('mailings').where('id', row.mailing_id).increment(now, 1);
      }
    }
    if (kind === 'hard_bounce' || kind === 'complaint') {
      await trx('suppressions').insert({ email: row.email, reason: kind, source: `mailing:${row.mailing_id}`, created_at: at }).onConflict('email').ignore();
    }
    return {
      type: 'recipient.feedback', mailingId: Number(row.mailing_id), departmentId: Number(row.department_id), ownerId: Number(row.owner_id), rowId, email: row.email,
      ...shown, at: at.toISOString(),
    };
  });
}
