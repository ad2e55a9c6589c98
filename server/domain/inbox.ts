import { healthText, type HealthDetail } from './health-detail.js';
import { serverReply } from './server-reply.js';
/**
 * An account's incoming side: the mailbox its bounces and replies arrive in. `imap` reads a real
 * server; `sink` reads the development sink's mailbox (demo accounts), through the same intake.
 */
export const INBOX_KINDS = ['imap', 'sink'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

/** Stored health of the incoming side, apart from the sending side's. */
export const INBOX_HEALTH = ['unknown', 'ok', 'auth_failed', 'unreachable', 'folder_missing'] as const;
export type InboxHealth = (typeof INBOX_HEALTH)[number];

/**
 * A mailbox that could not be read, with the health it gives the inbox. Thrown by the readers in
 * server/mail and caught by the intake in server/engine, so it lives where both may import it.
 */
export class MailboxError extends Error {
  constructor(
    readonly health: Exclude<InboxHealth, 'ok' | 'unknown'>,
    message: string,
    /** Mailroom's own reason as values the UI words; absent when `message` is the server's words. */
    readonly detail: HealthDetail | null = null,
  ) {
    super(message);
  }

  /** Mailroom's reason as values, with its English copy as the message; the server's reply as Mailroom keeps it. */
  static of(health: Exclude<InboxHealth, 'ok' | 'unknown'>, detail: HealthDetail): MailboxError {
    const kept = 'reply' in detail && detail.reply ? ({ ...detail, reply: serverReply(detail.reply) } as HealthDetail) : detail;
    return new MailboxError(health, healthText(kept), kept);
  }
}
