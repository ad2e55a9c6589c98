import type { Em } from '../db/orm.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import type { EngineContext } from './ports.js';

/**
 * An account nobody has checked yet (`unknown`) turns green (`ok`) once its server accepts a
 * message: that proves the login and the sender. Guarded, so a failure recorded meanwhile stays.
 */
export async function confirmAccount(ctx: EngineContext, em: Em, account: EmailAccount): Promise<void> {
  if (account.health !== 'unknown') return;
  const now = ctx.now();
  if (!(await ctx.ledger.setHealth(em, account.id, { health: 'ok', healthReason: null, healthDetail: null, healthCheckedAt: now }, 'unknown'))) return;
  ctx.events.emit({ type: 'account.health', accountId: account.id, departmentId: account.department.id, ownerId: account.owner.id, health: 'ok', reason: null, detail: null, at: now.toISOString() });
}
