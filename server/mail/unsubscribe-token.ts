import { timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../security/secret-box.js';

/**
 * The per-recipient unsubscribe token: the ledger row id in base36 and a truncated MAC of it,
 * e.g. `2n9c.Xk3…` (22 MAC characters = 132 bits). Short enough for a readable link, and no
 * row can be unsubscribed without the server's key.
 */

const PURPOSE = 'unsubscribe';
const MAC_LENGTH = 22;
const TOKEN = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

const macOf = (secrets: SecretBox, id: number) => secrets.sign(PURPOSE, String(id)).slice(0, MAC_LENGTH);

export function unsubscribeToken(secrets: SecretBox, ledgerRowId: number): string {
  if (!Number.isSafeInteger(ledgerRowId) || ledgerRowId <= 0) throw new RangeError(`Not a ledger row id: ${ledgerRowId}`);
  return `${ledgerRowId.toString(36)}.${macOf(secrets, ledgerRowId)}`;
}

/** The ledger row id the token was made for, or null for anything malformed or forged. */
export function readUnsubscribeToken(secrets: SecretBox, token: string): number | null {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const id = parseInt(match[1], 36);
  // Only the canonical spelling (no leading zeros) is valid, so one row has exactly one token.
  if (!Number.isSafeInteger(id) || id <= 0 || id.toString(36) !== match[1]) return null;
  const given = Buffer.from(match[2]);
  const expected = Buffer.from(macOf(secrets, id));
  return timingSafeEqual(given, expected) ? id : null;
}
