import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';
import type { RecipientType } from '../../domain/recipient-types.js';
import type { FeedbackKind } from '../../domain/feedback.js';

/** One thing a recipient's mailbox answered to a mass mailing, with the mailing it answered. */
export interface FeedbackHistoryRow {
  id: number;
  kind: Exclude<FeedbackKind, 'unrelated'>;
  email: string;
  status: string | null;
  note: string | null;
  /** The message's own date, as its sender wrote it. */
  sentAt: Date | null;
  /** When Mailroom read it. */
  createdAt: Date;
  mailing: { id: number; name: string; ownerId: number; departmentId: number };
}

/**
 * A CRM record's mailbox feedback: the feedback events matched to the ledger rows made from it
 * (its id and its mailings' recipient type), found through the ledger's recipient index.
 */
export const feedbackHistoryRepository = {
  /** One page, newest first, and how many there are. */
  async ofRecipient(em: Em, type: RecipientType, recipientId: number, page: number, pageSize: number): Promise<{ items: FeedbackHistoryRow[]; total: number }> {
    const knex = knexOf(em);
    const matching = () =>
      knex('mailing_recipients as r')
        .join('mailings as m', 'm.id', 'r.mailing_id')
        .join('feedback_events as e', 'e.recipient_row', 'r.id')
        .where({ 'r.recipient_id': recipientId, 'm.recipient_type': type })
        .whereNot('e.kind', 'unrelated');
    const [rows, count] = await Promise.all([
      matching()
        .orderBy('e.id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .select('e.id', 'e.kind', 'e.email', 'e.status', 'e.note', 'e.sent_at', 'e.created_at', 'm.id as mailing_id', 'm.name as mailing_name', 'm.owner_id', 'm.department_id'),
      matching().count({ n: '*' }).first(),
    ]);
    return {
      total: Number(count?.n ?? 0),
      items: rows.map((r) => ({
        id: Number(r.id), kind: r.kind, email: r.email, status: r.status ?? null, note: r.note ?? null,
        sentAt: r.sent_at === null ? null : new Date(r.sent_at), createdAt: new Date(r.created_at),
        mailing: { id: Number(r.mailing_id), name: r.mailing_name, ownerId: Number(r.owner_id), departmentId: Number(r.department_id) },
      })),
    };
  },
};
