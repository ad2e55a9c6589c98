import type { Em } from '../db/orm.js';
import type { Mailing } from '../db/entities/mailing.entity.js';
import { DomainError } from '../domain/errors.js';
import { combineProblems } from '../domain/combine.js';
import { isSending, type MailingStatus } from '../domain/mailing-status.js';
import { noteText } from '../domain/mailing-notes.js';
import type { EngineContext } from './ports.js';
import type { Unsuccessful } from '../db/repositories/ledger.repository.js';
import { changeStatus } from './mailing-events.js';

/**
 * What users do to running mailings. Each is a guarded status change committed before it
 * returns, so the engine sees it before its next claim, in any process.
 */

const refuse = (mailing: { id: number; status: MailingStatus }, reason: 'cannot_pause' | 'cannot_resume' | 'cannot_cancel' | 'cannot_restart') =>
  new DomainError('conflict', { reason, params: { id: mailing.id, status: mailing.status } });

export async function pause(ctx: EngineContext, em: Em, mailing: Mailing, by: string): Promise<void> {
  if (!(await changeStatus(ctx, em, mailing.id, 'pause', { kind: 'status_paused', params: { by } }))) throw refuse(mailing, 'cannot_pause');
}

export async function resume(ctx: EngineContext, em: Em, mailing: Mailing, by: string): Promise<number[]> {
  if (!(await changeStatus(ctx, em, mailing.id, 'resume', { kind: 'status_active', params: { by } }))) throw refuse(mailing, 'cannot_resume');
  return accountsOf(ctx, em, mailing.id);
}

/** Cancels the mailing; its pending recipients are skipped, its history stays. */
export async function cancel(ctx: EngineContext, em: Em, mailing: Mailing, by: string): Promise<void> {
  if (!(await changeStatus(ctx, em, mailing.id, 'cancel', { kind: 'status_cancelled', params: { by } }))) throw refuse(mailing, 'cannot_cancel');
  await ctx.ledger.skipQueued(em, mailing.id, { code: 'cancelled' }, ctx.now());
}

/** Which unsuccessful recipients a restart sends to again, beside the failed ones. */
export interface RestartChoice {
  includeUncertain: boolean;
  includeSoftBounced: boolean;
}

/** Sends again to the unsuccessful recipients only: failed ones, and uncertain and soft-bounced ones on request. */
export async function restart(ctx: EngineContext, em: Em, mailing: Mailing, choice: RestartChoice, by: string): Promise<{ requeued: number; accounts: number[] }> {
  if (mailing.status === 'cancelled') throw refuse(mailing, 'cannot_restart');
  const groups: Unsuccessful[] = ['failed'];
  if (choice.includeUncertain) groups.push('uncertain');
  if (choice.includeSoftBounced) groups.push('soft_bounced');
  const counts = await ctx.ledger.requeue(em, mailing.id, groups, ctx.now());
  const requeued = groups.reduce((sum, g) => sum + counts[g], 0);
  if (requeued === 0) throw new DomainError('conflict', { reason: 'nothing_to_restart', params: { id: mailing.id, groups } });
  const restarted = { by, requeued, counts: Object.fromEntries(groups.filter((g) => counts[g] > 0).map((g) => [g, counts[g]])) };
  // A paused mailing stays paused: the recipients wait in the queue until someone resumes it.
  if (mailing.status === 'paused') await ctx.ledger.note(em, mailing.id, 'info', { kind: 'restart', params: restarted }, ctx.now());
  else await changeStatus(ctx, em, mailing.id, 'restart', { kind: 'status_active', params: restarted });
  return { requeued, accounts: await accountsOf(ctx, em, mailing.id) };
}

const accountsOf = async (ctx: EngineContext, em: Em, mailingId: number) => [...(await ctx.ledger.pendingByAccount(em, mailingId)).keys()];

/**
 * Merges mailings into a new one. The originals stop first (cancelled, `combinedInto` set, their
 * history kept); their pending recipients move over, de-duplicated by address, and an address
 * any original already mailed (sent, sending or uncertain) is not mailed again.
 */
export async function combine(ctx: EngineContext, em: Em, mailings: Mailing[], by: string): Promise<{ mailing: Mailing; moved: number; duplicates: number; accounts: number[] }> {
  const problems = combineProblems(mailings.map((m) => ({ id: m.id, messageId: m.message?.id ?? null, recipientType: m.recipientType, ownerId: m.owner.id, status: m.status })));
  if (problems.length) throw new DomainError('precondition', { reason: 'combine_refused', params: { problems } }, { details: { problems } });
  const now = ctx.now();
  const ids = mailings.map((m) => m.id);
  const result = await ctx.ledger.transaction(em, async (tx) => {
    const target = await ctx.ledger.createCombined(tx, mailings, mailings.some((m) => isSending(m.status)) ? 'active' : 'paused');
    const stopped = await ctx.ledger.cancelAll(tx, ids, { kind: 'combined', params: { by, into: target.id } }, now);
    if (stopped !== ids.length) throw new DomainError('conflict', { reason: 'combine_raced', params: {} });
    const { moved, duplicates } = await ctx.ledger.mergeInto(tx, ids, target.id, now);
    await ctx.ledger.note(tx, target.id, 'info', { kind: 'combined', params: { by, from: ids, moved, duplicates } }, now);
    for (const id of ids) await ctx.ledger.note(tx, id, 'info', { kind: 'combined', params: { by, into: target.id } }, now);
    return { mailing: target, moved, duplicates };
  });
  const combined = { kind: 'combined', params: { by, into: result.mailing.id } } as const;
  for (const m of mailings) ctx.events.emit({ type: 'mailing.status', mailingId: m.id, departmentId: m.department.id, ownerId: m.owner.id, status: 'cancelled', reason: noteText(combined), detail: combined, at: now.toISOString() });
  ctx.events.emit({ type: 'mailing.status', mailingId: result.mailing.id, departmentId: result.mailing.department.id, ownerId: result.mailing.owner.id, status: result.mailing.status, reason: null, detail: null, at: now.toISOString() });
  return { ...result, accounts: await accountsOf(ctx, em, result.mailing.id) };
}
