import type { MailingDto } from '$server/http/schemas/mailings';
import type { MailingNotificationV1, MailingProgressV1, MailingStatusV1 } from '$server/live/protocol';

/**
 * How pushed events change a mailing as the list and the mailing page hold it. Each returns a
 * new object, so keyed tables re-render only the rows that changed.
 */

/** How many notifications a row keeps once pushes add to the server's latest ones. */
const KEPT_NOTIFICATIONS = 50;
let pushedIds = 0;

export function withProgress<M extends MailingDto>(m: M, p: MailingProgressV1): M {
  const { total, sent, failed, skipped, uncertain, completion, sentToday, status } = p;
  return { ...m, total, sent, failed, skipped, uncertain, completion, sentToday, status };
}

export function withStatus<M extends MailingDto>(m: M, p: MailingStatusV1): M {
  return { ...m, status: p.status, statusReason: p.reason };
}

export function withNotification<M extends MailingDto>(m: M, p: MailingNotificationV1): M {
  // Pushed notes have no row id yet; negative ids cannot clash with the server's.
  const note = { id: --pushedIds, at: p.at, level: p.level, kind: p.kind, text: p.text };
  return { ...m, notifications: [note, ...m.notifications].slice(0, KEPT_NOTIFICATIONS) };
}

/** Applies `change` to the one mailing of `rows` it is about; other rows stay the same objects. */
export function updateRow<M extends MailingDto>(rows: M[], mailingId: number, change: (m: M) => M): M[] {
  return rows.some((r) => r.id === mailingId) ? rows.map((r) => (r.id === mailingId ? change(r) : r)) : rows;
}
