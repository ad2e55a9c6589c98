import type { Em } from '../db/orm.js';
import type { Classified, FeedbackKind } from '../domain/feedback.js';
import type { DomainEvent } from '../domain/events.js';
import type { EventLevel } from '../domain/mailing-status.js';
import { recorded, type MailingNote } from '../domain/mailing-notes.js';
import { overrides, type RecipientFeedback } from '../domain/recipient-states.js';
import { isFailed } from '../domain/account-health.js';
import { COMPLAINT_RULE, HARD_BOUNCE_RULE, protectionVerdict, softBouncesSuppress } from '../domain/account-protection.js';
import { eventKey, feedbackRepository, type FeedbackChange, type FeedbackTarget, type SentTarget } from '../db/repositories/feedback.repository.js';
import { normaliseEmail, suppressionRepository } from '../db/repositories/suppression.repository.js';
import type { NewNote } from '../db/repositories/mailing.repository.js';
import type { EngineContext } from './ports.js';
import { changeStatus } from './mailing-events.js';
import { failAccount } from './account-failure.js';
import { retryOnDeadlock } from '../db/repositories/retry.js';
import type { RecipientOutcome } from '../domain/recipient-outcomes.js';

/**
 * What incoming messages change: the ledger rows they are about, the suppression list, the
 * mailings' notifications and status, the owner's other mailings (a reply stops them mailing that
 * address), and the account itself when its bounces or complaints pass the providers' limits.
 * Every message is written by a stranger: it can only ever touch rows of mail this owner sent,
 * found by our own Message-IDs or by an address this account mailed.
 *
 * A page of messages (one FETCH of the intake) is applied in one transaction, a statement per
 * step for the whole page: its rows found, its verdicts recorded in feedback_events (whose unique
 * key per account, message and address says which are new: only those act), the rows' feedback,
 * each mailing's counters once, the suppressions, the skipped rows and the notes, and whatever the
 * caller commits with it (the intake's cursor). A page is done or not: a crash rolls it back whole,
 * and the page read again acts exactly once. Within the page the messages act in their order, as
 * one after the other would: the strongest feedback stays, and what a message tells is told only
 * when it changed something. Live pushes, mailing statuses and the account's breaker (judged once,
 * on the page's effects) come after the commit.
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
}

/** What came of a page. */
export interface PageApplied {
  /** Each message's, in the page's order. */
  messages: Applied[];
  /** The account was switched off by its bounce or complaint rate. */
  accountStopped: boolean;
  /** Accounts that received the stopped account's recipients: their jobs are woken. */
  wake: number[];
}

/** How long before a message naming no Message-ID of ours the mail it answers may have been sent. */
export const MATCH_WINDOW_DAYS = 60;
/** A DSN may list many recipients; ours carry one each, so a long list is someone else's (or a bomb). */
const MAX_RECIPIENTS = 100;
/** How many of a message's references are looked up. */
const MAX_REFS = 50;

const clip = (text: string | null, n: number) => (text === null ? null : text.length > n ? `${text.slice(0, n - 1)}…` : text);

const mailingOf = (listId: string | null) => {
  const id = listId ? /^<?mailing-(\d{1,10})\./.exec(listId)?.[1] : undefined;
  return id ? Number(id) : null;
};

type AnswerKind = Exclude<FeedbackKind, 'unrelated'>;

/** One message's verdict about one ledger row. */
interface Answer {
  /** The message's place in the page. */
  at: number;
  kind: AnswerKind;
  target: FeedbackTarget;
  status: string | null;
  note: string | null;
}

/** What a message asks to be looked up: an address it is about, and how it may be found. */
interface Lookup {
  at: number;
  kind: AnswerKind;
  email: string | null;
  /** The message is about this one address: found by its address when no Message-ID of ours names it. */
  onlyOne: boolean;
  status: string | null;
  note: string | null;
}

/** Applies one message: a page of one. */
export async function applyFeedback(ctx: EngineContext, em: Em, account: InboxAccount, msg: IncomingMessage): Promise<Applied & Omit<PageApplied, 'messages'>> {
  const { messages, ...page } = await applyFeedbackPage(ctx, em, account, [msg]);
  return { ...messages[0], ...page };
}

/** Applies a page of messages in one transaction, `commit` (the intake's cursor) written in it. */
export async function applyFeedbackPage(ctx: EngineContext, em: Em, account: InboxAccount, page: IncomingMessage[], commit?: (tx: Em) => Promise<void>): Promise<PageApplied> {
  const now = ctx.now();
  // InnoDB may pick the page's transaction as a deadlock victim (the engine locks rows and
  // mailings too): it was undone whole, and is written again from the start.
  const { result, told, failedMailings, judgeAccount } = await retryOnDeadlock(() => ctx.ledger.transaction(em, (tx) => writePage(ctx, tx, account, page, now, commit)));
  // Pushed once the transaction has committed, so nobody is told of a change that was rolled back.
  for (const t of told) for (const e of t.events) ctx.events.emit(e);
  // A refusal after the 250 counts as one at RCPT: the mailing shows it has errors.
  for (const mailingId of failedMailings) await changeStatus(ctx, em, mailingId, 'recipient_failed', null);
  if (judgeAccount) await judge(ctx, em, account.id, result);
  return result;
}

/** What a page changes, written in the transaction `tx`; what it tells, kept for after the commit. */
async function writePage(ctx: EngineContext, tx: Em, account: InboxAccount, page: IncomingMessage[], now: Date, commit?: (tx: Em) => Promise<void>) {
  const at = now.toISOString();
  const result: PageApplied = { messages: page.map(() => ({ rows: [], suppressed: [], stopped: 0 })), accountStopped: false, wake: [] };
  // Each message's notes and live events, in its order.
  const told = page.map(() => ({ notes: [] as NewNote[], events: [] as DomainEvent[] }));
  const failedMailings = new Set<number>();
  let judgeAccount = false;

  const note = (i: number, target: FeedbackTarget, level: EventLevel, what: MailingNote) => {
    const words = recorded(what);
    told[i].notes.push({ mailingId: target.mailingId, level, ...words, at: now, recipientEmail: target.email, accountId: account.id });
    told[i].events.push({ type: 'mailing.notification', mailingId: target.mailingId, departmentId: target.departmentId, ownerId: target.ownerId, level, ...words, at });
  };

  /** Someone who answered is talked to in person now, not mass-mailed: the owner's queued rows to them (or their company) are skipped, each by the first reply naming them. */
  async function stopReplied(replies: Answer[]) {
    const owners = new Map<number, { a: Answer; emails: Set<string> }[]>();
    for (const a of replies) {
      const emails = a.target.stopCompanyOnReply ? await feedbackRepository.companyAddresses(tx, a.target) : [a.target.email];
      owners.set(a.target.ownerId, [...(owners.get(a.target.ownerId) ?? []), { a, emails: new Set(emails.map(normaliseEmail)) }]);
    }
    for (const [ownerId, wants] of owners) {
      const queued = await feedbackRepository.queuedFor(tx, ownerId, wants.flatMap((w) => [...w.emails]));
      const skipped: { id: number; mailingId: number; outcome: RecipientOutcome }[] = [];
      const perReply = new Map<Answer, Map<number, number>>();
      for (const row of queued) {
        const w = wants.find((w) => w.emails.has(normaliseEmail(row.email)))!;
        skipped.push({ ...row, outcome: { code: 'replied', email: w.a.target.email, on: at.slice(0, 10) } });
        const counts = perReply.get(w.a) ?? perReply.set(w.a, new Map()).get(w.a)!;
        counts.set(row.mailingId, (counts.get(row.mailingId) ?? 0) + 1);
      }
      await feedbackRepository.skipQueued(tx, skipped, now);
      for (const { a } of wants) {
        for (const [mailingId, n] of perReply.get(a) ?? []) {
          const t = a.target;
          result.messages[a.at].stopped += n;
          told[a.at].events.push({ type: 'mailing.counters', mailingId, departmentId: t.departmentId, ownerId: t.ownerId, at });
          note(a.at, { ...t, mailingId }, 'info', { kind: 'stopped_by_reply', params: { count: n, email: t.email, company: t.stopCompanyOnReply } });
        }
      }
    }
  }

  const found = await findRows(tx, account, page, now);
  const firstSeen = await feedbackRepository.recordAll(
    tx,
    found.map((a) => ({ accountId: account.id, messageKey: page[a.at].key, kind: a.kind, email: a.target.email, recipientRow: a.target.id, mailingId: a.target.mailingId, status: a.status, note: a.note, folder: page[a.at].folder, uid: page[a.at].uid, sentAt: page[a.at].classified.date })),
    now,
  );
  // Only answers recorded now act: the first of the page's copies, of none read before.
  const answers = found.filter((a) => firstSeen.delete(eventKey(page[a.at].key, a.target.email)));

  const feedback = await feedbackRepository.feedbackOf(tx, answers.filter((a) => a.kind !== 'unsubscribe').map((a) => a.target.id));
  const changes = new Map<number, FeedbackChange>();
  /** True when the row takes this feedback (stronger than what it has): what it means is told only then. */
  const mark = (a: Answer, next: RecipientFeedback) => {
    const id = a.target.id;
    if (!feedback.has(id)) return false;
    const current = feedback.get(id) ?? null;
    if (!overrides(next, current)) return false;
    feedback.set(id, next);
    // `from` stays what the row had before the page: its mailing's counters move once, from there.
    changes.set(id, { id, mailingId: a.target.mailingId, from: changes.has(id) ? changes.get(id)!.from : current, to: next, status: a.status, note: a.note });
    result.messages[a.at].rows.push(id);
    told[a.at].events.push({ type: 'recipient.feedback', mailingId: a.target.mailingId, departmentId: a.target.departmentId, ownerId: a.target.ownerId, rowId: id, email: a.target.email, feedback: next, status: a.status, note: a.note, at });
    return true;
  };
  const suppressions: { a: Answer; reason: string }[] = [];
  const replies: Answer[] = [];
  const unsubscribes: Answer[] = [];
  /** The last soft bounce of each address: the rule is judged once, on the page's history. */
  const softBounced = new Map<string, Answer>();

  for (const a of answers) {
    const t = a.target;
    switch (a.kind) {
      case 'hard_bounce': {
        const changed = mark(a, 'bounced');
        suppressions.push({ a, reason: 'hard_bounce' });
        if (!changed) break;
        note(a.at, t, 'error', { kind: 'bounced', params: { email: t.email, status: a.status, diagnostic: a.note } });
        failedMailings.add(t.mailingId);
        judgeAccount = true;
        break;
      }
      case 'soft_bounce':
        mark(a, 'soft_bounced');
        softBounced.set(normaliseEmail(t.email), a);
        break;
      case 'complaint': {
        const changed = mark(a, 'complained');
        suppressions.push({ a, reason: 'complaint' });
        if (!changed) break;
        note(a.at, t, 'warning', { kind: 'complained', params: { email: t.email } });
        judgeAccount = true;
        break;
      }
      case 'auto_reply':
        mark(a, 'auto_replied');
        break;
      case 'reply': {
        const excerpt = page[a.at].classified.excerpt;
        if (mark(a, 'replied')) note(a.at, t, 'info', { kind: 'replied', params: { email: t.email, excerpt: clip(excerpt, 900) } });
        replies.push(a);
        break;
      }
      case 'unsubscribe':
        unsubscribes.push(a);
        break;
    }
  }

  // Soft bounces count against an address over every mailbox; this page's are recorded already.
  const history = await feedbackRepository.softBounces(tx, [...softBounced.keys()]);
  for (const [email, a] of softBounced) if (softBouncesSuppress(history.get(email) ?? { count: 0, first: null }, now)) suppressions.push({ a, reason: 'soft_bounces' });
  suppressions.sort((x, y) => x.a.at - y.a.at);
  const added = await suppressionRepository.suppressAll(tx, suppressions.map(({ a, reason }) => ({ email: a.target.email, reason, source: `mailing:${a.target.mailingId}` })), now);
  for (const { a, reason } of suppressions) {
    if (!added.delete(normaliseEmail(a.target.email))) continue;
    result.messages[a.at].suppressed.push(a.target.email);
    if (reason === 'soft_bounces') note(a.at, a.target, 'warning', { kind: 'soft_bounces', params: { email: a.target.email } });
  }

  await feedbackRepository.setFeedbacks(tx, [...changes.values()], now);
  await stopReplied(replies);
  for (const a of unsubscribes) {
    const r = await suppressionRepository.unsubscribeLedgerRow(tx, a.target.id, now);
    if (r?.newlySuppressed) result.messages[a.at].suppressed.push(r.email);
    if (r?.newlySuppressed || r?.optInCleared) told[a.at].events.push({ type: 'recipient.unsubscribed', mailingId: a.target.mailingId, departmentId: a.target.departmentId, ownerId: a.target.ownerId, email: a.target.email, at });
  }
  await ctx.ledger.notes(tx, told.flatMap((t) => t.notes));
  await commit?.(tx);
  return { result, told, failedMailings, judgeAccount };

}

/**
 * The rows the page's messages are about, a statement for all of them: by our Message-IDs, else
 * (for a message about one address) among the rows this account sent the address lately, of the
 * mailing its List-Id names first.
 */
async function findRows(tx: Em, account: InboxAccount, page: IncomingMessage[], now: Date): Promise<Answer[]> {
  const lookups: Lookup[] = page.flatMap(({ classified: c }, at): Lookup[] => {
    switch (c.kind) {
      case 'unrelated':
        return [];
      case 'hard_bounce':
      case 'soft_bounce': {
        const recipients = c.recipients.slice(0, MAX_RECIPIENTS);
        return recipients.map((r) => ({ at, kind: r.severity === 'hard' ? 'hard_bounce' : 'soft_bounce', email: r.email, onlyOne: recipients.length === 1, status: r.status, note: clip(r.diagnostic, 1000) }));
      }
      // Feedback loops return the original with our Message-ID (the address is often redacted);
      // a report naming only an address is anyone's word, and two of them would stop the account.
      case 'complaint':
        return [{ at, kind: c.kind, email: null, onlyOne: false, status: null, note: null }];
      case 'reply':
      case 'auto_reply':
        return [{ at, kind: c.kind, email: c.from, onlyOne: true, status: null, note: clip(c.excerpt, 1000) }];
      case 'unsubscribe':
        return [{ at, kind: c.kind, email: c.from, onlyOne: true, status: null, note: null }];
    }
  });
  const refsOf = (at: number) => page[at].classified.refs.slice(0, MAX_REFS);
  const named = await feedbackRepository.byMessageIds(tx, account.ownerId, [...new Set(lookups.map((l) => l.at))].flatMap(refsOf));
  /** The row one of the message's Message-IDs names (the latest, should several). */
  const byId = (at: number) => refsOf(at).reduce<FeedbackTarget | null>((best, ref) => {
    const t = named.get(ref.toLowerCase());
    return t && (!best || t.id > best.id) ? t : best;
  }, null);

  // A message that names no Message-ID of ours answers mail sent before it was written: an old
  // conversation in a mailbox read for the first time is not a reply to this week's mailing. The
  // hour of slack is for the sender's clock; a date in the future counts as now.
  const windowOf = (at: number) => {
    const date = page[at].classified.date;
    const written = date && date.getTime() <= now.getTime() ? date : now;
    return [new Date(written.getTime() - MATCH_WINDOW_DAYS * 86_400_000), new Date(written.getTime() + 3_600_000)] as const;
  };
  const answers: (Answer | null)[] = lookups.map((l) => {
    const own = byId(l.at);
    const answer = (target: FeedbackTarget) => ({ at: l.at, kind: l.kind, target, status: l.status, note: l.note });
    if (l.kind === 'complaint') return own && answer(own);
    // Our messages have one recipient each: the row found by its Message-ID is the one. A report
    // listing several addresses is about someone else's mail (or forged) but for that row's own
    // address, so its other addresses are not looked up: one message must not reach many rows.
    if (own && (l.onlyOne || l.email === null || own.email === l.email)) return answer(own);
    return null;
  });
  const byAddress = lookups.filter((l, i) => !answers[i] && l.email && l.onlyOne && l.kind !== 'complaint');
  if (byAddress.length) {
    const windows = byAddress.map((l) => windowOf(l.at));
    const sent = await feedbackRepository.sentTo(tx, account.id, byAddress.map((l) => l.email!), new Date(Math.min(...windows.map(([s]) => s.getTime()))), new Date(Math.max(...windows.map(([, u]) => u.getTime()))));
    const toAddress = new Map<string, SentTarget[]>();
    for (const s of sent) toAddress.set(normaliseEmail(s.email), [...(toAddress.get(normaliseEmail(s.email)) ?? []), s]);
    byAddress.forEach((l, j) => {
      const [since, until] = windows[j];
      const candidates = (toAddress.get(normaliseEmail(l.email!)) ?? []).filter((s) => s.sentAt >= since && s.sentAt <= until);
      const mailingId = mailingOf(page[l.at].classified.listId);
      const target = latest(candidates.filter((s) => s.mailingId === mailingId)) ?? latest(candidates);
      if (target) answers[lookups.indexOf(l)] = { at: l.at, kind: l.kind, target, status: l.status, note: l.note };
    });
  }
  return answers.filter((a): a is Answer => a !== null);
}

const latest = (rows: SentTarget[]) => rows.reduce<SentTarget | null>((best, s) => (!best || s.sentAt > best.sentAt || (+s.sentAt === +best.sentAt && s.id > best.id) ? s : best), null);

/** Stops the account when its recent hard bounces or complaints pass the providers' limits. */
async function judge(ctx: EngineContext, em: Em, accountId: number, result: PageApplied): Promise<void> {
  const entity = await ctx.ledger.account(em, accountId);
  if (!entity || isFailed(entity.health)) return;
  const verdict = protectionVerdict(
    await feedbackRepository.recentSends(em, accountId, HARD_BOUNCE_RULE.window, 'bounced'),
    await feedbackRepository.recentSends(em, accountId, COMPLAINT_RULE.window, 'complained'),
  );
  if (!verdict) return;
  result.accountStopped = true;
  result.wake = await failAccount(ctx, em, entity, verdict.health, verdict.detail);
}
