import type Mail from 'nodemailer/lib/mailer/index.js';
import type { SmtpOutcome } from '../domain/smtp-outcome.js';
import type { DomainEvent } from '../domain/events.js';
import type { NoteInput, Recorded, StatusDetail } from '../domain/mailing-notes.js';
import type { Em } from '../db/orm.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import type { Settings } from '../db/entities/settings.entity.js';
import type { Mailing } from '../db/entities/mailing.entity.js';
import type { ClaimedRecipient, HeldRow, Unsuccessful } from '../db/repositories/ledger.repository.js';
import type { RecipientRecord } from '../db/repositories/recipient-fields.js';
import type { MessageContent, SignatureContent } from '../mail/render.js';
import type { AttachmentRef } from '../db/repositories/attachment.repository.js';
import type { RecipientType } from '../domain/recipient-types.js';
import type { MailingHead, NewNote } from '../db/repositories/mailing.repository.js';
import type { AccountHealth } from '../domain/account-health.js';
import type { EventLevel, MailingStatus, MailingTransition } from '../domain/mailing-status.js';
import type { RecipientState } from '../domain/recipient-states.js';
import type { SecretBox } from '../security/secret-box.js';
import type { InboxKind } from '../domain/inbox.js';
import type { HealthDetail } from '../domain/health-detail.js';
import type { Locale } from '../domain/locales.js';
import type { RecipientOutcome } from '../domain/recipient-outcomes.js';

/**
 * What the engine needs from the outside world, declared by the engine (the consumer), as
 * listmonk's manager declares Store and Messenger. server/boot.ts wires the real ones.
 */

/** Sends one built message through one account's SMTP server. */
export interface Transport {
  send(account: SmtpAccount, credentials: MailCredentials, message: Mail.Options): Promise<SmtpOutcome>;
  close(accountId?: number): Promise<void> | void;
}

/** How an account signs in to its SMTP server: its password, or an OAuth access token (XOAUTH2). */
export type MailCredentials = { kind: 'password'; password: string } | { kind: 'oauth2'; accessToken: string };

/**
 * An account's sign-in, ready to use: the password decrypted, or a fresh access token (refreshed
 * when due, shared with other processes). Throws OAuthGrantError (server/domain/oauth-providers.ts)
 * when an OAuth grant is revoked or unusable.
 */
export interface Credentials {
  smtp(em: Em, account: EmailAccount): Promise<MailCredentials>;
  /** The incoming mailbox's sign-in: the inbox's own password, else (an OAuth account's inbox stores none) the account's access token, whose grant covers IMAP too. */
  inbox(em: Em, account: EmailAccount, passwordEnc: string | null | undefined): Promise<MailCredentials>;
}

export interface SmtpAccount {
  id: number;
  smtpHost: string;
  smtpPort: number;
  smtpSecurity: 'tls' | 'starttls' | 'none';
  smtpUser: string;
  smtpPasswordEnc?: string | null;
}

/** Where domain events go (the live hub, a test's recorder). */
export interface EventSink {
  emit(event: DomainEvent): void;
}

export type Clock = () => Date;

/**
 * The ledger, mailings and accounts as the engine reads and moves them (listmonk's `Store`),
 * implemented by server/db's repositories (`db/repositories/engine-ledger.ts`), faked in unit
 * tests. Every call runs in the unit of work `em` it is given; every change is one guarded
 * statement, so two runs never both win.
 */
export interface Ledger {
  // Recipients: claims, outcomes and moves.
  claimBatch(em: Em, accountId: number, now: Date, leaseMs: number, limit: number, claim: string): Promise<ClaimedRecipient[]>;
  release(em: Em, claim: string | null, ids: number[], now: Date): Promise<void>;
  startAttempt(em: Em, row: HeldRow, messageId: string, now: Date, leaseMs: number): Promise<boolean>;
  finishSent(em: Em, mailingId: number, claim: string, sent: { id: number; reply: string }[], now: Date): Promise<number[]>;
  finish(em: Em, id: number, mailingId: number, from: RecipientState, to: RecipientState, fields: { now: Date; lastReply?: string | null; outcome?: RecipientOutcome; messageId?: string | null; claim?: string | null }): Promise<boolean>;
  retryLater(em: Em, row: HeldRow, dueAt: Date, reply: string, now: Date): Promise<boolean>;
  expireLeases(em: Em, now: Date): Promise<{ id: number; mailingId: number; email: string }[]>;
  sentSince(em: Em, accountId: number, since: Date): Promise<number>;
  stranded(em: Em, ownerId?: number): Promise<{ id: number; vip: boolean; mailingId: number; ownerId: number }[]>;
  rebind(em: Em, ids: number[], accountId: number, now: Date): Promise<void>;
  requeue(em: Em, mailingId: number, groups: Unsuccessful[], now: Date): Promise<Record<Unsuccessful, number>>;
  skipQueued(em: Em, mailingId: number, outcome: RecipientOutcome, now: Date): Promise<number>;
  mergeInto(em: Em, ids: number[], targetId: number, now: Date): Promise<{ moved: number; duplicates: number }>;
  pendingByAccount(em: Em, mailingId: number): Promise<Map<number, number>>;
  accountsWithWork(em: Em): Promise<number[]>;

  /** Runs `work` in one database transaction: all of it is written, or none. */
  transaction<T>(em: Em, work: (tx: Em) => Promise<T>): Promise<T>;

  // Mailings: status, notes, heads.
  createCombined(em: Em, originals: Mailing[], status: 'active' | 'paused'): Promise<Mailing>;
  head(em: Em, id: number): Promise<MailingHead | null>;
  transition(em: Em, id: number, transition: MailingTransition, why: StatusDetail | null, now: Date): Promise<MailingStatus | null>;
  finishIfDone(em: Em, id: number, now: Date): Promise<boolean>;
  cancelAll(em: Em, ids: number[], why: StatusDetail, now: Date): Promise<number>;
  note(em: Em, mailingId: number, level: EventLevel, note: NoteInput, now: Date, extra?: { recipientEmail?: string; accountId?: number }): Promise<Recorded>;
  notes(em: Em, notes: NewNote[]): Promise<void>;
  liveIds(em: Em): Promise<number[]>;
  liveMailingsOfAccount(em: Em, accountId: number): Promise<number[]>;
  /** What the mailing sends, as it is now (null where deleted). */
  content(em: Em, head: Pick<MailingHead, 'messageId' | 'signatureId' | 'ownerId'>): Promise<{ content: MessageContent | null; signature: SignatureContent | null; attachments: AttachmentRef[]; locale: Locale }>;
  /** The CRM records behind ledger rows, as template fields; a deleted record is missing. */
  recipientRecords<T extends RecipientType>(em: Em, type: T, ids: number[]): Promise<Map<number, RecipientRecord<T>>>;
  /** The organisation's settings (calendar, zone, footer). */
  settings(em: Em): Promise<Settings>;

  /** Keeps a test send's Message-ID before it is sent, so the mail it makes can be traced to its mailing. */
  recordTestSend(em: Em, send: { messageId: string; mailingId: number; accountId: number }, now: Date): Promise<void>;

  // Accounts: the ones that send, their pace and health.
  account(em: Em, id: number): Promise<EmailAccount | null>;
  accountsOf(em: Em, ownerId: number): Promise<EmailAccount[]>;
  nextSends(em: Em, ids: number[]): Promise<{ id: number; nextSendAt: Date | null }[]>;
  setNextSend(em: Em, accountId: number, at: Date): Promise<void>;
  /** Stores a verdict on the account; with `onlyFrom`, only while its health is still that one. False when it was not. */
  setHealth(em: Em, accountId: number, verdict: { health: AccountHealth; healthReason: string | null; healthDetail: HealthDetail | null; healthCheckedAt: Date }, onlyFrom?: AccountHealth): Promise<boolean>;
}

/** Where an account's incoming mailbox is and who signs in to it (the credentials come apart, decrypted). */
export interface InboxLogin {
  kind: InboxKind;
  accountId: number;
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  user: string;
}

/** A folder as it was opened: its UIDVALIDITY, and the UID the next message will get. */
export interface OpenFolder {
  uidValidity: number;
  uidNext: number;
}

/** One message of a folder, as the mailbox holds it. */
export interface MailboxMessage {
  uid: number;
  /** Its bytes, cut at the reader's size limit (a bounce's verdict is in its first part). */
  source: Buffer;
}

/**
 * One signed-in, read-only connection to an account's incoming mailbox. It never sets a flag
 * (no \\Seen: messages are fetched with BODY.PEEK), deletes or expunges; `move` is used only for
 * an inbox whose owner opted in to moving processed bounces.
 */
export interface MailboxSession {
  /** Opens a folder read-only; throws MailboxError (server/domain/inbox.ts) `folder_missing` when there is none. */
  open(folder: string): Promise<OpenFolder>;
  /** The open folder's messages with UID ≥ `fromUid`, in UID order, at most `limit`. */
  fetch(fromUid: number, limit: number): AsyncIterable<MailboxMessage>;
  /**
   * Waits until the open folder may have new mail (IMAP IDLE) or `ms` pass, whichever is first;
   * resolves false at once when the server cannot tell (no IDLE), and the caller polls instead.
   */
  waitForNews(ms: number): Promise<boolean>;
  move(uids: number[], folder: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens sessions to incoming mailboxes (IMAP servers; the development sink's mailbox). Throws MailboxError. */
export interface Mailboxes {
  connect(login: InboxLogin, credentials: MailCredentials): Promise<MailboxSession>;
}

/** Everything the engine's modules share, built once by the composition root. */
export interface EngineContext {
  /** A fresh unit of work (an entity manager fork) for one run or one pass. */
  unitOfWork: () => Em;
  ledger: Ledger;
  secrets: SecretBox;
  transport: Transport;
  credentials: Credentials;
  events: EventSink;
  now: Clock;
  /** Real milliseconds, for a run's deadlines and batching, even where `now` is a test's simulated clock. */
  wallClock: () => number;
  random: () => number;
  /** How long a claimed row may stay `sending` before recovery calls it uncertain. */
  leaseMs: number;
  /** Where messages' files live by their SHA-256 (server/db/attachment-files.ts); absent where no message has files (unit tests). */
  attachmentsDir?: string;
}

/** The part of the context that rules moving only ledger rows and statuses need (a unit test's fake ledger is enough). */
export type LedgerContext = Pick<EngineContext, 'ledger' | 'events' | 'now'>;
