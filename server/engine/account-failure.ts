import type { Em } from '../db/orm.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import type { AccountHealth } from '../domain/account-health.js';
import { healthText, type HealthDetail } from '../domain/health-detail.js';
import type { EngineContext } from './ports.js';
import { rebindStranded } from './rebind.js';

/**
 * An account the server refused (authentication, sender refused) turns red with the reason: the
 * server's own reply verbatim, or Mailroom's verdict as values the UI words (`HealthDetail`);
 * its owner is told, and its pending recipients move to the owner's other usable accounts (a
 * mailing left with recipients no account can take is interrupted). Returns the accounts that
 * received recipients, so their jobs can be woken.
 */
export async function failAccount(ctx: EngineContext, em: Em, account: EmailAccount, health: AccountHealth, why: string | HealthDetail): Promise<number[]> {
  const now = ctx.now();
  const [reason, detail] = typeof why === 'string' ? [why, null] : [healthText(why), why];
  await ctx.ledger.setHealth(em, account.id, { health, healthReason: reason.slice(0, 500), healthDetail: detail, healthCheckedAt: now });
  ctx.events.emit({ type: 'account.health', accountId: account.id, departmentId: account.department.id, ownerId: account.owner.id, health, reason, detail, at: now.toISOString() });

  const failed = { kind: 'account_failed', params: { account: account.name, address: account.fromEmail, reason, ...(detail && { detail }) } } as const;
  for (const mailingId of await ctx.ledger.liveMailingsOfAccount(em, account.id)) {
    const said = await ctx.ledger.note(em, mailingId, 'error', failed, now, { accountId: account.id });
    const head = await ctx.ledger.head(em, mailingId);
    if (head) ctx.events.emit({ type: 'mailing.notification', mailingId, departmentId: head.departmentId, ownerId: head.ownerId, level: 'error', ...said, at: now.toISOString() });
  }
  return rebindStranded(ctx, em, { ownerId: account.owner.id, why: { account: account.name, reason } });
}
