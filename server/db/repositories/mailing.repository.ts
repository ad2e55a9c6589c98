import { attachmentRepository, type AttachmentRef } from './attachment.repository.js';
import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';
import { LIVE_STATUSES, MAILING_STATUSES, SENDING_STATUSES, nextStatus, type MailingStatus, type MailingTransition, type EventLevel } from '../../domain/mailing-status.js';
import type { Owned } from '../../domain/visibility.js';
import type { MessageContent, SignatureContent } from '../../mail/render.js';
import { MessageSchema } from '../entities/message.entity.js';
import { MailingSchema, type Mailing } from '../entities/mailing.entity.js';
import { SignatureSchema } from '../entities/signature.entity.js';
import { MailingRecipientSchema, type MailingRecipient } from '../entities/mailing-recipient.entity.js';
import { MailingEventSchema, type MailingEvent } from '../entities/mailing-event.entity.js';
import { noteText, recorded, type NoteInput, type Recorded, type StatusDetail } from '../../domain/mailing-notes.js';
import type { RecipientFeedback, RecipientState } from '../../domain/recipient-states.js';
import { containsPattern } from './like.js';
import { BASE_LOCALE, isLocale, type Locale } from '../../domain/locales.js';

/** A page of a mailing's ledger as its recipients tab filters and sorts it. */
export interface RecipientsPageQuery {
  /** `retrying`: pending rows waiting for their next try. */
  state?: RecipientState | 'retrying';
  /** What their mailbox answered after the 250. */
  feedback?: RecipientFeedback;
  /** A part of the address. */
  q?: string;
  /** A column the route's query schema allows. */
  sort?: string;
  dir?: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

/** The status a transition leads to, and every status it may start from. */
function transitionSql(transition: MailingTransition): { to: MailingStatus; from: MailingStatus[] } {
  const from = MAILING_STATUSES.filter((s) => nextStatus(s, transition) !== null);
  return { to: nextStatus(from[0], transition)!, from };
}

/** A line in a mailing's Notifications. */
export interface NewNote extends Recorded {
  mailingId: number;
  level: EventLevel;
  at: Date;
  recipientEmail?: string;
  accountId?: number;
}

export interface MailingHead {
  id: number;
  status: MailingStatus;
  ownerId: number;
  departmentId: number;
  recipientType: string;
  messageId: number | null;
  signatureId: number | null;
}

/** Why a mailing is in its status: the values the UI words, and their English copy. */
const statusWhy = (why: StatusDetail | null) => ({ status_detail: why && JSON.stringify(why), status_reason: why && noteText(why).slice(0, 500) });

export const mailingRepository = {
  /**
   * Applies a status transition as one guarded UPDATE: it happens only if the mailing is, at
   * that instant, in a status the transition starts from. Returns the new status, or null when
   * the mailing had moved on (a late engine event, or two users clicking at once).
   */
  async transition(em: Em, id: number, transition: MailingTransition, why: StatusDetail | null, now: Date): Promise<MailingStatus | null> {
    const { to, from } = transitionSql(transition);
    const changed = await knexOf(em)('mailings')
      .where({ id })
      .whereIn('status', from)
      .update({ status: to, ...statusWhy(why), ...(to === 'done' || to === 'cancelled' ? { finished_at: now } : { finished_at: null }) });
    return changed === 1 ? to : null;
  },

  /** Done as soon as nothing is pending, being sent or waiting for a retry; guarded by the same query. */
  async finishIfDone(em: Em, id: number, now: Date): Promise<boolean> {
    const knex = knexOf(em);
    // Mostly there is work left: a plain read says so without the locks the guarded UPDATE takes.
    if (await knex('mailing_recipients').where({ mailing_id: id }).whereIn('state', ['pending', 'sending']).first('id')) return false;
    const changed = await knex('mailings')
      .where({ id })
      .whereIn('status', SENDING_STATUSES)
      .whereNotExists(knex('mailing_recipients').where({ mailing_id: id }).whereIn('state', ['pending', 'sending']).select(knex.raw('1')))
      .update({ status: 'done', ...statusWhy(null), finished_at: now });
    return changed === 1;
  },

  /** Cancels every one of `ids` that has not finished; returns how many it cancelled. */
  async cancelAll(em: Em, ids: number[], why: StatusDetail, now: Date): Promise<number> {
    return knexOf(em)('mailings').whereIn('id', ids).whereNotIn('status', ['done', 'cancelled']).update({ status: 'cancelled', ...statusWhy(why), finished_at: now });
  },

  /** Every live mailing (reconcile checks each for Done). */
  async liveIds(em: Em): Promise<number[]> {
    const rows = await knexOf(em)('mailings').whereIn('status', SENDING_STATUSES).select('id');
    return rows.map((r) => Number(r.id));
  },

  async head(em: Em, id: number): Promise<MailingHead | null> {
    const row = await knexOf(em)('mailings').where({ id }).first('id', 'status', 'owner_id', 'department_id', 'recipient_type', 'message_id', 'signature_id');
    return row
      ? { id: Number(row.id), status: row.status, ownerId: Number(row.owner_id), departmentId: Number(row.department_id), recipientType: row.recipient_type, messageId: row.message_id === null ? null : Number(row.message_id), signatureId: row.signature_id === null ? null : Number(row.signature_id) }
      : null;
  },

  /**
   * The mailing that combines `originals`: the first one's message, signature, owner and name; empty
   * until its ledger moves over. A reply stops the company's mail if any original asked for that.
   */
  async createCombined(em: Em, originals: Mailing[], status: 'active' | 'paused'): Promise<Mailing> {
    const first = originals[0];
    const target = em.create(MailingSchema, {
      name: `${first.name} (combined)`, recipientType: first.recipientType, status,
      message: first.message, signature: first.signature, owner: first.owner, department: first.department, vip: originals.some((m) => m.vip), total: 0,
      stopCompanyOnReply: originals.some((m) => m.stopCompanyOnReply),
    });
    await em.flush();
    return target;
  },

  /** What the mailing sends: its message and signature as they are now (null where deleted), and its owner's language (English when unset). */
  async content(em: Em, head: Pick<MailingHead, 'messageId' | 'signatureId' | 'ownerId'>): Promise<{ content: MessageContent | null; signature: SignatureContent | null; attachments: AttachmentRef[]; locale: Locale }> {
    const message = head.messageId ? await em.findOne(MessageSchema, { id: head.messageId }) : null;
    const signature = head.signatureId ? await em.findOne(SignatureSchema, { id: head.signatureId }) : null;
    const owner = await knexOf(em)('users').where({ id: head.ownerId }).first('locale');
    return {
      locale: isLocale(owner?.locale) ? owner.locale : BASE_LOCALE,
      content: message ? { subject: message.subject, html: message.html, text: message.text ?? null } : null,
      signature: signature ? { format: signature.format, body: signature.body } : null,
      attachments: message ? await attachmentRepository.refsOf(em, message.id) : [],
    };
  },

  /** Owner and department of each mailing that exists: what visibility is decided on. */
  async owned(em: Em, ids: number[]): Promise<Map<number, Owned>> {
    const rows = ids.length ? await knexOf(em)('mailings').whereIn('id', ids).select('id', 'owner_id', 'department_id') : [];
    return new Map(rows.map((r) => [Number(r.id), { ownerId: Number(r.owner_id), departmentId: Number(r.department_id) }]));
  },

  /** A line in the mailing's Notifications column; returns what it recorded, for the live push. */
  async note(em: Em, mailingId: number, level: EventLevel, note: NoteInput, now: Date, extra: { recipientEmail?: string; accountId?: number } = {}): Promise<Recorded> {
    const said = recorded(note);
    await mailingRepository.notes(em, [{ mailingId, level, ...said, at: now, ...extra }]);
    return said;
  },

  /** Several notes in one statement, in order. */
  async notes(em: Em, notes: NewNote[]): Promise<void> {
    if (!notes.length) return;
    await knexOf(em)('mailing_events').insert(notes.map((n) => ({
      mailing_id: n.mailingId, at: n.at, level: n.level, kind: n.kind, params: n.params === null ? null : JSON.stringify(n.params), text: n.text.slice(0, 1000),
      recipient_email: n.recipientEmail ?? null, account_id: n.accountId ?? null,
    })));
  },

  /** Live mailings of an owner that still have pending recipients bound to `accountId`. */
  async liveMailingsOfAccount(em: Em, accountId: number): Promise<number[]> {
    const rows = await knexOf(em)('mailing_recipients as r')
      .join('mailings as m', 'm.id', 'r.mailing_id')
      .where('r.account_id', accountId)
      .andWhere('r.state', 'pending')
      .whereIn('m.status', LIVE_STATUSES)
      .distinct('m.id');
    return rows.map((r) => Number(r.id));
  },

  /** A page of the mailing's ledger rows and how many match in all. */
  recipientsPage(em: Em, mailingId: number, query: RecipientsPageQuery, now: Date): Promise<[MailingRecipient[], number]> {
    const { state, feedback, q, sort, dir, page, pageSize } = query;
    const where: Record<string, unknown> = { mailing: mailingId };
    if (state === 'retrying') Object.assign(where, { state: 'pending', dueAt: { $gt: now } });
    else if (state) where.state = state;
    if (feedback) where.feedback = feedback;
    if (q) where.email = { $like: containsPattern(q) };
    return em.findAndCount(MailingRecipientSchema, where, { orderBy: { [sort ?? 'id']: dir ?? 'asc' }, limit: pageSize, offset: (page - 1) * pageSize });
  },

  /** A page of the mailing's notifications, newest first, and how many there are. */
  eventsPage(em: Em, mailingId: number, page: number, pageSize: number): Promise<[MailingEvent[], number]> {
    return em.findAndCount(MailingEventSchema, { mailing: mailingId }, { orderBy: { id: 'desc' }, limit: pageSize, offset: (page - 1) * pageSize });
  },
};
