import type { z } from 'zod';
import type { Em } from '../db/orm.js';
import { accountRepository } from '../db/repositories/account.repository.js';
import type { Settings } from '../db/entities/settings.entity.js';
import { accountPaces } from './account-paces.js';
import type { AccountStarSchema } from './mailing-schemas.js';

export type AccountStar = z.infer<typeof AccountStarSchema>;

/** Each owner's accounts as stars, main account first. */
export async function accountStars(em: Em, ownerIds: number[], settings: Settings, now: Date): Promise<Map<number, AccountStar[]>> {
  const stars = new Map<number, AccountStar[]>();
  const accounts = await accountRepository.forStars(em, ownerIds);
  const paces = await accountPaces(em, accounts, settings, now);
  for (const a of accounts) {
    if (!stars.has(a.ownerId)) stars.set(a.ownerId, []);
    stars.get(a.ownerId)!.push({ id: a.id, name: a.name, main: a.main, dailyLimit: a.dailyLimit, ...paces.get(a.id)! });
  }
  return stars;
}
