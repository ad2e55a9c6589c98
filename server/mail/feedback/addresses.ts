import { z } from 'zod';

/**
 * E-mail addresses read from strangers' messages: lowercased and valid by the same rule
 * Mailroom applies before it sends (create-mailings), so a returned address can match the ledger.
 */

const EMAIL = z.email();
const MAX_ADDRESS = 254;

/** `Bob@Example.org`, `<bob@example.org>` or `mailto:bob@example.org` → `bob@example.org`; null when not a valid address. */
export function normaliseAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim();
  if (s.length > MAX_ADDRESS + 9) return null;
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  if (/^mailto:/i.test(s)) s = s.slice(7);
  s = s.toLowerCase();
  return s.length <= MAX_ADDRESS && EMAIL.safeParse(s).success ? s : null;
}

const LOCAL_CHAR = /[a-z0-9.!#$%&'*+/=?^_`{|}~-]/i;
const DOMAIN_CHAR = /[a-z0-9.-]/i;

/**
 * The valid addresses in a line of text, in order, each once, at most `max`. Grows each `@`
 * outwards over the characters an address may hold, at most 64 to the left and 253 to the right,
 * so a line costs time in proportion to its length whatever it holds (a pattern such as
 * `\S+@\S+` would retry the whole line from every position).
 */
export function addressesIn(line: string, max = 10): string[] {
  const found: string[] = [];
  for (let at = line.indexOf('@'); at !== -1 && found.length < max; at = line.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL_CHAR.test(line[start - 1])) start--;
    let end = at + 1;
    while (end < line.length && end - at <= 253 && DOMAIN_CHAR.test(line[end])) end++;
    const local = line.slice(start, at).replace(/^\.+/, '');
    const domain = line.slice(at + 1, end).replace(/[.-]+$/, '');
    const address = normaliseAddress(`${local}@${domain}`);
    if (address && !found.includes(address)) found.push(address);
  }
  return found;
}
