import type { AccountDto } from '$server/http/schemas/accounts';
import type { InboxHealth } from '$server/domain/inbox';
import { formatDateTime } from './format';

type InboxSummary = NonNullable<AccountDto['inbox']>;

/** What an account without incoming settings misses (issue #13: it works as before, and says so). */
export const NOT_READ_TEXT = 'Bounces and replies are not read: dead addresses are mailed again and replies do not stop the mailings';

export interface InboxBadge {
  tone: 'ok' | 'bad' | 'none';
  label: string;
  /** The reason, or when the mailbox was last read through. */
  detail: string;
}

/** The badge of each health; a failing one names what failed. */
const BY_HEALTH: Record<InboxHealth, Pick<InboxBadge, 'tone' | 'label'> & { fallback: string }> = {
  ok: { tone: 'ok', label: 'Reading', fallback: 'Signed in; not read through yet' },
  unknown: { tone: 'none', label: 'Not checked', fallback: 'Not read yet' },
  auth_failed: { tone: 'bad', label: 'Sign-in refused', fallback: 'The IMAP server refused the user name or password' },
  unreachable: { tone: 'bad', label: 'Unreachable', fallback: 'The IMAP server cannot be reached' },
  folder_missing: { tone: 'bad', label: 'Folder missing', fallback: 'A folder to read does not exist on the IMAP server' },
};

/** The incoming side of an account in words, for its badge; null: it has none. */
export function inboxBadge(inbox: InboxSummary | null, timeZone: string): InboxBadge {
  if (!inbox) return { tone: 'none', label: 'Not set up', detail: NOT_READ_TEXT };
  const { tone, label, fallback } = BY_HEALTH[inbox.health];
  // A failure's own words say more than when the mailbox was read before it.
  const state = tone === 'bad' ? (inbox.healthReason ?? fallback) : inbox.lastReadAt ? `last read ${formatDateTime(inbox.lastReadAt, timeZone)}` : fallback;
  return { tone, label, detail: inbox.kind === 'sink' ? `${state} · development sink mailbox` : state };
}
