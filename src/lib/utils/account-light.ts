import type { AccountDto } from '$server/http/schemas/accounts';
import type { RedReason } from '$server/domain/account-health';

/** What a red star says, per reason of the server's `light()` rule. */
export const RED_REASON_TEXT: Record<RedReason, string> = {
  disabled: 'Mass mailing is switched off for this account',
  auth_failed: 'The SMTP server refused the user name or password',
  sender_refused: 'The SMTP server refused the sender address',
  unreachable: 'The SMTP server cannot be reached',
  bounce_rate: 'Too many of its recent messages bounced',
  complaint_rate: 'Too many recipients reported its mail as spam',
  daily_limit: 'The daily limit is reached',
  outside_window: 'Outside the sending window',
  day_off: 'Not a business day',
};

/** The star the server computed for the account now, in words for its hover text. */
export function accountLight(account: AccountDto): { green: boolean; reason: string } {
  const light = account.light;
  if (!light.green) return { green: false, reason: light.detail ?? RED_REASON_TEXT[light.reason as RedReason] ?? light.reason };
  return { green: true, reason: account.health === 'ok' ? 'The SMTP server accepted the sign-in' : 'Not checked yet: "Test connection" signs in now' };
}
