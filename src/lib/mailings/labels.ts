import type { MailingStatus } from '$server/domain/mailing-status';
import type { RecipientFeedback } from '$server/domain/recipient-states';
import type { FeedbackHistoryItemDto } from '$server/http/schemas/recipients';
import type { RedReason } from '$server/domain/account-health';
import type { MailingDto, PreflightDto } from '$server/http/schemas/mailings';
import { RED_REASON_TEXT } from '$lib/utils/account-light';

/** How mailing statuses, mailbox answers, exclusions and account lights read on screen. */

export const STATUS_LABELS: Record<MailingStatus, string> = {
  active: 'Active',
  active_error: 'Active but error',
  paused: 'Paused',
  interrupted: 'Interrupted',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** The badge class of each status (see app.css). */
export const STATUS_BADGES: Record<MailingStatus, string> = {
  active: 'badge-accent',
  active_error: 'badge-warning',
  paused: '',
  interrupted: 'badge-danger',
  done: 'badge-success',
  cancelled: '',
};

/** What a recipient's mailbox answered after the 250, as the recipients tab names it. */
export const FEEDBACK_LABELS: Record<RecipientFeedback, string> = {
  bounced: 'Bounced',
  soft_bounced: 'Soft-bounced',
  complained: 'Complained',
  replied: 'Replied',
  auto_replied: 'Auto-replied',
};

/** The badge class of each answer: a hard bounce and a complaint end the address, a soft bounce may pass. */
export const FEEDBACK_BADGES: Record<RecipientFeedback, string> = {
  bounced: 'badge-danger',
  soft_bounced: 'badge-warning',
  complained: 'badge-danger',
  replied: 'badge-success',
  auto_replied: '',
};

/** One incoming message of a CRM record's history. */
export const FEEDBACK_KIND_LABELS: Record<FeedbackHistoryItemDto['kind'], string> = {
  hard_bounce: 'Bounced',
  soft_bounce: 'Soft bounce',
  complaint: 'Spam complaint',
  reply: 'Reply',
  auto_reply: 'Auto-reply',
  unsubscribe: 'Unsubscribed',
};

export const FEEDBACK_KIND_BADGES: Record<FeedbackHistoryItemDto['kind'], string> = {
  hard_bounce: 'badge-danger',
  soft_bounce: 'badge-warning',
  complaint: 'badge-danger',
  reply: 'badge-success',
  auto_reply: '',
  unsubscribe: '',
};

/** A suppression's stored reason (`hard_bounce`, `unsubscribed`…) in words. */
export const suppressionReason = (reason: string) => reason.replaceAll('_', ' ');

/** Why a selected recipient is not mailed, per counter of the pre-flight. */
export const EXCLUSION_LABELS: Record<keyof PreflightDto['excluded'], string> = {
  notYours: 'not yours',
  noEmail: 'no e-mail address',
  invalidEmail: 'invalid e-mail address',
  optedOut: 'opted out of mass mailings',
  disqualified: 'disqualified',
  suppressed: 'unsubscribed',
  duplicate: 'duplicate address',
};

/** The sentence behind an account star (the DTO carries the server's `light()` reason code). */
export function lightText(light: MailingDto['accounts'][number]['light']): string {
  if (light.green) return 'Can send now';
  const text = RED_REASON_TEXT[light.reason as RedReason] ?? light.reason;
  return light.detail ? `${text}: ${light.detail}` : text;
}
