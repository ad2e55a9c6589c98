import { grantProblemText, type GrantProblem } from './grant-problems.js';

/**
 * Why an account or inbox is in its health, as values the UI words in the reader's language
 * (`healthText` is the English copy): Mailroom's own reason, with the server's or provider's reply
 * verbatim where it gave one. A verdict stored before details were kept has none: its text is shown
 * as it was stored.
 */
export type HealthDetail =
  /** Hard bounces or complaints over the latest sends; `limit` is the rule's share in percent. */
  | { code: 'bounce_rate' | 'complaint_rate'; events: number; sends: number; limit: number }
  /** The provider refused the OAuth grant (reconnect), or cannot give a token now (try later). */
  | { code: 'oauth_refused' | 'oauth_unavailable'; grant: GrantProblem }
  /** A refused grant as stored before its cause was kept: what the provider or the grant check said, in English. */
  | { code: 'oauth_refused'; error: string }
  /** The mail server (`where`: host:port) refused the sign-in of `user`; `reply` is its own. */
  | { code: 'sign_in_refused'; where: string; user: string; reply: string }
  /** No conversation with the server: `reply` is the network's or server's error, null when the connection just closed. */
  | { code: 'unreachable'; where: string; reply: string | null }
  /** An IMAP folder cannot be opened: `reply` is the server's, null when the folder does not exist. */
  | { code: 'folder_missing'; where: string; folder: string; reply: string | null }
  /** The server gave a folder no valid UIDVALIDITY and UIDNEXT, refused to search it, or to move messages to it. */
  | { code: 'folder_unusable' | 'search_refused' | 'move_refused'; where: string; folder: string };

export type HealthDetailCode = HealthDetail['code'];

/** Every code, for the catalogue test: each is worded by `health_<code>`. */
export const HEALTH_DETAIL_CODES = Object.keys({
  bounce_rate: 1, complaint_rate: 1, oauth_refused: 1, oauth_unavailable: 1, sign_in_refused: 1, unreachable: 1, folder_missing: 1, folder_unusable: 1, search_refused: 1, move_refused: 1,
} satisfies Record<HealthDetailCode, 1>) as HealthDetailCode[];

/** "1.7%": a share of the latest sends, as the verdict states it. */
export const sharePercent = (r: { events: number; sends: number }) => Number(((100 * r.events) / Math.max(1, r.sends)).toFixed(1));

/** The detail in English, as the API's `healthReason` carries it. */
export function healthText(d: HealthDetail): string {
  switch (d.code) {
    case 'bounce_rate':
    case 'complaint_rate': {
      const what = d.code === 'bounce_rate' ? 'hard bounces' : 'spam complaints';
      return `${d.events} ${what} over its last ${d.sends} messages (${sharePercent(d).toFixed(1)}%, above ${d.limit}%)`;
    }
    case 'oauth_refused':
      return `OAuth sign-in refused, reconnect the account: ${'grant' in d ? grantProblemText(d.grant) : d.error}`;
    case 'oauth_unavailable':
      return `The OAuth provider gives no access token now: ${grantProblemText(d.grant)}`;
    case 'sign_in_refused':
      return `${d.where} refused the sign-in for ${d.user}: ${d.reply}`;
    case 'unreachable':
      return `Could not talk to ${d.where}: ${d.reply ?? 'the connection was closed'}`;
    case 'folder_missing':
      return `Folder "${d.folder}" on ${d.where} ${d.reply === null ? 'does not exist' : `cannot be opened: ${d.reply}`}`;
    case 'folder_unusable':
      return `${d.where} did not give folder "${d.folder}" a valid UIDVALIDITY and UIDNEXT`;
    case 'search_refused':
      return `${d.where} refused to search folder "${d.folder}"`;
    case 'move_refused':
      return `${d.where} could not move messages to folder "${d.folder}"`;
  }
}
