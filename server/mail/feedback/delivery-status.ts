import { enhancedStatusIn } from '../../domain/feedback.js';
import { normaliseAddress } from './addresses.js';
import { cleanOrNull } from './clean-text.js';
import { field, fieldBlocks, type Fields } from './header-fields.js';

/**
 * The machine-readable part of a delivery status notification (RFC 3464, `message/delivery-status`;
 * RFC 6533's `message/global-delivery-status` has the same fields): one block per message,
 * then one block per recipient.
 */

export const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);

export interface ReportedRecipient {
  email: string;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  remoteMta: string | null;
}

export const MAX_DIAGNOSTIC = 1000;

/** `rfc822; Bob@Example.org` → `bob@example.org`: the value after the type (RFC 3464 §2.3.2). */
const afterType = (value: string | undefined) => {
  if (value === undefined) return null;
  const semi = value.indexOf(';');
  return semi === -1 ? value : value.slice(semi + 1);
};

function recipientOf(fields: Fields): ReportedRecipient | null {
  // The Original-Recipient is the address as Mailroom gave it; the Final-Recipient can be where
  // an alias or a forward led, which the ledger never saw.
  const email = normaliseAddress(afterType(field(fields, 'original-recipient'))) ?? normaliseAddress(afterType(field(fields, 'final-recipient')));
  if (!email) return null;
  const action = (field(fields, 'action') ?? '').trim().toLowerCase();
  return {
    email,
    action: /^[a-z-]{1,20}$/.test(action) ? action : null,
    status: enhancedStatusIn(field(fields, 'status') ?? null),
    diagnostic: cleanOrNull(afterType(field(fields, 'diagnostic-code')), MAX_DIAGNOSTIC),
    remoteMta: cleanOrNull(afterType(field(fields, 'remote-mta')), 255),
  };
}

/** The per-recipient blocks with a valid address, at most `max` (the rest of a huge report is not read). */
export function readDeliveryStatus(content: string, max: number): ReportedRecipient[] {
  const recipients: ReportedRecipient[] = [];
  for (const fields of fieldBlocks(content)) {
    // The per-message block has no recipient fields; a block may also lack its blank line before, so any block is tried.
    const recipient = recipientOf(fields);
    if (recipient) recipients.push(recipient);
    if (recipients.length >= max) break;
  }
  return recipients;
}
