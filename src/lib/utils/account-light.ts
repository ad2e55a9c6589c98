import type { AccountDto } from '$server/http/schemas/accounts';
import type { RedReason } from '$server/domain/account-health';
import { m } from '$lib/paraglide/messages';
import { translated } from '$lib/i18n/translated';
import { locale } from '$lib/i18n/locale.svelte';
import { healthDetailText, redDetail } from './health-text';
import type { HealthDetail } from '$server/domain/health-detail';

/** What a red star says, per reason of the server's `light()` rule. */
export const RED_REASON_TEXT: Record<RedReason, string> = translated({
  disabled: m.red_disabled,
  auth_failed: m.red_auth_failed,
  sender_refused: m.red_sender_refused,
  unreachable: m.red_unreachable,
  bounce_rate: m.red_bounce_rate,
  complaint_rate: m.red_complaint_rate,
  daily_limit: m.red_daily_limit,
  outside_window: m.red_outside_window,
  day_off: m.red_day_off,
});

/**
 * A connection test's answer in the UI's language: a failure's detail worded with the server's
 * reply as it came; without one (an older server), the English words, or the health code worded.
 */
export const smtpTestText = (result: { health: string; message: string; detail?: HealthDetail | null }): string =>
  result.detail ? healthDetailText(result.detail, result.message) : locale.current === 'en' ? result.message : result.health === 'ok' ? m.light_signed_in() : (RED_REASON_TEXT[result.health as RedReason] ?? result.message);

/** The star the server computed for the account now, in words for its hover text. */
export function accountLight(account: AccountDto): { green: boolean; reason: string } {
  const light = account.light;
  if (!light.green) return { green: false, reason: redDetail(light) ?? RED_REASON_TEXT[light.reason as RedReason] ?? light.reason };
  return { green: true, reason: account.health === 'ok' ? m.light_signed_in() : m.light_not_checked() };
}
