/**
 * Why Mailroom itself switched an account off, as values the UI words in the reader's language
 * (`healthText` is the English copy). A verdict in the mail server's own words (an SMTP reply)
 * has no detail: its text is shown as the server wrote it.
 */
export type HealthDetail =
  /** Hard bounces or complaints over the latest sends; `limit` is the rule's share in percent. */
  | { code: 'bounce_rate' | 'complaint_rate'; events: number; sends: number; limit: number }
  /** The provider refused the OAuth grant; `error` is what it (or the grant check) said. */
  | { code: 'oauth_refused'; error: string };

export type HealthDetailCode = HealthDetail['code'];

/** Every code, for the catalogue test: each is worded by `health_<code>`. */
export const HEALTH_DETAIL_CODES = Object.keys({ bounce_rate: 1, complaint_rate: 1, oauth_refused: 1 } satisfies Record<HealthDetailCode, 1>) as HealthDetailCode[];

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
      return `OAuth sign-in refused, reconnect the account: ${d.error}`;
  }
}
