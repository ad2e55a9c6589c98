import type { Em } from '../db/orm.js';
import { EmailAccountSchema, type EmailAccount } from '../db/entities/email-account.entity.js';
import { ledgerRepository } from '../db/repositories/ledger.repository.js';
import { mailingRepository } from '../db/repositories/mailing.repository.js';
import type { AccountHealth } from '../domain/account-health.js';
import { route } from '../domain/routing.js';
import type { EngineContext } from './ports.js';
import { usable } from './create-mailings.js';
import { interrupt } from './mailing-events.js';

/**
 * An account the server refused (authentication, sender refused) turns red with the reason;
 * its owner is told, and its pending recipients move to the owner's other usable accounts. A
 * mailing left with recipients no account can take is interrupted. Returns the accounts that
 * received recipients, so their jobs can be woken.
 */
export async function failAccount(ctx: EngineContext, em: Em, account: EmailAccount, health: AccountHealth, reason: string): Promise<number[]> {
  const now = ctx.now();
  await em.nativeUpdate(EmailAccountSchema, { id: account.id }, { health, healthReason: reason.slice(0, 500), healthCheckedAt: now });
  ctx.events.emit({ type: 'account.health', accountId: account.id, departmentId: account.department.id, ownerId: account.owner.id, health, reason, at: now.toISOString() });

  const mailings = await mailingRepository.liveMailingsOfAccount(em, account.id);
  const others = (await em.find(EmailAccountSchema, { owner: account.owner.id, id: { $ne: account.id } })).filter(usable);
  const pending = await ledgerRepository.pendingOfAccount(em, account.id);
  const routes = route(pending, others.map((a) => ({ id: a.id, main: a.main, usable: true })));
  const byAccount = new Map<number, number[]>();
  routes.forEach((r, i) => {
    if (r.accountId !== null) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), pending[i].id]);
  });
  for (const [accountId, ids] of byAccount) await ledgerRepository.rebind(em, ids, accountId, now);
  const stranded = routes.filter((r) => r.accountId === null).length;

  const text = `Account ${account.name} <${account.fromEmail}> was switched off: ${reason}`;
  for (const mailingId of mailings) {
    await mailingRepository.note(em, mailingId, 'error', 'account_failed', text, now, { accountId: account.id });
    const head = await mailingRepository.head(em, mailingId);
    if (head) ctx.events.emit({ type: 'mailing.notification', mailingId, departmentId: head.departmentId, ownerId: head.ownerId, level: 'error', kind: 'account_failed', text, at: now.toISOString() });
  }
  if (stranded > 0) {
    for (const mailingId of mailings) {
      if (await ledgerRepository.hasPendingOnAccount(em, mailingId, account.id)) {
        await interrupt(ctx, em, mailingId, `No other account of the owner can send its recipients (${account.name}: ${reason})`);
      }
    }
  }
  return [...byAccount.keys()];
}
