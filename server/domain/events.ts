import type { NoteParams, StatusDetail } from './mailing-notes.js';
import type { MailingStatus, EventLevel } from './mailing-status.js';
import type { AccountHealth } from './account-health.js';
import type { HealthDetail } from './health-detail.js';
import type { RecipientFeedback } from './recipient-states.js';
import type { RecipientOutcome } from './recipient-outcomes.js';
import type { InboxHealth } from './inbox.js';

/**
 * Every state change the engine reports, as typed domain events. Declared once: the live layer
 * and the UI import these types. `at` is the server time of the change (ISO).
 */
export interface DomainEvents {
  'recipient.sent': { mailingId: number; departmentId: number; ownerId: number; accountId: number; rowId: number; email: string; messageId: string; at: string };
  'recipient.failed': { mailingId: number; departmentId: number; ownerId: number; accountId: number | null; rowId: number; email: string; reply: string; at: string };
  'recipient.retrying': { mailingId: number; departmentId: number; ownerId: number; accountId: number; rowId: number; email: string; attempts: number; dueAt: string; reply: string; at: string };
  /** `outcome`: Mailroom's reason when no server's reply says why (the worker stopped mid-send). */
  'recipient.uncertain': { mailingId: number; departmentId: number; ownerId: number; rowId: number; email: string; outcome: RecipientOutcome | null; at: string };
  'recipient.unsubscribed': { mailingId: number; departmentId: number; ownerId: number; email: string; at: string };
  /** The recipient's mailbox answered after the 250 (read from the sender's inbox): a bounce, a complaint, a reply. */
  'recipient.feedback': { mailingId: number; departmentId: number; ownerId: number; rowId: number; email: string; feedback: RecipientFeedback; status: string | null; note: string | null; at: string };
  /** Counters changed without a per-recipient event here (another process sent): push fresh progress. */
  'mailing.counters': { mailingId: number; departmentId: number; ownerId: number; at: string };
  /** `detail` is what the UI words (server/domain/mailing-notes.ts); `reason` is its English copy. */
  'mailing.status': { mailingId: number; departmentId: number; ownerId: number; status: MailingStatus; reason: string | null; detail: StatusDetail | null; at: string };
  /** `kind` and `params` are what the UI words (server/domain/mailing-notes.ts); `text` is the English copy. */
  'mailing.notification': { mailingId: number; departmentId: number; ownerId: number; level: EventLevel; kind: string; params: NoteParams | null; text: string; at: string };
  /** The account's incoming side (its mailbox for bounces and replies) was read, or failed to be. */
  'inbox.health': { accountId: number; departmentId: number; ownerId: number; health: InboxHealth; reason: string | null; detail: HealthDetail | null; at: string };
  /** `detail`: Mailroom's own reason as values the UI words; null when `reason` is the server's words. */
  'account.health': { accountId: number; departmentId: number; ownerId: number; health: AccountHealth; reason: string | null; detail: HealthDetail | null; at: string };
  /**
   * A session ended (sign-out; named by its token's SHA-256, as it is stored), or with `tokenHash`
   * null every session of the user may no longer see what it saw (deactivated, deleted, role or
   * department changed): their live sockets close.
   */
  'session.ended': { userId: number; tokenHash: string | null; at: string };
  /**
   * A user moved to another department and their mailings (with everything else they own) moved
   * along: whoever watched those mailings from the old department may no longer see them.
   */
  'mailings.moved': { ownerId: number; fromDepartmentId: number | null; departmentId: number; at: string };
}

export type DomainEventName = keyof DomainEvents;
export type DomainEvent = { [K in DomainEventName]: { type: K } & DomainEvents[K] }[DomainEventName];
