import { addressesIn } from './addresses.js';
import { field, fieldBlocks, headerSection, type Fields } from './header-fields.js';
import { normaliseListId, normaliseMessageId } from './message-ids.js';

/**
 * The message a bounce or a complaint hands back: a `message/rfc822` or `text/rfc822-headers`
 * part (RFC 3464, RFC 5965), or a copy pasted into the text after a marker line. Only its
 * header section matters: the Message-ID Mailroom gave it and the List-Id of its mailing.
 */

export interface ReturnedMessage {
  messageId: string | null;
  listId: string | null;
  /** Its To addresses: who a complaint came from when the report leaves that out. */
  to: string[];
}

/** Content types that carry the returned message or its header section (RFC 6533 adds the `global` ones). */
export const RETURNED_TYPES = new Set(['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/global-headers', 'message/rfc822-headers']);

function fromFields(fields: Fields): ReturnedMessage {
  return {
    messageId: normaliseMessageId(field(fields, 'message-id')),
    listId: normaliseListId(field(fields, 'list-id')),
    to: addressesIn(field(fields, 'to') ?? '', 10),
  };
}

export const readReturnedPart = (content: Buffer): ReturnedMessage => fromFields(headerSection(content));

// Where mail systems start the copy of the message in a bounce's text: Exim, qmail, Gmail,
// Exchange, Sendmail and Postfix's "Undelivered Message Headers" variant.
const COPY_MARKER =
  /^-*\s*(?:this is a copy of the message|below this line is a copy of the message|original message|original message headers|original message follows|undelivered message|returned message|message header follows)\b/i;

/** The bounce's own report (before the copy marker) and the pasted copy (after it), if there is one. */
export function splitAtCopy(lines: readonly string[]): { report: readonly string[]; copy: readonly string[] | null } {
  const at = lines.findIndex((line) => line.length < 200 && COPY_MARKER.test(line.trim()));
  return at === -1 ? { report: lines, copy: null } : { report: lines.slice(0, at), copy: lines.slice(at + 1) };
}

/** The header section pasted after the copy marker: its first block of fields that has a Message-ID. */
export function readPastedCopy(copy: readonly string[]): ReturnedMessage | null {
  let seen = 0;
  for (const fields of fieldBlocks(copy.join('\n'))) {
    if (fields.has('message-id')) return fromFields(fields);
    // The header section is among the first blocks; the rest is the body.
    if (++seen >= 3) break;
  }
  return null;
}
