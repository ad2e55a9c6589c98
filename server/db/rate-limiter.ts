import { RateLimiterMySQL, RateLimiterSQLite, type RateLimiterStoreAbstract } from 'rate-limiter-flexible';
import type { Knex } from '@mikro-orm/knex';
import type { DatabaseTarget } from '../config.js';
import type { Orm } from './orm.js';
import { RateLimitSchema } from './entities/rate-limit.entity.js';

export interface LimiterOptions {
  /** Names the limiter; its keys are stored as `<keyPrefix>:<key>`. */
  keyPrefix: string;
  points: number;
  /** Seconds a count lives from its first point. */
  duration: number;
  /** Seconds a key stays blocked once it goes over `points` (0: not blocked, just refused). */
  blockDuration?: number;
}

/**
 * A rate-limiter-flexible limiter whose counts live in the `rate_limits` table, so every process on
 * the database shares them and memory stays flat however many keys there are. It runs on the ORM's
 * own connection pool (MySQL/MariaDB or SQLite); migrations create the table, and housekeeping
 * deletes expired rows (`deleteExpiredRateLimits`), so the library does neither.
 */
export function dbRateLimiter(orm: Orm, kind: DatabaseTarget['kind'], opts: LimiterOptions): RateLimiterStoreAbstract {
  const knex = orm.em.getKnex();
  const common = { ...opts, tableName: orm.getMetadata().get(RateLimitSchema.meta.className).tableName, tableCreated: true, clearExpiredByTimeout: false };
  if (kind === 'mysql') {
    return new RateLimiterMySQL({ ...common, storeClient: knex, storeType: 'knex', dbName: (knex.client.config.connection as Knex.ConnectionConfig).database });
  }
  // The SQLite store takes knex only when its client is named 'better-sqlite3'; MikroORM's is a
  // dialect class around the same driver. Borrowing its pool's connection keeps the limiter's
  // writes in turn with the ORM's (one SQLite connection, and `:memory:` databases are per connection).
  const storeClient = {
    raw: knex.raw.bind(knex),
    client: {
      config: { client: 'better-sqlite3' },
      acquireConnection: () => knex.client.acquireConnection(),
      releaseConnection: (conn: unknown) => knex.client.releaseConnection(conn),
    },
  };
  return new RateLimiterSQLite({ ...common, storeClient, storeType: 'knex' });
}

/** Deletes the counts that ended before `now` (housekeeping). */
export async function deleteExpiredRateLimits(orm: Orm, now: Date): Promise<number> {
  return orm.em.fork().nativeDelete(RateLimitSchema, { expire: { $lt: now.getTime() } });
}
