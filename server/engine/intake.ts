import { createHash } from 'node:crypto';
import type { Classified } from '../domain/feedback.js';
import { MailboxError, type InboxHealth } from '../domain/inbox.js';
import type { HealthDetail } from '../domain/health-detail.js';
import type { Em } from '../db/orm.js';
import type { Inbox } from '../db/entities/inbox.entity.js';
import { intakeRepository } from '../db/repositories/intake.repository.js';
import type { EngineContext, MailCredentials, Mailboxes, MailboxSession } from './ports.js';
import { grantDetail, OAuthGrantError } from '../domain/oauth-providers.js';
import { applyFeedbackPage, type InboxAccount, type IncomingMessage } from './feedback.js';

/**
 * Reads an account's incoming mailbox: every folder from where it was left (by UID, while its
 * UIDVALIDITY holds), each message classified and acted on, then (where the server has IDLE)
 * waiting for new mail until the run's deadline. Nothing is marked read, moved or deleted, unless
 * the owner opted in to moving processed bounces.
 *
 * A batch (one FETCH, a page of messages) is classified, then applied in one transaction with the
 * folder's cursor moved past it: a page is done or not. A crash in the middle of a page rolls it back
 * whole, and the next run reads it again from the cursor; what was done before is recognised by the
 * messages' rows in feedback_events (unique per account, message and address), so no message acts
 * twice and none is missed.
 */

export interface IntakeContext extends EngineContext {
  mailboxes: Mailboxes;
  /** The classifier (server/mail/feedback): a message's bytes to what it is; mail to `unsubscribeAddresses` may be an unsubscribe request. */
  classify: (source: Buffer, opts: { unsubscribeAddresses: string[] }) => Promise<Classified>;
}

export interface IntakeRun {
  /** Wall-clock ms after which the run stops waiting for news and returns. */
  deadline: number;
  stopping: () => boolean;
  /** Messages fetched per round trip. */
  batch?: number;
}

export interface IntakeResult {
  /** Messages read and classified. */
  read: number;
  /** Messages that changed something (a row's feedback, a suppression, a stop). */
  acted: number;
  health: InboxHealth;
  /** Accounts that received recipients of an account this run stopped. */
  wake: number[];
  /** Whether the server can tell of new mail (IDLE): the job then reads again at once, else it polls. */
  idles: boolean;
  /** The run ended (its time up, or told to stop) with messages left to read: the job comes back at once. */
  more: boolean;
}

const DEFAULT_BATCH = 200;
/** Messages of a batch classified at once. */
const CLASSIFYING = 8;

/** The message's identity: its Message-ID when it has one (the same message copied twice is one), else its bytes. */
export function messageKey(messageId: string | null, source: Buffer): string {
  const hash = createHash('sha256');
  return (messageId ? hash.update(`id:${messageId.trim().toLowerCase()}`) : hash.update(source)).digest('hex');
}

/** Reads the inbox; null when it is gone (removed, or its account deleted), and its job with it. */
export async function readInbox(ctx: IntakeContext, inboxId: number, run: IntakeRun): Promise<IntakeResult | null> {
  const em = ctx.unitOfWork();
  const result: IntakeResult = { read: 0, acted: 0, health: 'unknown', wake: [], idles: false, more: false };
  const inbox = await intakeRepository.inbox(em, inboxId);
  if (!inbox) return null;
  const account: InboxAccount = { id: inbox.account.id, ownerId: inbox.account.getEntity().owner.id, departmentId: inbox.account.getEntity().department.id };

  // A mailed "unsubscribe" is a request when it is written to the organisation's List-Unsubscribe
  // mailbox, or in answer to the account itself (what most people do): not a reply to act on.
  const mailto = (await ctx.ledger.settings(em)).unsubscribeMailto;
  const unsubscribeAddresses = [inbox.account.getEntity().fromEmail, ...(mailto ? [mailto] : [])];
  const classify = (source: Buffer) => ctx.classify(source, { unsubscribeAddresses });
  let session: MailboxSession | null = null;
  try {
    session = await ctx.mailboxes.connect(
      { kind: inbox.kind, accountId: account.id, host: inbox.host, port: inbox.port, security: inbox.security, user: inbox.user },
      await signIn(ctx, em, inbox),
    );
    for (;;) {
      for (const folder of inbox.folders) await readFolder(ctx, classify, em, session, inbox, account, folder, run, result);
      await setHealth(ctx, em, inbox, account, 'ok', null, null, result);
      const left = run.deadline - ctx.wallClock();
      if (left <= 0 || run.stopping()) break;
      // IDLE watches the selected folder only: the last one read. With several folders the job
      // comes back for the others on its next run.
      result.idles = await session.waitForNews(left);
      if (!result.idles || run.stopping()) break;
    }
  } catch (err) {
    if (!(err instanceof MailboxError)) throw err;
    await setHealth(ctx, em, inbox, account, err.health, err.message, err.detail, result);
  } finally {
    await session?.close().catch(() => {});
  }
  return result;
}

/**
 * The inbox's sign-in. An OAuth grant that is revoked or lacks the IMAP scope refuses the sign-in
 * as a wrong password would (the inbox turns red with the reason); a provider out of reach is the
 * server out of reach. A demo (sink) inbox's stored secret is no IMAP password and no grant.
 */
async function signIn(ctx: IntakeContext, em: Em, inbox: Inbox): Promise<MailCredentials> {
  // The demo stores a sink inbox's secret always.
  if (inbox.kind === 'sink') return { kind: 'password', password: ctx.secrets.decrypt(inbox.passwordEnc!) };
  try {
    return await ctx.credentials.inbox(em, inbox.account.getEntity(), inbox.passwordEnc);
  } catch (err) {
    if (!(err instanceof OAuthGrantError)) throw err;
    throw MailboxError.of(err.kind === 'revoked' ? 'auth_failed' : 'unreachable', grantDetail(err));
  }
}

/**
 * Reads a folder from its cursor, a batch at a time, until it is read through or the run may not go
 * on: a mailbox can hold more than a run's time reads (years of mail read the first time, or a server
 * that never stops announcing messages), and a graceful stop waits for the run. Each folder gets at
 * least one batch per run. While a batch is written, the next one is fetched and classified (the
 * server and the database work while this process parses); it is applied only if the run goes on,
 * else the next run reads it again.
 */
async function readFolder(ctx: IntakeContext, classify: (source: Buffer) => Promise<Classified>, em: Em, session: MailboxSession, inbox: Inbox, account: InboxAccount, folder: string, run: IntakeRun, result: IntakeResult) {
  const batch = run.batch ?? DEFAULT_BATCH;
  const { uidValidity } = await session.open(folder);
  const goesOn = () => ctx.wallClock() < run.deadline && !run.stopping();
  // A new UIDVALIDITY renumbers the folder: it is read again from the start, and the messages
  // already acted on are recognised by their keys.
  let page = await readPage(classify, session, folder, (await intakeRepository.resumeAt(em, inbox.id, folder, uidValidity)) ?? 1, batch);
  while (page.length) {
    const after = page[page.length - 1].uid! + 1;
    const writing = applyFeedbackPage(ctx, em, account, page, (tx) => intakeRepository.advance(tx, inbox.id, folder, uidValidity, after, ctx.now()));
    const reading = goesOn() ? readPage(classify, session, folder, after, batch) : Promise.resolve(null);
    // Both settle before anything is thrown, so no read is left running behind a failed write.
    const [written, read] = await Promise.allSettled([writing, reading]);
    if (written.status === 'rejected') throw written.reason;
    const applied = written.value;
    result.read += page.length;
    result.acted += applied.messages.filter((a) => a.rows.length || a.suppressed.length || a.stopped).length;
    result.wake.push(...applied.wake);
    const moves = inbox.bounceFolder ? page.filter((m, i) => (m.classified.kind === 'hard_bounce' || m.classified.kind === 'soft_bounce') && applied.messages[i].rows.length).map((m) => m.uid!) : [];
    if (moves.length) await session.move(moves, inbox.bounceFolder!);
    if (read.status === 'rejected') throw read.reason;
    if (!goesOn() || !read.value) {
      result.more = true;
      return;
    }
    page = read.value;
  }
}

/** A batch of the folder from `fromUid`, classified: a few messages at a time, so the parser works while the server sends the next ones and memory holds a few sources. */
async function readPage(classify: (source: Buffer) => Promise<Classified>, session: MailboxSession, folder: string, fromUid: number, batch: number): Promise<IncomingMessage[]> {
  const reading: Promise<IncomingMessage>[] = [];
  for await (const message of session.fetch(fromUid, batch)) {
    if (reading.length >= CLASSIFYING) await reading[reading.length - CLASSIFYING];
    reading.push(classifySafely(classify, message.source, `${folder} UID ${message.uid}`).then((classified) => ({ folder, uid: message.uid, key: messageKey(classified.messageId, message.source), classified })));
  }
  return Promise.all(reading);
}

/**
 * The classifier is written not to throw; should it anyway, the message is passed over as
 * unrelated, or it would stop the folder's cursor on it for good. (A database error, by contrast,
 * stops the run, and the message is read again next time.)
 */
async function classifySafely(classify: (source: Buffer) => Promise<Classified>, source: Buffer, where: string): Promise<Classified> {
  try {
    return await classify(source);
  } catch (err) {
    console.error(`[intake] could not classify ${where}; passed over: ${(err as Error).message}`);
    return { kind: 'unrelated', messageId: null, from: null, date: null, subject: '', refs: [], listId: null, recipients: [], excerpt: null };
  }
}

async function setHealth(ctx: IntakeContext, em: Em, inbox: Inbox, account: InboxAccount, health: InboxHealth, reason: string | null, detail: HealthDetail | null, result: IntakeResult) {
  result.health = health;
  const now = ctx.now();
  if (await intakeRepository.setHealth(em, inbox.id, health, reason, detail, now)) {
    ctx.events.emit({ type: 'inbox.health', accountId: account.id, departmentId: account.departmentId, ownerId: account.ownerId, health, reason, detail, at: now.toISOString() });
  }
}
