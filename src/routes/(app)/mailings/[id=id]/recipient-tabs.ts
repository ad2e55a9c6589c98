import { RECIPIENT_STATES } from '$server/domain/recipient-states';

/** The recipients table's tabs: every ledger state, the pending ones waiting to retry, or all. */
export const RECIPIENT_TABS = ['all', ...RECIPIENT_STATES, 'retrying'] as const;
export type RecipientTab = (typeof RECIPIENT_TABS)[number];

export const TAB_LABELS: Record<RecipientTab, string> = {
  all: 'All',
  pending: 'Pending',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  skipped: 'Skipped',
  uncertain: 'Uncertain',
  retrying: 'Waiting to retry',
};
