import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Em } from '../db/orm.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import type { Settings } from '../db/entities/settings.entity.js';
import type { ClaimedRecipient } from '../db/repositories/ledger.repository.js';
import type { MailingHead } from '../db/repositories/mailing.repository.js';
import { MAX_ATTEMPTS, retryDelayMs } from '../domain/smtp-outcome.js';
import type { RecipientType } from '../domain/recipient-types.js';
import { TemplateError, type MessageContent, type SignatureContent } from '../mail/render.js';
import type { EngineContext, MailCredentials } from './ports.js';
import type { Locale } from '../domain/locales.js';
import { grantDetail, OAuthGrantError } from '../domain/oauth-providers.js';
import type { AttachmentRef } from '../db/repositories/attachment.repository.js';
import { compose } from './compose.js';
import type { RecipientRecord } from '../db/repositories/recipient-fields.js';
import { changeStatus, interrupt, reportUncertain } from './mailing-events.js';
import { UnpreparableError, type InterruptReason } from '../domain/mailing-interrupts.js';
import { failAccount } from './account-failure.js';
import { newMessageId } from '../mail/build-message.js';

/** A mailing's content as one run of an account job sees it (re-read on the next run). */
export interface MailingContent {
  head: MailingHead;
  content: MessageContent | null;
  signature: SignatureContent | null;
  /** Sent with every recipient's message; the bytes are streamed from disk by nodemailer. */
  attachments: AttachmentRef[];
  /** The owner's language, for the words Mailroom adds to each message. */
  locale: Locale;
}

export async function loadMailingContent(ctx: EngineContext, em: Em, mailingId: number): Promise<MailingContent | null> {
  const head = await ctx.ledger.head(em, mailingId);
  return head ? { head, ...(await ctx.ledger.content(em, head)) } : null;
}

/** What a run of claimed recipients came to. */
export interface BatchResult {
  /** Messages the server accepted (they count against the daily limit). */
  sent: number;
  /** Set when the run cannot go on: the mailing stopped, or the account was switched off. */
  stopped: 'mailing' | 'account' | null;
}

/** One recipient's attempt, before anything about it is written. */
type Attempt =
  | { kind: 'sent'; reply: string; messageId: string }
  | { kind: 'moved_on' }
  | { kind: 'recorded' }
  | { kind: 'account'; health: 'auth_failed' | 'sender_refused'; reply: string }
  | { kind: 'stop'; reason: InterruptReason };

const at = (ctx: EngineContext) => ctx.now().toISOString();

/**
 * Sends a run of claimed recipients of one mailing, one after the other on the account's
 * connection: render → mark started → send → record. The claims (state `sending`) were committed
 * before this runs; each row also gets its Message-ID, committed, just before its own SMTP
 * transaction, so a crash leaves recovery to tell the untried rows (back to the queue) from the
 * ones in flight (uncertain, never resent). The next recipient is prepared while the current one
 * is on the wire, and accepted messages are recorded a few at a time off the sending path (one
 * statement each time, not a transaction per message); the rarer outcomes are recorded as they happen.
 * When the account or the mailing must stop, or `enough()` says the run must start no more
 * messages (it ran long, or the worker is shutting down), the claims not yet
 * sent are released.
 */
export async function deliverBatch(ctx: EngineContext, em: Em, account: EmailAccount, settings: Settings, claimed: ClaimedRecipient[], mailing: MailingContent, enough: () => boolean): Promise<BatchResult> {
  const { head } = mailing;
  /** Gives back the claims from `from` on that this run still holds. */
  const giveBack = (from: number) => ctx.ledger.release(em, claimed[0].claim, claimed.slice(from).map((c) => c.id), ctx.now());
  const stopMailing = async (from: number, reason: InterruptReason): Promise<BatchResult> => {
    await giveBack(from);
    await interrupt(ctx, em, head.id, reason);
    return { sent: 0, stopped: 'mailing' };
  };

  // The message was deleted: nobody can send this mailing any more.
  if (!mailing.content) return stopMailing(0, { code: 'message_deleted' });
  const ready = { ...mailing, content: mailing.content };
  let credentials: MailCredentials;
  try {
    credentials = await ctx.credentials.smtp(em, account);
  } catch (err) {
    // The OAuth grant is revoked, expired or lacks a scope: the mailbox is refused as surely as a
    // wrong password, so the account turns red (its owner reconnects it) and its recipients move.
    if (err instanceof OAuthGrantError && err.kind === 'revoked') {
      await giveBack(0);
      await failAccount(ctx, em, account, 'auth_failed', grantDetail(err));
      return { sent: 0, stopped: 'account' };
    }
    // The provider cannot be reached: nothing was sent; the claims go back for the account's next run.
    if (err instanceof OAuthGrantError) {
      await giveBack(0);
      return { sent: 0, stopped: 'account' };
    }
    // A changed SECRET_KEY fails for every recipient: the mailing stops with the reason.
    return stopMailing(0, unpreparable(err));
  }
  const records = await ctx.ledger.recipientRecords(em, head.recipientType as RecipientType, claimed.map((c) => c.recipientId));

  const recorder = acceptedRecorder(ctx, em, head, account.id, claimed);
  let stopped: BatchResult['stopped'] = null;
  const prepare = (i: number) => prepareOne(ctx, em, account, settings, claimed[i], ready, records.get(claimed[i].recipientId));
  let upcoming: Promise<Prepared | Attempt> | null = prepare(0);
  try {
    for (let i = 0; upcoming; i++) {
      const prepared: Prepared | Attempt = await upcoming;
      // The next recipient is rendered and marked started while this one is on the wire. A slow
      // server ends the batch early (its job keeps renewing its lock); the rest go back.
      const goOn = i + 1 < claimed.length && !enough();
      if (!goOn) await giveBack(i + 1);
      upcoming = goOn ? prepare(i + 1) : null;
      const attempt = prepared.kind === 'ready' ? await transmit(ctx, em, account, credentials, head, claimed[i], prepared) : prepared;
      if (attempt.kind === 'sent') recorder.add({ id: claimed[i].id, reply: attempt.reply, messageId: attempt.messageId });
      if (attempt.kind !== 'moved_on' && attempt.kind !== 'account' && attempt.kind !== 'stop') continue;
      // Whatever comes next stays unsent: the release below also undoes its start.
      await upcoming?.catch(() => undefined);
      upcoming = null;
      // Cancelled or combined meanwhile (they take unstarted claims), or the lease ran out: stop
      // here and give back what is still ours.
      if (attempt.kind === 'moved_on') await giveBack(i);
      // The mailbox itself is refused: this recipient and the rest go back to the queue (never
      // accepted), then the account turns red and its recipients move to the owner's other accounts.
      if (attempt.kind === 'account') {
        await giveBack(i);
        await failAccount(ctx, em, account, attempt.health, attempt.reply);
        stopped = 'account';
      }
      if (attempt.kind === 'stop') stopped = (await stopMailing(i, attempt.reason)).stopped;
    }
  } finally {
    await upcoming?.catch(() => undefined);
    await recorder.done();
  }
  return { sent: recorder.accepted, stopped };
}

interface Accepted {
  id: number;
  reply: string;
  messageId: string;
}

/** How often a run records the messages accepted since the last time. */
const RECORD_EVERY_MS = 100;

/**
 * Records accepted messages as a run goes: one statement for what was accepted in the last
 * RECORD_EVERY_MS, written while the next messages are on the wire, so watchers see progress in
 * small steps and sending never waits for the database. done() writes the rest and reports the
 * first failure (the rows it could not record stay in flight, and recovery calls them uncertain).
 */
function acceptedRecorder(ctx: EngineContext, em: Em, head: MailingHead, accountId: number, claimed: ClaimedRecipient[]) {
  let waiting: Accepted[] = [];
  let lastWrite = ctx.wallClock();
  let writes: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  const write = () => {
    const batch = waiting;
    waiting = [];
    lastWrite = ctx.wallClock();
    if (!batch.length) return;
    writes = writes.then(() => recordAccepted(ctx, em, head, accountId, claimed, batch)).catch((err: unknown) => void (failure ??= err));
  };
  return {
    /** Messages the server accepted in this run (they count against the daily limit). */
    accepted: 0,
    add(message: Accepted) {
      waiting.push(message);
      this.accepted++;
      if (ctx.wallClock() - lastWrite >= RECORD_EVERY_MS) write();
    },
    async done() {
      write();
      await writes;
      if (failure) throw failure;
    },
  };
}

/** Records accepted messages and tells the live layer about each. */
async function recordAccepted(ctx: EngineContext, em: Em, head: MailingHead, accountId: number, claimed: ClaimedRecipient[], accepted: Accepted[]): Promise<void> {
  const recorded = new Set(await ctx.ledger.finishSent(em, head.id, claimed[0].claim, accepted, ctx.now()));
  for (const { id, messageId } of accepted) {
    if (!recorded.has(id)) continue;
    const row = claimed.find((c) => c.id === id)!;
    ctx.events.emit({ type: 'recipient.sent', mailingId: head.id, departmentId: head.departmentId, ownerId: head.ownerId, accountId, rowId: id, email: row.email, messageId, at: at(ctx) });
  }
}

/** Why a message cannot be prepared: Mailroom's own cause as values, a template's or library's words verbatim. */
function unpreparable(err: unknown): InterruptReason {
  if (err instanceof UnpreparableError) return err.reason;
  if (err instanceof TemplateError) return { code: 'message_unrenderable', error: err.message, problem: err.problem };
  return { code: 'message_unpreparable', error: (err as Error).message };
}

/** A recipient's message, rendered, and its row marked as handed to SMTP. */
interface Prepared {
  kind: 'ready';
  message: Mail.Options;
  messageId: string;
}

/** Everything before the SMTP transaction; anything but `ready` is already recorded or stops the run. */
async function prepareOne(
  ctx: EngineContext, em: Em, account: EmailAccount, settings: Settings,
  claimed: ClaimedRecipient, mailing: MailingContent & { content: MessageContent }, record: RecipientRecord<RecipientType> | undefined,
): Promise<Prepared | Attempt> {
  const { head } = mailing;
  // The CRM record was deleted, or opted out or was disqualified since the mailing was made: skip it.
  if (!record?.mailable) {
    await ctx.ledger.finish(em, claimed.id, head.id, 'sending', 'skipped', { now: ctx.now(), claim: claimed.claim, outcome: { code: record ? 'opted_out' : 'record_deleted' } });
    return { kind: 'recorded' };
  }
  const messageId = newMessageId(account.fromEmail.split('@')[1] ?? 'mailroom.local');
  let message;
  try {
    message = await compose(ctx.secrets, {
      mailingId: head.id, recipientType: head.recipientType as RecipientType, content: mailing.content, signature: mailing.signature,
      account, settings, to: { email: claimed.email, name: claimed.name }, fields: record.fields, rowId: claimed.id, messageId,
      attachments: mailing.attachments, attachmentsDir: ctx.attachmentsDir, locale: mailing.locale,
    });
  } catch (err) {
    // Nothing was sent, so the row goes back to the queue (never to "uncertain"). A template that
    // cannot render would fail for everyone: the mailing stops with the reason.
    return { kind: 'stop', reason: unpreparable(err) };
  }
  // Committed before the SMTP transaction, so that even an uncertain send has a traceable Message-ID.
  if (!(await ctx.ledger.startAttempt(em, claimed, messageId, ctx.now(), ctx.leaseMs))) return { kind: 'moved_on' };
  return { kind: 'ready', message, messageId };
}

/** The SMTP transaction, with one commented branch per outcome. */
async function transmit(ctx: EngineContext, em: Em, account: EmailAccount, credentials: MailCredentials, head: MailingHead, claimed: ClaimedRecipient, prepared: Prepared): Promise<Attempt> {
  const outcome = await ctx.transport.send(account, credentials, prepared.message);
  const now = ctx.now();
  switch (outcome.kind) {
    // Accepted by the server: recorded with the run's other accepted messages.
    case 'sent':
      return { kind: 'sent', reply: outcome.reply, messageId: prepared.messageId };

    // Refused for this recipient only: the recipient fails, the mailing goes on with an error.
    case 'recipient':
      await recordFailure(ctx, em, head, claimed, account.id, outcome.reply);
      return { kind: 'recorded' };

    // Try later with backoff; after the last attempt it is a failure like any other.
    case 'temporary': {
      if (claimed.round >= MAX_ATTEMPTS) {
        await recordFailure(ctx, em, head, claimed, account.id, outcome.reply, claimed.attempts);
        return { kind: 'recorded' };
      }
      const dueAt = new Date(now.getTime() + retryDelayMs(claimed.round));
      if (!(await ctx.ledger.retryLater(em, claimed, dueAt, outcome.reply, now))) return { kind: 'recorded' };
      ctx.events.emit({ type: 'recipient.retrying', mailingId: head.id, departmentId: head.departmentId, ownerId: head.ownerId, accountId: account.id, rowId: claimed.id, email: claimed.email, attempts: claimed.attempts, dueAt: dueAt.toISOString(), reply: outcome.reply, at: at(ctx) });
      return { kind: 'recorded' };
    }

    // The connection was lost or timed out after the whole message went out, before the server
    // answered: it may have been delivered. Shown as uncertain, never resent silently.
    case 'uncertain':
      if (await ctx.ledger.finish(em, claimed.id, head.id, 'sending', 'uncertain', { now, claim: claimed.claim, lastReply: outcome.reply })) {
        await reportUncertain(ctx, em, head, claimed, { cause: 'connection_lost', reply: outcome.reply }, account.id);
      }
      return { kind: 'recorded' };

    // The mailbox itself is refused (handled for the whole run by deliverBatch).
    case 'account':
      return { kind: 'account', health: outcome.health, reply: outcome.reply };

    // The message cannot be sent by anyone: stop the mailing.
    case 'critical':
      return { kind: 'stop', reason: { code: 'message_refused', reply: outcome.reply } };

    default: {
      const unhandled: never = outcome;
      throw new Error(`Unhandled outcome ${JSON.stringify(unhandled)}`);
    }
  }
}

/** `attempts`: given up after that many temporary refusals (absent: refused for good at once). */
async function recordFailure(ctx: EngineContext, em: Em, head: MailingHead, claimed: ClaimedRecipient, accountId: number, reply: string, attempts?: number) {
  const now = ctx.now();
  if (!(await ctx.ledger.finish(em, claimed.id, head.id, 'sending', 'failed', { now, claim: claimed.claim, lastReply: reply }))) return;
  const params = { email: claimed.email, reply, ...(attempts === undefined ? {} : { attempts }) };
  const said = await ctx.ledger.note(em, head.id, 'error', { kind: 'recipient_failed', params }, now, { recipientEmail: claimed.email, accountId });
  ctx.events.emit({ type: 'recipient.failed', mailingId: head.id, departmentId: head.departmentId, ownerId: head.ownerId, accountId, rowId: claimed.id, email: claimed.email, reply, at: now.toISOString() });
  ctx.events.emit({ type: 'mailing.notification', mailingId: head.id, departmentId: head.departmentId, ownerId: head.ownerId, level: 'error', ...said, at: now.toISOString() });
  await changeStatus(ctx, em, head.id, 'recipient_failed', null);
}
