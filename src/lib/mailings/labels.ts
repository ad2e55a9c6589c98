import type { MailingStatus } from '$server/domain/mailing-status';
import type { RedReason } from '$server/domain/account-health';
import type { MailingDto, PreflightDto } from '$server/http/schemas/mailings';
import { RED_REASON_TEXT } from '$lib/utils/account-light';

/** How mailing statuses, exclusions and account lights read on screen. */

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
