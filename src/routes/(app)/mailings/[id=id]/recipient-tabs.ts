import { RECIPIENT_FEEDBACK, RECIPIENT_STATES, type RecipientFeedback } from '$server/domain/recipient-states';
import { FEEDBACK_LABELS } from '$lib/mailings/labels';
import { m } from '$lib/paraglide/messages';
import { translated } from '$lib/i18n/translated';

/**
 * The recipients table's tabs: every ledger state, the pending ones waiting to retry, all, and
 * every answer a mailbox gave after the 250 (those rows stay sent).
 */
export const RECIPIENT_TABS = ['all', ...RECIPIENT_STATES, 'retrying', ...RECIPIENT_FEEDBACK] as const;
export type RecipientTab = (typeof RECIPIENT_TABS)[number];

export const isFeedbackTab = (tab: RecipientTab): tab is RecipientFeedback => (RECIPIENT_FEEDBACK as readonly string[]).includes(tab);

export const TAB_LABELS: Record<RecipientTab, string> = translated({
  all: m.tab_all,
  pending: m.c_pending,
  sending: m.c_sending,
  sent: m.c_sent,
  failed: m.c_failed,
  skipped: m.c_skipped,
  uncertain: m.c_uncertain,
  retrying: m.c_retrying,
  bounced: () => FEEDBACK_LABELS.bounced,
  soft_bounced: () => FEEDBACK_LABELS.soft_bounced,
  complained: () => FEEDBACK_LABELS.complained,
  replied: () => FEEDBACK_LABELS.replied,
  auto_replied: () => FEEDBACK_LABELS.auto_replied,
});
