/**
 * Why Mailroom itself ended a recipient without a server's reply (skipped it, or cannot know
 * whether it was delivered), as values the UI words in the reader's language. A ledger row keeps
 * either this or the server's reply in `lastReply`, never Mailroom's own English there. Rows
 * stored before outcomes were kept have none: their `lastReply` is shown as it was stored.
 */
export type RecipientOutcome =
  /** The CRM record opted out of mass mailing after the mailing was made. */
  | { code: 'opted_out' }
  /** The CRM record was deleted after the mailing was made. */
  | { code: 'record_deleted' }
  /** The address is on the suppression list (unsubscribed, bounced, complained, added by hand). */
  | { code: 'suppressed' }
  /** The mailing was cancelled before the recipient's turn. */
  | { code: 'cancelled' }
  /** Combining mailings: the address was already mailed by one of them, so it was not merged into mailing `into`. */
  | { code: 'already_mailed'; into: number }
  /** `email` (the recipient, or someone at its company) replied to the owner on `on` (YYYY-MM-DD): not mailed again. */
  | { code: 'replied'; email: string; on: string }
  /** The sending worker stopped during the SMTP transaction: nobody knows whether the server accepted the message. */
  | { code: 'worker_stopped' };

export type RecipientOutcomeCode = RecipientOutcome['code'];

/** Every code, for the catalogue test: each is worded by `outcome_<code>`. */
export const RECIPIENT_OUTCOME_CODES = Object.keys({
  opted_out: 1, record_deleted: 1, suppressed: 1, cancelled: 1, already_mailed: 1, replied: 1, worker_stopped: 1,
} satisfies Record<RecipientOutcomeCode, 1>) as RecipientOutcomeCode[];
