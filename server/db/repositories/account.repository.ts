import type { Em } from '../orm.js';
import { EmailAccountSchema, type EmailAccount } from '../entities/email-account.entity.js';
import type { AccountHealth } from '../../domain/account-health.js';
import { knexOf } from '../knex.js';
import type { HealthDetail } from '../../domain/health-detail.js';
import { healthDetailOf } from './note-params.js';

/** What an account's star shows and its light depends on. */
export type StarAccount = Pick<EmailAccount, 'id' | 'name' | 'main' | 'dailyLimit' | 'timeZone' | 'massMailEnabled' | 'health' | 'healthReason' | 'healthDetail' | 'nextSendAt'> & { ownerId: number };

export const accountRepository = {
  /**
   * The owners' accounts for their stars, main account first. Plain rows, not entities: a company
   * manager's list page shows a hundred accounts or more, and hydrating that many entities took
   * longer than the rest of the page's queries together.
   */
  async forStars(em: Em, ownerIds: number[]): Promise<StarAccount[]> {
    if (!ownerIds.length) return [];
    const rows = await knexOf(em)('email_accounts')
      .whereIn('owner_id', [...new Set(ownerIds)])
      .orderBy([{ column: 'main', order: 'desc' }, { column: 'id', order: 'asc' }])
      .select('id', 'owner_id', 'name', 'main', 'daily_limit', 'time_zone', 'mass_mail_enabled', 'health', 'health_reason', 'health_detail', 'next_send_at');
    return rows.map((r) => ({
      id: Number(r.id), ownerId: Number(r.owner_id), name: r.name, main: Boolean(r.main), dailyLimit: Number(r.daily_limit), timeZone: r.time_zone,
      massMailEnabled: Boolean(r.mass_mail_enabled), health: r.health, healthReason: r.health_reason, healthDetail: healthDetailOf(r.health_detail), nextSendAt: r.next_send_at === null ? null : new Date(r.next_send_at),
    }));
  },

  byIds(em: Em, ids: number[]): Promise<EmailAccount[]> {
    return em.find(EmailAccountSchema, { id: { $in: ids } });
  },

  byId(em: Em, id: number): Promise<EmailAccount | null> {
    return em.findOne(EmailAccountSchema, { id });
  },

  /** The owner's accounts in id order, the order routing deals recipients out in. */
  ofOwner(em: Em, ownerId: number): Promise<EmailAccount[]> {
    return em.find(EmailAccountSchema, { owner: ownerId }, { orderBy: { id: 'asc' } });
  },

  /** When each account may send next. */
  async nextSends(em: Em, ids: number[]): Promise<{ id: number; nextSendAt: Date | null }[]> {
    const rows = await em.find(EmailAccountSchema, { id: { $in: ids } }, { fields: ['id', 'nextSendAt'] });
    return rows.map((a) => ({ id: a.id, nextSendAt: a.nextSendAt ?? null }));
  },

  /** The account's next slot, kept on the account so an early wake-up cannot send ahead of the pace. */
  async setNextSend(em: Em, id: number, at: Date): Promise<void> {
    await em.nativeUpdate(EmailAccountSchema, { id }, { nextSendAt: at });
  },

  /** Stores a health verdict; with `onlyFrom`, guarded, so a verdict recorded meanwhile stays. */
  async setHealth(em: Em, id: number, verdict: { health: AccountHealth; healthReason: string | null; healthDetail: HealthDetail | null; healthCheckedAt: Date }, onlyFrom?: AccountHealth): Promise<boolean> {
    return (await em.nativeUpdate(EmailAccountSchema, onlyFrom ? { id, health: onlyFrom } : { id }, verdict)) > 0;
  },
};
