import type { Orm } from '../../server/db/orm.js';
import { knexOf } from '../../server/db/knex.js';
import { recipientEmail, type SenderFixture } from '../lib/fixtures.js';

export interface Exclusions {
  optedOut: number;
  duplicate: number;
  suppressed: number;
}

/**
 * Adds `each` companies per exclusion after the mailable ones, so the mailing still has exactly
 * as many recipients as were seeded: opted out, the upper-cased twin of a mailable address (a
 * duplicate once addresses are folded to lower case), and unsubscribed addresses.
 */
export async function seedExclusions(orm: Orm, sender: SenderFixture, mailable: number, each: number, domain: string): Promise<Exclusions> {
  const knex = knexOf(orm.em.fork());
  const createdAt = new Date();
  const company = (name: string, email: string, massMailing = true) => ({ name, email, owner_id: sender.ownerId, department_id: sender.departmentId, vip: false, mass_mailing: massMailing, disqualified: false, created_at: createdAt });
  const step = Math.max(1, Math.floor(mailable / each));
  for (let from = 0; from < each; from += 2000) {
    const n = Math.min(2000, each - from);
    const range = Array.from({ length: n }, (_, k) => from + k);
    await knex('companies').insert(range.map((i) => company(`Opted out ${i}`, `optout${i}@${domain}`, false)));
    await knex('companies').insert(range.map((i) => company(`Twin ${i}`, recipientEmail(i * step, domain).toUpperCase())));
    await knex('companies').insert(range.map((i) => company(`Gone ${i}`, `gone${i}@${domain}`)));
    await knex('suppressions').insert(range.map((i) => ({ email: `gone${i}@${domain}`, reason: 'unsubscribed', created_at: createdAt })));
  }
  return { optedOut: each, duplicate: each, suppressed: each };
}
