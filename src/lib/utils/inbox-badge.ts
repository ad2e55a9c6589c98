import type { AccountDto } from '$server/http/schemas/accounts';
import type { InboxHealth } from '$server/domain/inbox';
import { m } from '$lib/paraglide/messages';
import { formatDateTime } from './format';
import { healthDetailText, healthReasonText } from './health-text';
import type { HealthDetail } from '$server/domain/health-detail';
import { locale } from '$lib/i18n/locale.svelte';

type InboxSummary = NonNullable<AccountDto['inbox']>;

/** What an account without incoming settings misses (issue #13: it works as before, and says so). */
export const notReadText = () => m.inbox_not_read();

export interface InboxBadge {
  tone: 'ok' | 'bad' | 'none';
  label: string;
  /** The reason, or when the mailbox was last read through. */
  detail: string;
}

/** The badge of each health; a failing one names what failed. */
const BY_HEALTH: Record<InboxHealth, { tone: InboxBadge['tone']; label: () => string; fallback: () => string }> = {
  ok: { tone: 'ok', label: m.inbox_ok, fallback: m.inbox_ok_fallback },
  unknown: { tone: 'none', label: m.inbox_unknown, fallback: m.inbox_unknown_fallback },
  auth_failed: { tone: 'bad', label: m.inbox_auth_failed, fallback: m.inbox_auth_failed_fallback },
  unreachable: { tone: 'bad', label: m.inbox_unreachable, fallback: m.inbox_unreachable_fallback },
  folder_missing: { tone: 'bad', label: m.inbox_folder_missing, fallback: m.inbox_folder_missing_fallback },
};

/** An IMAP connection test's answer: a failure's detail worded with the server's reply as it came; else the English words, or the health code worded. */
export const imapTestText = (result: { health: InboxHealth; message: string; detail?: HealthDetail | null }): string =>
  result.detail ? healthDetailText(result.detail, result.message) : locale.current === 'en' ? result.message : result.health === 'ok' ? m.inbox_test_ok() : BY_HEALTH[result.health].fallback();

/** The incoming side of an account in words, for its badge; null: it has none. */
export function inboxBadge(inbox: InboxSummary | null, timeZone: string): InboxBadge {
  if (!inbox) return { tone: 'none', label: m.inbox_not_set_up(), detail: notReadText() };
  const { tone, label, fallback } = BY_HEALTH[inbox.health];
  // A failure's own words say more than when the mailbox was read before it.
  const state = tone === 'bad' ? (healthReasonText(inbox) ?? fallback()) : inbox.lastReadAt ? m.inbox_last_read({ at: formatDateTime(inbox.lastReadAt, timeZone) }) : fallback();
  return { tone, label: label(), detail: inbox.kind === 'sink' ? m.inbox_sink({ state }) : state };
}
