/** Message-IDs and List-Ids read from strangers' headers, in the forms Mailroom stores. */

const MAX_ID = 998; // RFC 5322's line limit: no real Message-ID is longer
// Bounded, and it cannot overlap itself: one pass over any input.
const BRACKETED = /<([^<>\s]{1,998})>/g;

/** Every `<…>` Message-ID in a header value such as References, in order, each once, at most `max`. */
export function messageIdsIn(value: string | null | undefined, max: number): string[] {
  const ids: string[] = [];
  if (!value) return ids;
  for (const m of value.matchAll(BRACKETED)) {
    const id = `<${m[1]}>`;
    if (!ids.includes(id)) ids.push(id);
    if (ids.length >= max) break;
  }
  return ids;
}

/** One Message-ID, `<…>`, from a header value written with or without brackets; null when there is none. */
export function normaliseMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const [bracketed] = messageIdsIn(value, 1);
  if (bracketed) return bracketed;
  const bare = value.trim();
  return bare && bare.length <= MAX_ID - 2 && !/[\s<>]/.test(bare) ? `<${bare}>` : null;
}

const LIST_ID = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,255}$/;

/** `Mailing 42 <mailing-42.mailroom.example.com>` → `mailing-42.mailroom.example.com` (RFC 2919); null when malformed. */
export function normaliseListId(value: string | null | undefined): string | null {
  if (!value) return null;
  const open = value.lastIndexOf('<');
  const close = value.lastIndexOf('>');
  const id = (open !== -1 && close > open ? value.slice(open + 1, close) : value).trim().toLowerCase();
  return LIST_ID.test(id) ? id : null;
}
