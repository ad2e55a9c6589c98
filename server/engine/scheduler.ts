import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Em } from '../db/orm.js';
import { calendarOf } from '../domain/business-days.js';
import { burstSize, maySend, nextSlot } from '../domain/pacing.js';
import type { EngineContext } from './ports.js';
import { accountToday, usable } from '../domain/account-health.js';
import { deliverBatch, loadMailingContent, type MailingContent } from './delivery.js';
import { finishIfDone } from './mailing-events.js';
import { confirmAccount } from './account-confirmed.js';

export interface RunOptions {
  /** Stop sending after this instant and hand back the next slot (keeps agenda's lock short). */
  deadline: number;
  /** Waits for the next slot when it is near (tests pass a no-op with a moving clock). */
  sleep?: (ms: number) => Promise<void>;
  /** True once the worker is shutting down: the run starts no more messages and gives back its claims. */
  stopping?: () => boolean;
}

/** Gaps shorter than this are waited out inside one run instead of rescheduling the job. */
const INLINE_WAIT_MS = 2_000;
/**
 * A fast account sends the slots of the next second back to back, at most this many: one claim
 * and one record per batch instead of per message. The batch then counts as that many slots
 * (the next one waits as many intervals), so the pace stays even. Claims not yet started go back
 * to the queue on a crash, a pause or a shutdown.
 */
const BURST_HORIZON_MS = 1_000;
const MAX_BURST = 50;
/** A batch that a slow server drags out stops starting messages after this long. */
const MAX_BATCH_MS = 5_000;

/** The account's next slot, kept on the account so an early wake-up cannot send ahead of the pace. */
async function setNextSend(ctx: EngineContext, em: Em, accountId: number, at: Date): Promise<Date> {
  await ctx.ledger.setNextSend(em, accountId, at);
  return at;
}

const defaultSleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/**
 * Names one run of an account's job: the worker (host and process) and a random part. The run's
 * claims carry it, fencing its writes, and a sent row keeps it to show which worker sent it.
 */
export const newRunClaim = () => `${hostname().slice(0, 60)}:${process.pid}:${randomBytes(4).toString('hex')}`;

/**
 * One run of an account's job: send what is due at the account's pace until the next slot is
 * far off, the run's deadline passes, or there is nothing to send. Returns when the job should
 * run next, or null when the account is idle or switched off (creation and reconcile wake it).
 */
export async function runAccount(ctx: EngineContext, accountId: number, options: RunOptions): Promise<Date | null> {
  const sleep = options.sleep ?? defaultSleep;
  const claim = newRunClaim();
  const stopping = options.stopping ?? (() => false);
  const contents = new Map<number, MailingContent | null>();
  // Counted once per run and day, then kept up to date here: agenda runs one job per account at a time.
  const today = { start: Number.NaN, sent: 0 };
  for (;;) {
    // Shutting down: claim nothing more, and let a worker that stays up take the account at once.
    if (stopping()) return ctx.now();
    const em = ctx.unitOfWork();
    const account = await ctx.ledger.account(em, accountId);
    if (!account || !usable(account)) return null;
    const settings = await ctx.ledger.settings(em);
    const calendar = calendarOf(settings);
    const { local, start } = accountToday(account, settings, ctx.now());
    if (today.start !== start.getTime()) Object.assign(today, { start: start.getTime(), sent: await ctx.ledger.sentSince(em, account.id, start) });
    const pace = { dailyLimit: account.dailyLimit, sentToday: today.sent };
    if (account.nextSendAt && account.nextSendAt > ctx.now()) return account.nextSendAt;
    if (!maySend(local, pace, calendar).ok) return setNextSend(ctx, em, account.id, nextSlot(local, pace, calendar, ctx.random).toJSDate());

    const size = burstSize(local, pace, calendar, BURST_HORIZON_MS, MAX_BURST);
    const claimed = await ctx.ledger.claimBatch(em, account.id, ctx.now(), ctx.leaseMs, size, claim);
    if (!claimed.length) return null;
    const mailingId = claimed[0].mailingId;
    if (!contents.has(mailingId)) contents.set(mailingId, await loadMailingContent(ctx, em, mailingId));
    const content = contents.get(mailingId);
    if (!content) {
      await ctx.ledger.release(em, claim, claimed.map((c) => c.id), ctx.now());
      continue;
    }
    const batchEnd = Math.min(options.deadline, ctx.wallClock() + MAX_BATCH_MS);
    const result = await deliverBatch(ctx, em, account, settings, claimed, content, () => ctx.wallClock() >= batchEnd || stopping());
    today.sent += result.sent;
    if (result.sent > 0) await confirmAccount(ctx, em, account);
    // Done right after the last recipient, not at the next reconcile.
    await finishIfDone(ctx, em, mailingId);
    if (result.stopped === 'account') return null;
    if (result.stopped === 'mailing') contents.delete(mailingId);

    const after = accountToday(account, settings, ctx.now()).local;
    // A burst used as many slots as it sent: the next one waits for all of them.
    const next = nextSlot(after, { dailyLimit: account.dailyLimit, sentToday: today.sent }, calendar, ctx.random, result.sent);
    await setNextSend(ctx, em, account.id, next.toJSDate());
    const wait = next.toMillis() - after.toMillis();
    if (wait > INLINE_WAIT_MS || ctx.wallClock() + Math.max(0, wait) > options.deadline) return next.toJSDate();
    if (wait > 0) await sleep(wait);
  }
}
