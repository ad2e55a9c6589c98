import type { EngineContext } from './ports.js';
import { reportUncertain } from './mailing-events.js';

/**
 * Rows a dead worker left in `sending` become `uncertain` once their lease is over: shown as
 * such on the mailing, never resent unless a user restarts them on purpose.
 */
export async function expireStaleClaims(ctx: EngineContext): Promise<number> {
  const em = ctx.unitOfWork();
  const expired = await ctx.ledger.expireLeases(em, ctx.now());
  for (const row of expired) {
    const head = await ctx.ledger.head(em, row.mailingId);
    if (head) await reportUncertain(ctx, em, head, row, { cause: 'worker_stopped', reply: null });
  }
  return expired.length;
}
