import type { AccountDto } from '$server/http/schemas/accounts';
import type { AccountHealth } from '$server/domain/account-health';

const HEALTH_TEXT: Record<AccountHealth, string> = {
  unknown: 'Not checked yet: use "Test connection"',
  ok: 'The SMTP server accepted the sign-in',
  auth_failed: 'The SMTP server refused the user name or password',
  sender_refused: 'The SMTP server refused the sender address',
  unreachable: 'The SMTP server cannot be reached',
};

/**
 * Green or red for an account, from what the account DTO carries: its stored health and its
 * mass-mailing switch. (Daily limit and sending window are the engine's to report.)
 */
export function accountLight(account: AccountDto): { green: boolean; reason: string } {
  if (!account.massMailEnabled) return { green: false, reason: 'Mass mailing is switched off for this account' };
  if (account.health !== 'ok') return { green: false, reason: account.healthReason ?? HEALTH_TEXT[account.health] };
  return { green: true, reason: HEALTH_TEXT.ok };
}
