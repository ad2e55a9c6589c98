import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MikroORM, type Options } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { MySqlDriver } from '@mikro-orm/mysql';
import { Migrator } from '@mikro-orm/migrations';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/knex';
import type { DatabaseTarget } from '../config.js';
import * as schemas from './entities/index.js';
import { migrations as mysqlMigrations } from '../../migrations/mysql/index.js';
import { migrations as sqliteMigrations } from '../../migrations/sqlite/index.js';

export type Orm = MikroORM<AbstractSqlDriver>;
export type Em = SqlEntityManager;

// Migrations are listed in an index per dialect (written by scripts/migration-create.ts), so they
// load the same under tsx, vitest and a bundler.
const migrationsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');


export function ormOptions(target: DatabaseTarget, debug = false): Options {
  const common = {
    entities: Object.values(schemas),
    debug,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    extensions: [Migrator],
    ignoreUndefinedInQuery: true,
  } satisfies Options;
  if (target.kind === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    return {
      ...common,
      driver: BetterSqliteDriver,
      dbName: target.path,
      // Each migration in its own transaction, so one may run outside any (see mailbox_feedback).
      migrations: { path: `${migrationsRoot}/sqlite`, migrationsList: sqliteMigrations, snapshot: false, transactional: true, allOrNothing: false, silent: true, emit: 'ts' },
    } as Options;
  }
  return {
    ...common,
    driver: MySqlDriver,
    clientUrl: target.url,
    pool: { min: 0, max: 10 },
    migrations: { path: `${migrationsRoot}/mysql`, migrationsList: mysqlMigrations, snapshot: false, transactional: false, silent: true, emit: 'ts' },
  } as Options;
}

export async function initORM(target: DatabaseTarget, opts: { migrate?: boolean; debug?: boolean } = {}): Promise<Orm> {
  const orm = (await MikroORM.init(ormOptions(target, opts.debug))) as unknown as Orm;
  if (target.kind === 'sqlite') {
    const conn = orm.em.getConnection();
    await conn.execute('pragma journal_mode = WAL');
    await conn.execute('pragma busy_timeout = 5000');
    await conn.execute('pragma foreign_keys = ON');
  }
  if (opts.migrate !== false) await orm.getMigrator().up();
  return orm;
}
