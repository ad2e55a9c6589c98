import type { HealthDetail } from '$server/domain/health-detail';
import type { GrantProblem } from '$server/domain/grant-problems';
import { sharePercent } from '$server/domain/health-detail';
import { m } from '$lib/paraglide/messages';
import { formatNumber, formatPercent } from '$lib/utils/format';

/** Why an OAuth grant gives no access token, in the reader's language (the provider's reply as it came). */
export function grantProblemText(p: GrantProblem): string | undefined {
  switch (p.cause) {
    case 'not_connected':
      return m.grant_not_connected();
    case 'no_credentials':
      return m.grant_no_credentials();
    case 'no_refresh_token':
      return m.grant_no_refresh_token();
    case 'no_client':
      return m.grant_no_client({ provider: p.provider });
    case 'missing_scopes':
      return m.grant_missing_scopes({ scopes: p.scopes.join(', ') });
    case 'refused':
      return m.grant_refused({ reply: p.reply });
    case 'unreachable':
      return m.grant_unreachable({ reply: p.reply });
    case 'no_access_token':
      return m.grant_no_access_token();
    case 'refresh_stalled':
      return m.grant_refresh_stalled();
  }
}

/**
 * Why an account or inbox is in its health, in the reader's language, with the server's reply as it
 * came; `english` (the server's `healthReason`) stands in for a code or cause this UI does not know.
 */
export function healthDetailText(d: HealthDetail, english: string | null): string {
  return wordDetail(d) ?? english ?? (d as { code: string }).code;
}

function wordDetail(d: HealthDetail): string | undefined {
  switch (d.code) {
    case 'bounce_rate':
    case 'complaint_rate': {
      const values = { events: formatNumber(d.events), sends: formatNumber(d.sends), share: formatPercent(sharePercent(d), 1), limit: formatPercent(d.limit, 1) };
      return d.code === 'bounce_rate' ? m.health_bounce_rate(values) : m.health_complaint_rate(values);
    }
    case 'oauth_refused': {
      // A verdict stored before causes were kept holds the English words only.
      const error = 'grant' in d ? grantProblemText(d.grant) : d.error;
      return error === undefined ? undefined : m.health_oauth_refused({ error });
    }
    case 'oauth_unavailable': {
      const error = grantProblemText(d.grant);
      return error === undefined ? undefined : m.health_oauth_unavailable({ error });
    }
    case 'sign_in_refused':
      return m.health_sign_in_refused({ where: d.where, user: d.user, reply: d.reply });
    case 'unreachable':
      return d.reply === null ? m.health_unreachable_closed({ where: d.where }) : m.health_unreachable({ where: d.where, reply: d.reply });
    case 'folder_missing':
      return d.reply === null ? m.health_folder_missing({ where: d.where, folder: d.folder }) : m.health_folder_refused({ where: d.where, folder: d.folder, reply: d.reply });
    case 'folder_unusable':
      return m.health_folder_unusable({ where: d.where, folder: d.folder });
    case 'search_refused':
      return m.health_search_refused({ where: d.where, folder: d.folder });
    case 'move_refused':
      return m.health_move_refused({ where: d.where, folder: d.folder });
    default:
      return undefined;
  }
}

/** A red star's own words: Mailroom's reason worded here, else the server's words as they are. */
export const redDetail = (light: { detail: string | null; why?: HealthDetail | null }): string | null => (light.why ? healthDetailText(light.why, light.detail) : light.detail);

/** An account's red reason: Mailroom's own worded here, else the server's words as they are. */
export const healthReasonText = (a: { healthReason: string | null; healthDetail?: HealthDetail | null }): string | null =>
  a.healthDetail ? healthDetailText(a.healthDetail, a.healthReason) : a.healthReason;
