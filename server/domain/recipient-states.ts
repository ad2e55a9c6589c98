/** pending → sending → sent | failed | skipped | uncertain; "retry" is pending with a later due time. */
export const RECIPIENT_STATES = ['pending', 'sending', 'sent', 'failed', 'skipped', 'uncertain'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/**
 * What the recipient's mailbox said after the server's 250, read from the sender's own inbox: a
 * second dimension beside the state, which stays `sent` (the message went out, and counts against
 * the account's day). Strongest first: a later, weaker message never overwrites a stronger one.
 */
export const RECIPIENT_FEEDBACK = ['bounced', 'complained', 'replied', 'soft_bounced', 'auto_replied'] as const;
export type RecipientFeedback = (typeof RECIPIENT_FEEDBACK)[number];

/** Does `next` replace `current` on a ledger row? A reply after a soft bounce says it arrived after all. */
export const overrides = (next: RecipientFeedback, current: RecipientFeedback | null) =>
  current === null || RECIPIENT_FEEDBACK.indexOf(next) < RECIPIENT_FEEDBACK.indexOf(current);
