import type { Em } from '../db/orm.js';
import type { MailingTransition } from '../domain/mailing-status.js';
import type { LedgerContext } from './ports.js';
import { noteText, type MailingNote, type UncertainCause } from '../domain/mailing-notes.js';
import type { InterruptReason } from '../domain/mailing-interrupts.js';

/** Why a status changed: a note the UI words (who paused it, why the engine stopped it…). */
type StatusNote = Extract<MailingNote, { kind: `status_${string}` }>;

/**
 * Moves a mailing's status and tells everyone: a note in its Notifications and a domain event.
 * Returns false when the mailing was not in a status the transition applies to.
 */
export async function changeStatus(ctx: LedgerContext, em: Em, mailingId: number, transition: MailingTransition, why: StatusNote | null, level: 'info' | 'warning' | 'error' | 'critical' = 'info'): Promise<boolean> {
  const now = ctx.now();
  const status = await ctx.ledger.transition(em, mailingId, transition, why, now);
  if (!status) return false;
  const head = (await ctx.ledger.head(em, mailingId))!;
  const at = now.toISOString();
  ctx.events.emit({ type: 'mailing.status', mailingId, departmentId: head.departmentId, ownerId: head.ownerId, status, reason: why && noteText(why), detail: why, at });
  if (why) {
    const said = await ctx.ledger.note(em, mailingId, level, why, now);
    ctx.events.emit({ type: 'mailing.notification', mailingId, departmentId: head.departmentId, ownerId: head.ownerId, level, ...said, at });
  }
  return true;
}

/** A critical error: the mailing stops with the reason, and watchers are notified. */
export const interrupt = (ctx: LedgerContext, em: Em, mailingId: number, reason: InterruptReason) => changeStatus(ctx, em, mailingId, 'interrupt', { kind: 'status_interrupted', params: reason }, 'critical');

/** Done once nothing is pending, sending or waiting for a retry. */
export async function finishIfDone(ctx: LedgerContext, em: Em, mailingId: number): Promise<boolean> {
  const now = ctx.now();
  if (!(await ctx.ledger.finishIfDone(em, mailingId, now))) return false;
  const head = (await ctx.ledger.head(em, mailingId))!;
  ctx.events.emit({ type: 'mailing.status', mailingId, departmentId: head.departmentId, ownerId: head.ownerId, status: 'done', reason: null, detail: null, at: now.toISOString() });
  return true;
}

/** A recipient whose delivery nobody can know: a warning on the mailing and a live event. */
export async function reportUncertain(ctx: LedgerContext, em: Em, head: { id: number; departmentId: number; ownerId: number }, row: { id: number; email: string }, why: { cause: UncertainCause; reply: string | null }, accountId?: number): Promise<void> {
  const now = ctx.now();
  await ctx.ledger.note(em, head.id, 'warning', { kind: 'uncertain', params: { email: row.email, ...why } }, now, { recipientEmail: row.email, accountId });
  const outcome = why.cause === 'worker_stopped' ? ({ code: 'worker_stopped' } as const) : null;
  ctx.events.emit({ type: 'recipient.uncertain', mailingId: head.id, departmentId: head.departmentId, ownerId: head.ownerId, rowId: row.id, email: row.email, outcome, at: now.toISOString() });
}
