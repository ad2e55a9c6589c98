import type { AccountDto } from '$server/http/schemas/accounts';
import type { RedReason } from '$server/domain/account-health';

/** What a red star says, per reason of the server's `light()` rule. */
export const RED_REASON_TEXT: Record<RedReason, string> = {
  disabled: 'Mass mailing is switched off for this account',
  auth_failed: 'The SMTP server refused the user name or password',
  sender_refused: 'The SMTP server refused the sender address',
  unreachable: 'The SMTP server cannot be reached',
  daily_limit: 'The daily limit is reached',
  outside_window: 'Outside the sending window',
  day_off: 'Not a business day',
};

/**
 * The star from what the account DTO carries: its mass-mailing switch and stored health, read
 * as the server's `light()` reads them. The DTO has no pacing verdict, so the daily limit and
 * the sending window cannot turn a star red here (the mailing pages' stars do include them).
 */
export function accountLight(account: AccountDto): { green: boolean; reason: string } {
  if (!account.massMailEnabled) return { green: false, reason: RED_REASON_TEXT.disabled };
  if (account.health === 'auth_failed' || account.health === 'sender_refused' || account.health === 'unreachable') {
    return { green: false, reason: account.healthReason ?? RED_REASON_TEXT[account.health] };
  }
  return { green: true, reason: account.health === 'ok' ? 'The SMTP server accepted the sign-in' : 'Not checked yet: "Test connection" signs in now' };
}
