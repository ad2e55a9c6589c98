import { MailboxError, type InboxHealth } from '../domain/inbox.js';
import type { HealthDetail } from '../domain/health-detail.js';
import type { MailCredentials } from '../engine/ports.js';
import { IMAP_LIMITS, openImapSession, type ImapLimits, type ImapServer } from './imap-mailbox.js';

/** Signs in to an inbox's IMAP server once, opens every folder it reads, and says how it went. */

export interface ImapCheckOutcome {
  health: Exclude<InboxHealth, 'unknown'>;
  /** In English. */
  message: string;
  /** A failure as values the UI words (null: signed in, or a reason given only in English). */
  detail: HealthDetail | null;
}

/** Someone waits on "Test": shorter than the intake's limits, as the SMTP check's 10 s. */
const CHECK_LIMITS: Partial<ImapLimits> = { timeoutMs: 10_000, commandTimeoutMs: 20_000 };

export async function checkImapLogin(
  login: ImapServer & { folders: string[]; bounceFolder: string | null },
  credentials: MailCredentials,
  opts: { limits?: Partial<ImapLimits> } = {},
): Promise<ImapCheckOutcome> {
  // The bounce folder too: moving into a missing one would fail at the first bounce.
  const folders = [...new Set([...login.folders, ...(login.bounceFolder ? [login.bounceFolder] : [])])];
  let session;
  try {
    session = await openImapSession(login, credentials, { ...IMAP_LIMITS, ...CHECK_LIMITS, ...opts.limits });
    for (const folder of folders) await session.open(folder);
    return { health: 'ok', message: `Signed in to ${login.host}:${login.port} as ${login.user} and opened ${folders.join(', ')}`, detail: null };
  } catch (err) {
    if (err instanceof MailboxError) return { health: err.health, message: err.message, detail: err.detail };
    throw err;
  } finally {
    await session?.close();
  }
}
