import type { HealthDetail } from './health-detail.js';

/**
 * The providers' rules for a sender's reputation, applied to one account's recent sends: past
 * them the mailbox gets throttled or blocked, so the account stops before it is. Google and Yahoo
 * require bulk senders to keep spam complaints below 0.3% (2024 sender guidelines); a hard-bounce
 * rate of a few percent is where Microsoft and the ESPs (SES at 5%, Mailchimp at 2–5%) step in.
 * The minimum counts keep a handful of bounces on a young account from deciding alone.
 */
export interface ProtectionRule {
  /** How many of the account's latest sends the rate is measured over. */
  window: number;
  /** The share of them (0–1) above which the account stops. */
  rate: number;
  /** The fewest events that can stop it, whatever the share. */
  atLeast: number;
}

export const HARD_BOUNCE_RULE: ProtectionRule = { window: 300, rate: 0.05, atLeast: 5 };
export const COMPLAINT_RULE: ProtectionRule = { window: 1000, rate: 0.003, atLeast: 2 };

/** Counts over an account's latest sends (at most the rule's window). */
export interface RecentSends {
  sends: number;
  events: number;
}

export const crosses = (rule: ProtectionRule, recent: RecentSends) => recent.events >= rule.atLeast && recent.events > rule.rate * recent.sends;

/** Whether the account must stop, with the values shown beside its red star; null while it may go on. */
export function protectionVerdict(bounces: RecentSends, complaints: RecentSends): { health: 'bounce_rate' | 'complaint_rate'; detail: HealthDetail } | null {
  const verdict = (code: 'bounce_rate' | 'complaint_rate', rule: ProtectionRule, r: RecentSends) => ({ health: code, detail: { code, events: r.events, sends: r.sends, limit: rule.rate * 100 } });
  if (crosses(COMPLAINT_RULE, complaints)) return verdict('complaint_rate', COMPLAINT_RULE, complaints);
  if (crosses(HARD_BOUNCE_RULE, bounces)) return verdict('bounce_rate', HARD_BOUNCE_RULE, bounces);
  return null;
}

/**
 * An address that soft-bounces again and again (a mailbox full for weeks, a domain that keeps
 * deferring) is as dead as a hard bounce, but only once it has gone on for a while: one bad day
 * of a healthy mailbox must not suppress it.
 */
export const SOFT_BOUNCE_RULE = { times: 5, overDays: 7 };

export function softBouncesSuppress(history: { count: number; first: Date | null }, now: Date): boolean {
  if (history.count < SOFT_BOUNCE_RULE.times || !history.first) return false;
  return now.getTime() - history.first.getTime() >= SOFT_BOUNCE_RULE.overDays * 86_400_000;
}
