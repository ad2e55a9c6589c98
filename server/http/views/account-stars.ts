import { DateTime } from 'luxon';
import type { Em } from '../../db/orm.js';
import { EmailAccountSchema } from '../../db/entities/email-account.entity.js';
import type { Settings } from '../../db/entities/settings.entity.js';
import { ledgerRepository } from '../../db/repositories/ledger.repository.js';
import { dayStart } from '../../domain/business-days.js';
import { maySend } from '../../domain/pacing.js';
import { light } from '../../domain/account-health.js';
import { accountZone } from '../../engine/create-mailings.js';
import type { z } from 'zod';
import type { AccountStarSchema } from '../schemas/mailings.js';

export type AccountStar = z.infer<typeof AccountStarSchema>;

/** Each owner's accounts as green or red stars (with the reason), today's count and next slot. */
export async function accountStars(em: Em, ownerIds: number[], settings: Settings, now: Date): Promise<Map<number, AccountStar[]>> {
  const stars = new Map<number, AccountStar[]>();
  if (!ownerIds.length) return stars;
  const calendar = { windowStart: settings.windowStart, windowEnd: settings.windowEnd, businessDays: settings.businessDays };
  const accounts = await em.find(EmailAccountSchema, { owner: { $in: [...new Set(ownerIds)] } }, { orderBy: { main: 'desc', id: 'asc' } });
  for (const a of accounts) {
    const local = DateTime.fromJSDate(now, { zone: accountZone(a, settings) });
    const sentToday = await ledgerRepository.sentSince(em, a.id, dayStart(local).toJSDate());
    const star: AccountStar = {
      id: a.id, name: a.name, main: a.main, sentToday, dailyLimit: a.dailyLimit, nextSendAt: a.nextSendAt?.toISOString() ?? null,
      light: light({ ...a, healthReason: a.healthReason ?? null }, maySend(local, { dailyLimit: a.dailyLimit, sentToday }, calendar)),
    };
    stars.set(a.owner.id, [...(stars.get(a.owner.id) ?? []), star]);
  }
  return stars;
}
