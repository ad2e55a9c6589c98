/** What an incoming message is, as the classifier (server/mail/feedback) reads it. */
export const FEEDBACK_KINDS = ['hard_bounce', 'soft_bounce', 'complaint', 'reply', 'auto_reply', 'unsubscribe', 'unrelated'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** One incoming message as the classifier read it. */
export interface Classified {
  kind: FeedbackKind;
  /** This message's own Message-ID. */
  messageId: string | null;
  /** The sender's address, lower-case. */
  from: string | null;
  date: Date | null;
  subject: string;
  /** Message-IDs it refers to: the returned original's (bounce, complaint), or In-Reply-To and References (reply). */
  refs: string[];
  /** The List-Id of the returned original (`mailing-42.example.com`). */
  listId: string | null;
  /** Per address: a bounce's recipients, a complaint's complained address. */
  recipients: { email: string; action: string | null; status: string | null; diagnostic: string | null; severity: 'hard' | 'soft' }[];
  /** A reply's or auto-reply's first lines. */
  excerpt: string | null;
}
