import type { Knex } from '@mikro-orm/knex';
import { isSqlite } from './ledger/rows.js';

/**
 * The query's rows read locked until the transaction ends; on a unique key, the keys it finds
 * absent too (InnoDB's gap locks), so no other transaction can insert them meanwhile. SQLite has no
 * FOR UPDATE: it writes one transaction at a time, and one that read before another's write fails.
 */
export const locked = (knex: Knex, query: Knex.QueryBuilder) => (isSqlite(knex) ? query : query.forUpdate());
