import type { HealthDetail } from '$server/domain/health-detail';
import { sharePercent } from '$server/domain/health-detail';
import { m } from '$lib/paraglide/messages';
import { formatNumber, formatPercent } from '$lib/utils/format';

/**
 * Why Mailroom switched an account off, in the reader's language; `english` (the server's
 * `healthReason`) stands in for a code this UI does not know.
 */
export function healthDetailText(d: HealthDetail, english: string | null): string {
  switch (d.code) {
    case 'bounce_rate':
    case 'complaint_rate': {
      const values = { events: formatNumber(d.events), sends: formatNumber(d.sends), share: formatPercent(sharePercent(d), 1), limit: formatPercent(d.limit, 1) };
      return d.code === 'bounce_rate' ? m.health_bounce_rate(values) : m.health_complaint_rate(values);
    }
    case 'oauth_refused':
      return m.health_oauth_refused({ error: d.error });
    default:
      return english ?? (d as { code: string }).code;
  }
}

/** A red star's own words: Mailroom's reason worded here, else the server's words as they are. */
export const redDetail = (light: { detail: string | null; why?: HealthDetail | null }): string | null => (light.why ? healthDetailText(light.why, light.detail) : light.detail);

/** An account's red reason: Mailroom's own worded here, else the server's words as they are. */
export const healthReasonText = (a: { healthReason: string | null; healthDetail?: HealthDetail | null }): string | null =>
  a.healthDetail ? healthDetailText(a.healthDetail, a.healthReason) : a.healthReason;
