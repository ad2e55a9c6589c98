import type { Em } from '../db/orm.js';
import type { Classified } from '../domain/feedback.js';
import type { DomainEvent } from '../domain/events.js';
import type { EventLevel } from '../domain/mailing-status.js';
import type { MailingNote } from '../domain/mailing-notes.js';
import type { RecipientFeedback } from '../domain/recipient-states.js';
import { isFailed } from '../domain/account-health.js';
import { COMPLAINT_RULE, HARD_BOUNCE_RULE, protectionVerdict, softBouncesSuppress } from '../domain/account-protection.js';
import { feedbackRepository, type FeedbackTarget } from '../db/repositories/feedback.repository.js';
import { suppressionRepository } from '../db/repositories/suppression.repository.js';
import type { EngineContext } from './ports.js';
import { changeStatus } from './mailing-events.js';
import { failAccount } from './account-failure.js';

/**
 * What one incoming message changes: the ledger row it is about, the suppression list, the
 * mailing's notifications and status, the owner's other mailings (a reply stops them mailing that
 * address), and the account itself when its bounces or complaints pass the providers' limits.
 * Every message is written by a stranger: it can only ever touch rows of mail this owner sent,
 * found by our own Message-IDs or by an address this account mailed.
 */

/** The account whose mailbox the message was read from. */
export interface InboxAccount {
  id: number;
  ownerId: number;
  departmentId: number;
}

export interface IncomingMessage {
  folder: string;
  uid: number | null;
  /** The message's identity for the feedback table's unique key (a hash of its Message-ID or bytes). */
  key: string;
  classified: Classified;
}

/** What came of a message, for the intake's tally and the tests. */
export interface Applied {
  /** The rows whose feedback it recorded (none when it matched nothing, or was read before). */
  rows: number[];
  suppressed: string[];
  /** Queued rows of the owner's mailings it skipped (a reply). */
  stopped: number;
  /** The account was switched off by its bounce or complaint rate. */
  accountStopped: boolean;
  /** Accounts that received the stopped account's recipients: their jobs are woken. */
  wake: number[];
}

/** How long before a message naming no Message-ID of ours the mail it answers may have been sent. */
export const MATCH_WINDOW_DAYS = 60;
/** A DSN may list many recipients; ours carry one each, so a long list is someone else's (or a bomb). */
const MAX_RECIPIENTS = 100;

const clip = (text: string | null, n: number) => (text === null ? null : text.length > n ? `${text.slice(0, n - 1)}…` : text);

const mailingOf = (listId: string | null) => {
  const id = listId ? /^<?mailing-(\d{1,10})\./.exec(listId)?.[1] : undefined;
  return id ? Number(id) : null;
};

export async function applyFeedback(ctx: EngineContext, em: Em, account: InboxAccount, msg: IncomingMessage): Promise<Applied> {
  const c = msg.classified;
  const now = ctx.now();
  const at = now.toISOString();
  const applied: Applied = { rows: [], suppressed: [], stopped: 0, accountStopped: false, wake: [] };
  if (c.kind === 'unrelated') return applied;
  // A message that names no Message-ID of ours answers mail sent before it was written: an old
  // conversation in a mailbox read for the first time is not a reply to this week's mailing. The
  // hour of slack is for the sender's clock; a date in the future counts as now.
  const written = c.date && c.date.getTime() <= now.getTime() ? c.date : now;
  const [since, until] = [new Date(written.getTime() - MATCH_WINDOW_DAYS * 86_400_000), new Date(written.getTime() + 3_600_000)];
  // Pushed once the transaction has committed, so nobody is told of a change that was rolled back.
  const events: DomainEvent[] = [];
  const statusChanges: { mailingId: number }[] = [];
  let judgeAccount = false;

  const note = async (tx: Em, target: FeedbackTarget, level: EventLevel, what: MailingNote) => {
    const said = await ctx.ledger.note(tx, target.mailingId, level, what, now, { recipientEmail: target.email, accountId: account.id });
    events.push({ type: 'mailing.notification', mailingId: target.mailingId, departmentId: target.departmentId, ownerId: target.ownerId, level, ...said, at });
  };
  const record = (tx: Em, target: FeedbackTarget, kind: Classified['kind'], status: string | null, text: string | null) =>
    feedbackRepository.record(tx, { accountId: account.id, messageKey: msg.key, kind, email: target.email, recipientRow: target.id, mailingId: target.mailingId, status, note: text, folder: msg.folder, uid: msg.uid, sentAt: c.date }, now);
  /** True when the row took this feedback: what it means is told only then (the same answer read again through an alias account is not news). */
  const mark = async (tx: Em, target: FeedbackTarget, feedback: RecipientFeedback, status: string | null, text: string | null) => {
    if (!(await feedbackRepository.setFeedback(tx, target.id, feedback, { status, note: text, at: now }))) return false;
    applied.rows.push(target.id);
    events.push({ type: 'recipient.feedback', mailingId: target.mailingId, departmentId: target.departmentId, ownerId: target.ownerId, rowId: target.id, email: target.email, feedback, status, note: text, at });
    return true;
  };
  /** True when the address was not suppressed before. */
  const suppress = async (tx: Em, target: FeedbackTarget, reason: string) => {
    if (!(await suppressionRepository.suppress(tx, target.email, reason, `mailing:${target.mailingId}`, now))) return false;
    applied.suppressed.push(target.email);
    return true;
  };

  /** The row a message is about: by our Message-ID, else among the rows this account sent the address lately, of the mailing its List-Id names first. */
  const find = async (tx: Em, email: string | null, onlyOne: boolean): Promise<FeedbackTarget | null> => {
    const byId = await feedbackRepository.byMessageId(tx, account.ownerId, c.refs);
    // Our messages have one recipient each: the row found by its Message-ID is the one. A report
    // listing several addresses is about someone else's mail (or forged) but for that row's own
    // address, so its other addresses are not looked up: one message must not reach many rows.
    if (byId && (onlyOne || email === null || byId.email === email)) return byId;
    if (!email || !onlyOne) return null;
    const mailingId = mailingOf(c.listId);
    return (mailingId !== null ? await feedbackRepository.latestSentTo(tx, account.id, email, since, until, mailingId) : null) ?? (await feedbackRepository.latestSentTo(tx, account.id, email, since, until));
  };

  await ctx.ledger.transaction(em, async (tx) => {
    switch (c.kind) {
      case 'hard_bounce':
      case 'soft_bounce': {
        const recipients = c.recipients.slice(0, MAX_RECIPIENTS);
        for (const r of recipients) {
          const target = await find(tx, r.email, recipients.length === 1);
          if (!target) continue;
          const hard = r.severity === 'hard';
          const text = clip(r.diagnostic, 1000);
          if (!(await record(tx, target, hard ? 'hard_bounce' : 'soft_bounce', r.status, text))) continue;
          if (hard) {
            const changed = await mark(tx, target, 'bounced', r.status, text);
            await suppress(tx, target, 'hard_bounce');
            if (!changed) continue;
            await note(tx, target, 'error', { kind: 'bounced', params: { email: target.email, status: r.status, diagnostic: text } });
            statusChanges.push({ mailingId: target.mailingId });
            judgeAccount = true;
          } else {
            await mark(tx, target, 'soft_bounced', r.status, text);
            if (softBouncesSuppress(await feedbackRepository.softBounces(tx, target.email), now) && (await suppress(tx, target, 'soft_bounces'))) {
              await note(tx, target, 'warning', { kind: 'soft_bounces', params: { email: target.email } });
            }
          }
        }
        return;
      }

      case 'complaint': {
        // Feedback loops return the original with our Message-ID (the address is often redacted);
        // a report naming only an address is anyone's word, and two of them would stop the account.
        const target = await feedbackRepository.byMessageId(tx, account.ownerId, c.refs);
        if (!target || !(await record(tx, target, 'complaint', null, null))) return;
        const changed = await mark(tx, target, 'complained', null, null);
        await suppress(tx, target, 'complaint');
        if (!changed) return;
        await note(tx, target, 'warning', { kind: 'complained', params: { email: target.email } });
        judgeAccount = true;
        return;
      }

      case 'reply':
      case 'auto_reply': {
        const target = await find(tx, c.from, true);
        if (!target || !(await record(tx, target, c.kind, null, clip(c.excerpt, 1000)))) return;
        if (c.kind === 'auto_reply') {
          await mark(tx, target, 'auto_replied', null, clip(c.excerpt, 1000));
          return;
        }
        if (await mark(tx, target, 'replied', null, clip(c.excerpt, 1000))) await note(tx, target, 'info', { kind: 'replied', params: { email: target.email, excerpt: clip(c.excerpt, 900) } });
        // Someone who answered is talked to in person now, not mass-mailed.
        const emails = target.stopCompanyOnReply ? await feedbackRepository.companyAddresses(tx, target) : [target.email];
        const stopped = await feedbackRepository.stopAddresses(tx, target.ownerId, emails, `Not sent: ${target.email} replied on ${at.slice(0, 10)}`, now);
        for (const [mailingId, n] of stopped) {
          applied.stopped += n;
          events.push({ type: 'mailing.counters', mailingId, departmentId: target.departmentId, ownerId: target.ownerId, at });
          await note(tx, { ...target, mailingId }, 'info', { kind: 'stopped_by_reply', params: { count: n, email: target.email, company: target.stopCompanyOnReply } });
        }
        return;
      }

      case 'unsubscribe': {
        const target = await find(tx, c.from, true);
        if (!target || !(await record(tx, target, 'unsubscribe', null, null))) return;
        const result = await suppressionRepository.unsubscribeLedgerRow(tx, target.id, now);
        if (result?.newlySuppressed) applied.suppressed.push(result.email);
        if (result?.newlySuppressed || result?.optInCleared) events.push({ type: 'recipient.unsubscribed', mailingId: target.mailingId, departmentId: target.departmentId, ownerId: target.ownerId, email: target.email, at });
        return;
      }
    }
  });

  for (const e of events) ctx.events.emit(e);
  // A refusal after the 250 counts as one at RCPT: the mailing shows it has errors.
  for (const { mailingId } of statusChanges) await changeStatus(ctx, em, mailingId, 'recipient_failed', null);
  if (judgeAccount) await judge(ctx, em, account.id, applied);
  return applied;
}

/** Stops the account when its recent hard bounces or complaints pass the providers' limits. */
async function judge(ctx: EngineContext, em: Em, accountId: number, applied: Applied): Promise<void> {
  const entity = await ctx.ledger.account(em, accountId);
  if (!entity || isFailed(entity.health)) return;
  const verdict = protectionVerdict(
    await feedbackRepository.recentSends(em, accountId, HARD_BOUNCE_RULE.window, 'bounced'),
    await feedbackRepository.recentSends(em, accountId, COMPLAINT_RULE.window, 'complained'),
  );
  if (!verdict) return;
  applied.accountStopped = true;
  applied.wake = await failAccount(ctx, em, entity, verdict.health, verdict.reason);
}
