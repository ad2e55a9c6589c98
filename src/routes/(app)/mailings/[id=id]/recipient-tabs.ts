import { RECIPIENT_FEEDBACK, RECIPIENT_STATES, type RecipientFeedback } from '$server/domain/recipient-states';
import { FEEDBACK_LABELS } from '$lib/mailings/labels';

/**
 * The recipients table's tabs: every ledger state, the pending ones waiting to retry, all, and
 * every answer a mailbox gave after the 250 (those rows stay sent).
 */
export const RECIPIENT_TABS = ['all', ...RECIPIENT_STATES, 'retrying', ...RECIPIENT_FEEDBACK] as const;
export type RecipientTab = (typeof RECIPIENT_TABS)[number];

export const isFeedbackTab = (tab: RecipientTab): tab is RecipientFeedback => (RECIPIENT_FEEDBACK as readonly string[]).includes(tab);

export const TAB_LABELS: Record<RecipientTab, string> = {
  all: 'All',
  pending: 'Pending',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  skipped: 'Skipped',
  uncertain: 'Uncertain',
  retrying: 'Waiting to retry',
  ...FEEDBACK_LABELS,
};
