import type { Orm } from '../../server/db/orm.js';
import { knexOf } from '../../server/db/knex.js';
import type { SenderFixture } from '../lib/fixtures.js';

/**
 * The floor the database sets: the same ledger rows (same columns, same indexes, duplicates
 * caught by the same unique key) written by one `INSERT … SELECT` inside MariaDB, into a copy of
 * the ledger table that is dropped afterwards. Answers the seconds it took and the rows written.
 */
export async function rawLedgerInsert(orm: Orm, sender: SenderFixture): Promise<{ seconds: number; rows: number }> {
  const knex = knexOf(orm.em.fork());
  await knex.raw('create table ledger_floor like mailing_recipients');
  try {
    const [first] = sender.accountIds;
    const started = performance.now();
    const [result] = await knex.raw(
      `insert ignore into ledger_floor (mailing_id, recipient_id, email, name, vip, account_id, state, attempts, updated_at)
       select 1, c.id, lower(trim(c.email)), c.name, c.vip, ? + c.id % ?, 'pending', 0, now()
       from companies c
       where c.owner_id = ? and c.mass_mailing = 1 and c.disqualified = 0 and c.email is not null
         and not exists (select 1 from suppressions s where s.email = lower(trim(c.email)))
       order by c.id`,
      [first, sender.accountIds.length, sender.ownerId],
    );
    return { seconds: (performance.now() - started) / 1000, rows: Number(result.affectedRows) };
  } finally {
    await knex.raw('drop table ledger_floor');
  }
}
