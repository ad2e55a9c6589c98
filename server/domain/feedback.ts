/** What an incoming message is, as the classifier (server/mail/feedback) reads it. */
export const FEEDBACK_KINDS = ['hard_bounce', 'soft_bounce', 'complaint', 'reply', 'auto_reply', 'unsubscribe', 'unrelated'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
