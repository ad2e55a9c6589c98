import type { LedgerRowDto, MailingDetailDto, MailingDto } from '$server/http/schemas/mailings';
import type { MailingNotificationV1, MailingProgressV1, MailingStatusV1, RecipientChangesV1 } from '$server/live/protocol';

/**
 * How pushed events change a mailing as the list and the mailing page hold it. Each returns a
 * new object, so keyed tables re-render only the rows that changed.
 */

/** One line of a mailing's notifications. */
export type MailingNote = MailingDto['notifications'][number];

/** How many notifications a row keeps once pushes add to the server's latest ones. */
const KEPT_NOTIFICATIONS = 50;
let pushedIds = 0;

/** Counters only: a coalesced progress push may be older than a status push, which alone moves the status. */
export function withProgress<M extends MailingDto>(m: M, p: MailingProgressV1): M {
  const { total, sent, failed, skipped, uncertain, bounced, complained, replied, completion, sentToday } = p;
  return { ...m, total, sent, failed, skipped, uncertain, bounced, complained, replied, completion, sentToday };
}

/**
 * The mailing page's counters after a push. The push has no pending, sending or retrying
 * counts, so the open ones are derived from it until the page refetches the exact ones; the
 * counts by mailbox answer wait for that refetch too (the push counts hard and soft bounces as one).
 */
export function withDetailProgress(m: MailingDetailDto, p: MailingProgressV1): MailingDetailDto {
  const open = Math.max(0, p.total - p.sent - p.failed - p.skipped - p.uncertain);
  const sending = Math.min(m.progress.sending, open);
  const progress = { ...m.progress, sent: p.sent, failed: p.failed, skipped: p.skipped, uncertain: p.uncertain, sending, pending: open - sending, retrying: Math.min(m.progress.retrying, open - sending) };
  return { ...withProgress(m, p), progress };
}

/** A pushed notification as a line of the log (pushed lines have no row id; negative ids cannot clash). */
export function noteOf(p: MailingNotificationV1): MailingNote {
  return { id: --pushedIds, at: p.at, level: p.level, kind: p.kind, params: p.params, text: p.text };
}

export function withStatus<M extends MailingDto>(m: M, p: MailingStatusV1): M {
  return { ...m, status: p.status, statusReason: p.reason, statusDetail: p.detail ?? null };
}

export function withNotification<M extends MailingDto>(m: M, p: MailingNotificationV1): M {
  return { ...m, notifications: [noteOf(p), ...m.notifications].slice(0, KEPT_NOTIFICATIONS) };
}

/** Applies `change` to the one mailing of `rows` it is about; other rows stay the same objects. */
export function updateRow<M extends MailingDto>(rows: M[], mailingId: number, change: (m: M) => M): M[] {
  return rows.some((r) => r.id === mailingId) ? rows.map((r) => (r.id === mailingId ? change(r) : r)) : rows;
}

/** A ledger row as the recipients tab holds it: `retrying` marks a pending row a push said waits for its next try. */
export type RecipientRow = LedgerRowDto & { retrying?: boolean };

/**
 * A row of the recipients tab after a pushed change: its new state with the server's reply or
 * Mailroom's own outcome, or, the row staying sent, what its mailbox answered (the bounce's status
 * code and diagnostic, the reply's first lines).
 */
export function withRecipientChange(r: RecipientRow, c: RecipientChangesV1['changes'][number]): RecipientRow {
  if (c.feedback) return { ...r, feedback: c.feedback.feedback, feedbackStatus: c.feedback.status, feedbackNote: c.feedback.note, feedbackAt: c.at };
  const { state, retrying } = c.state === 'retrying' ? { state: 'pending' as const, retrying: true } : { state: c.state, retrying: false };
  // Mailroom's outcome and a server's reply each replace the other; a change with neither keeps both.
  const why = c.outcome ? { outcome: c.outcome, lastReply: null } : c.reply ? { outcome: null, lastReply: c.reply } : {};
  return { ...r, state, retrying, accountId: c.accountId ?? r.accountId, ...why, sentAt: c.state === 'sent' ? c.at : r.sentAt };
}
