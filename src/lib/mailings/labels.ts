import type { EventLevel, MailingStatus } from '$server/domain/mailing-status';
import type { RecipientFeedback } from '$server/domain/recipient-states';
import type { FeedbackHistoryItemDto } from '$server/http/schemas/recipients';
import type { RedReason } from '$server/domain/account-health';
import type { MailingDto, PreflightDto } from '$server/http/schemas/mailings';
import { RED_REASON_TEXT } from '$lib/utils/account-light';
import { redDetail } from '$lib/utils/health-text';
import { m } from '$lib/paraglide/messages';
import { translated } from '$lib/i18n/translated';

/** How mailing statuses, mailbox answers, exclusions and account lights read on screen. */

export const STATUS_LABELS: Record<MailingStatus, string> = translated({
  active: m.status_active,
  active_error: m.status_active_error,
  paused: m.status_paused,
  interrupted: m.status_interrupted,
  done: m.status_done,
  cancelled: m.status_cancelled,
});

/** How a notification's level reads: said with it, not carried by its colour alone. */
export const NOTE_LEVEL_LABELS: Record<EventLevel, string> = translated({
  info: m.level_info,
  warning: m.level_warning,
  error: m.level_error,
  critical: m.level_critical,
});

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
export const FEEDBACK_LABELS: Record<RecipientFeedback, string> = translated({
  bounced: m.feedback_bounced,
  soft_bounced: m.feedback_soft_bounced,
  complained: m.feedback_complained,
  replied: m.feedback_replied,
  auto_replied: m.feedback_auto_replied,
});

/** The badge class of each answer: a hard bounce and a complaint end the address, a soft bounce may pass. */
export const FEEDBACK_BADGES: Record<RecipientFeedback, string> = {
  bounced: 'badge-danger',
  soft_bounced: 'badge-warning',
  complained: 'badge-danger',
  replied: 'badge-success',
  auto_replied: '',
};

/** One incoming message of a CRM record's history. */
export const FEEDBACK_KIND_LABELS: Record<FeedbackHistoryItemDto['kind'], string> = translated({
  hard_bounce: m.fkind_hard_bounce,
  soft_bounce: m.fkind_soft_bounce,
  complaint: m.fkind_complaint,
  reply: m.fkind_reply,
  auto_reply: m.fkind_auto_reply,
  unsubscribe: m.fkind_unsubscribe,
});

export const FEEDBACK_KIND_BADGES: Record<FeedbackHistoryItemDto['kind'], string> = {
  hard_bounce: 'badge-danger',
  soft_bounce: 'badge-warning',
  complaint: 'badge-danger',
  reply: 'badge-success',
  auto_reply: '',
  unsubscribe: '',
};

const SUPPRESSION_REASONS: Record<string, () => string> = { hard_bounce: m.suppression_hard_bounce, complaint: m.suppression_complaint, unsubscribed: m.suppression_unsubscribed };

/** A suppression's stored reason (`hard_bounce`, `unsubscribed`…) in words; an unknown one as stored. */
export const suppressionReason = (reason: string) => SUPPRESSION_REASONS[reason]?.() ?? reason.replaceAll('_', ' ');

/** Why a selected recipient is not mailed, per counter of the pre-flight. */
export const EXCLUSION_LABELS: Record<keyof PreflightDto['excluded'], string> = translated({
  notYours: m.excl_not_yours,
  noEmail: m.excl_no_email,
  invalidEmail: m.excl_invalid_email,
  optedOut: m.excl_opted_out,
  disqualified: m.excl_disqualified,
  suppressed: m.excl_suppressed,
  duplicate: m.excl_duplicate,
});

/** The sentence behind an account star (the DTO carries the server's `light()` reason code). */
export function lightText(light: MailingDto['accounts'][number]['light']): string {
  if (light.green) return m.light_can_send();
  const text = RED_REASON_TEXT[light.reason as RedReason] ?? light.reason;
  const detail = redDetail(light);
  return detail ? `${text}: ${detail}` : text;
}
