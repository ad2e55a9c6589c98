/**
 * The English sentences Mailroom wrote into a recipient's `last_reply` before it kept outcome
 * codes, each with the code that replaces it. Sentences with values in them (a combined mailing's
 * number, a reply's sender and date) stay as they are: the UI shows an old row's text as stored.
 */
export const KNOWN_OUTCOME_SENTENCES = [
  { state: 'skipped', text: 'Opted out of mass mailing since the mailing was made', code: 'opted_out' },
  { state: 'skipped', text: 'The CRM record was deleted', code: 'record_deleted' },
  { state: 'skipped', text: 'Unsubscribed', code: 'suppressed' },
  { state: 'skipped', text: 'Cancelled', code: 'cancelled' },
  { state: 'uncertain', text: 'The worker stopped during the SMTP transaction; delivery is unknown', code: 'worker_stopped' },
] as const;
