import { todayIn } from './business-days.js';
import type { HealthDetail } from './health-detail.js';

export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** Stored health of an account; "green" or "red" on screen is derived from it with the clock. */
export const ACCOUNT_HEALTH = ['unknown', 'ok', 'auth_failed', 'sender_refused', 'unreachable', 'bounce_rate', 'complaint_rate'] as const;
export type AccountHealth = (typeof ACCOUNT_HEALTH)[number];

/**
 * Verdicts that switch an account off until someone fixes it: its server's, or its mailbox's (too
 * many hard bounces or complaints over its recent sends: server/domain/account-protection.ts).
 */
export const FAILED_HEALTH = ['auth_failed', 'sender_refused', 'unreachable', 'bounce_rate', 'complaint_rate'] as const satisfies readonly AccountHealth[];
export type FailedHealth = (typeof FAILED_HEALTH)[number];
export const isFailed = (health: AccountHealth): health is FailedHealth => (FAILED_HEALTH as readonly AccountHealth[]).includes(health);

/** A reason shown beside a red star. */
export type RedReason = 'disabled' | FailedHealth | 'daily_limit' | 'outside_window' | 'day_off';

/** `detail`: the reason in English or the server's words; `why`: Mailroom's own reason as values the UI words. */
export type Light = { green: true } | { green: false; reason: RedReason; detail: string | null; why: HealthDetail | null };

/**
 * The account's star: green when it can send now, red with the reason otherwise. `pacing` is
 * the verdict of `maySend` for the account at this instant.
 */
export function light(
  account: { massMailEnabled: boolean; health: AccountHealth; healthReason: string | null; healthDetail: HealthDetail | null },
  pacing: { ok: true } | { ok: false; reason: 'day_off' | 'before_window' | 'after_window' | 'daily_limit' },
): Light {
  if (!account.massMailEnabled) return { green: false, reason: 'disabled', detail: null, why: null };
  if (isFailed(account.health)) {
    return { green: false, reason: account.health, detail: account.healthReason, why: account.healthDetail };
  }
  if (pacing.ok) return { green: true };
  const reason = pacing.reason === 'daily_limit' ? 'daily_limit' : pacing.reason === 'day_off' ? 'day_off' : 'outside_window';
  return { green: false, reason, detail: null, why: null };
}

/** May the account be used at all (enabled and not refused by its server)? Window and quota aside. */
export const usable = (a: { massMailEnabled: boolean; health: AccountHealth }) => a.massMailEnabled && !isFailed(a.health);

/** The zone an account counts its day in: its own, else the organisation's. */
export const accountZone = (a: { timeZone?: string | null }, settings: { timeZone: string }) => a.timeZone ?? settings.timeZone;

/** "Today" for an account: `now` in its zone, and the start of its day, where its daily limit counts from. */
export const accountToday = (a: { timeZone?: string | null }, settings: { timeZone: string }, now: Date) => todayIn(accountZone(a, settings), now);
