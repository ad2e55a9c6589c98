import type { MailingDetailDto } from '../read-models/mailing-schemas.js';
import type { MailingStatus, EventLevel } from '../domain/mailing-status.js';
import type { AccountHealth } from '../domain/account-health.js';
import type { HealthDetail } from '../domain/health-detail.js';
import type { InboxHealth } from '../domain/inbox.js';
import type { RecipientFeedback, RecipientState } from '../domain/recipient-states.js';
import type { RecipientOutcome } from '../domain/recipient-outcomes.js';
import type { NoteParams, StatusDetail } from '../domain/mailing-notes.js';

/**
 * The socket.io protocol, declared once: server/live implements it and src/lib/live imports the
 * same types. Every push carries `at`, the server time of the change it reports (ISO). Event
 * names end in a version so a changed payload gets a new name.
 */

export interface Viewer {
  id: number;
  name: string;
}

/** A mailing's counters after a change; pushed at most 4 times a second per mailing. */
export interface MailingProgressV1 {
  mailingId: number;
  departmentId: number;
  ownerId: number;
  status: MailingStatus;
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  uncertain: number;
  /** Recipients whose mailbox answered after the 250: bounced (hard and soft), complained, replied. */
  bounced: number;
  complained: number;
  replied: number;
  completion: number;
  sentToday: number;
  at: string;
}

/**
 * What a recipient's mailbox answered after the 250 (its ledger row stays `sent`): the strongest
 * feedback so far, the bounce's status code, and the bounce's diagnostic or the reply's first lines.
 */
export interface RecipientFeedbackChange {
  feedback: RecipientFeedback;
  status: string | null;
  note: string | null;
}

/**
 * Recipients that changed state, or heard back from their mailbox, since the last push, for a
 * watched mailing's page: `reply` is the mail server's own, `outcome` Mailroom's reason when it
 * ended the row itself.
 */
export interface RecipientChangesV1 {
  mailingId: number;
  changes: { rowId: number; email: string; state: RecipientState | 'retrying'; accountId: number | null; reply: string | null; outcome?: RecipientOutcome; feedback?: RecipientFeedbackChange; at: string }[];
  at: string;
}

export interface MailingStatusV1 {
  mailingId: number;
  departmentId: number;
  ownerId: number;
  status: MailingStatus;
  /** The English copy of `detail`; `detail` is what the UI words (absent from an older server). */
  reason: string | null;
  detail?: StatusDetail | null;
  at: string;
}

export interface MailingNotificationV1 {
  mailingId: number;
  departmentId: number;
  ownerId: number;
  level: EventLevel;
  /** What the UI words, with `params` (server/domain/mailing-notes.ts); null params: only `text` words it. */
  kind: string;
  params: NoteParams | null;
  /** The line in English. */
  text: string;
  at: string;
}

export interface AccountHealthV1 {
  accountId: number;
  departmentId: number;
  ownerId: number;
  health: AccountHealth;
  /** In English, or the server's words; `detail` is Mailroom's own reason the UI words (absent from an older server). */
  reason: string | null;
  detail?: HealthDetail | null;
  at: string;
}

/** An account's incoming side (the mailbox its bounces and replies arrive in) changed health. */
export interface InboxHealthV1 {
  accountId: number;
  departmentId: number;
  ownerId: number;
  health: InboxHealth;
  /** As in AccountHealthV1. */
  reason: string | null;
  detail?: HealthDetail | null;
  at: string;
}

export interface ViewersV1 {
  mailingId: number;
  viewers: Viewer[];
  at: string;
}

export interface ServerToClient {
  'mailing:progress:v1': (p: MailingProgressV1) => void;
  'mailing:recipients:v1': (p: RecipientChangesV1) => void;
  'mailing:status:v1': (p: MailingStatusV1) => void;
  'mailing:notification:v1': (p: MailingNotificationV1) => void;
  /**
   * Mailings appeared in (or left) a department's list this client may see: reload the page of
   * the list. `mailingId` is null when several changed at once (their owner moved department).
   */
  'mailings:changed:v2': (p: { departmentId: number; mailingId: number | null; at: string }) => void;
  'account:health:v1': (p: AccountHealthV1) => void;
  'inbox:health:v1': (p: InboxHealthV1) => void;
  'mailing:viewers:v1': (p: ViewersV1) => void;
  /** This client may no longer see a mailing it watched (it moved to another department, or is gone): it left the mailing's room. */
  'mailing:gone:v1': (p: { mailingId: number; at: string }) => void;
}

export type SubscribeReply = { ok: true; snapshot: MailingDetailDto; viewers: Viewer[]; at: string } | { ok: false; error: string };

export interface ClientToServer {
  /** Watch one mailing's page: a snapshot now, then its recipient changes and viewers. */
  'mailing:watch': (mailingId: number, reply: (r: SubscribeReply) => void) => void;
  'mailing:unwatch': (mailingId: number) => void;
}
