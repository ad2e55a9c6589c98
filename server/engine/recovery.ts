import { ledgerRepository } from '../db/repositories/ledger.repository.js';
import { mailingRepository } from '../db/repositories/mailing.repository.js';
import type { EngineContext } from './ports.js';

/**
 * Rows a dead worker left in `sending` become `uncertain` once their lease is over: shown as
 * such on the mailing, never resent unless a user restarts them on purpose.
 */
export async function expireStaleClaims(ctx: EngineContext): Promise<number> {
  const em = ctx.orm.em.fork();
  const now = ctx.now();
  const expired = await ledgerRepository.expireLeases(em, now);
  for (const row of expired) {
    const head = await mailingRepository.head(em, row.mailingId);
    if (!head) continue;
    const text = `${row.email}: the sending worker stopped mid-send; delivery is uncertain and it will not be resent automatically`;
    await mailingRepository.note(em, row.mailingId, 'warning', 'uncertain', text, now, { recipientEmail: row.email });
    ctx.events.emit({ type: 'recipient.uncertain', mailingId: row.mailingId, departmentId: head.departmentId, ownerId: head.ownerId, rowId: row.id, email: row.email, at: now.toISOString() });
  }
  return expired.length;
}
