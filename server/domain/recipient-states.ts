/** pending → sending → sent | failed | skipped | uncertain; "retry" is pending with a later due time. */
export const RECIPIENT_STATES = ['pending', 'sending', 'sent', 'failed', 'skipped', 'uncertain'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];
