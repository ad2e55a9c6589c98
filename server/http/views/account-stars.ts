import type { z } from 'zod';
import type { Em } from '../../db/orm.js';
import { EmailAccountSchema } from '../../db/entities/email-account.entity.js';
import type { Settings } from '../../db/entities/settings.entity.js';
import { accountPaces } from '../../engine/account-paces.js';
import type { AccountStarSchema } from '../schemas/mailings.js';

export type AccountStar = z.infer<typeof AccountStarSchema>;

/** Each owner's accounts as stars, main account first. */
export async function accountStars(em: Em, ownerIds: number[], settings: Settings, now: Date): Promise<Map<number, AccountStar[]>> {
  const stars = new Map<number, AccountStar[]>();
  if (!ownerIds.length) return stars;
  // Only what a star shows: a company manager's page has a hundred accounts or more, and their
  // encrypted secrets are the bulk of a whole row.
  const accounts = await em.find(
    EmailAccountSchema,
    { owner: { $in: [...new Set(ownerIds)] } },
    { fields: ['owner', 'name', 'main', 'dailyLimit', 'timeZone', 'massMailEnabled', 'health', 'healthReason', 'nextSendAt'], orderBy: { main: 'desc', id: 'asc' } },
  );
  const paces = await accountPaces(em, accounts, settings, now);
  for (const a of accounts) {
    stars.set(a.owner.id, [...(stars.get(a.owner.id) ?? []), { id: a.id, name: a.name, main: a.main, dailyLimit: a.dailyLimit, ...paces.get(a.id)! }]);
  }
  return stars;
}
