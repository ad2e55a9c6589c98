/**
 * Writes a migration for each dialect from the difference between the entities and a database
 * built from the existing migrations. Usage: npm run migration:create -- [name]
 * MySQL uses a scratch database on MIGRATIONS_MYSQL_URL (default: the local MariaDB).
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { MikroORM } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { ormOptions } from '../server/db/orm.js';

const name = process.argv[2];
const sqlitePath = `/tmp/mailroom-migrations-${process.pid}.sqlite`;
const mysqlBase = process.env.MIGRATIONS_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

async function create(target: Parameters<typeof ormOptions>[0], label: string) {
  // mysql2 reports phantom differences for nullable columns on MariaDB; the mariadb driver
  // reads the same schema correctly and writes SQL that MySQL runs too.
  const orm = await MikroORM.init({ ...ormOptions(target), ...(target.kind === 'mysql' ? { driver: MariaDbDriver } : {}) });
  const migrator = orm.getMigrator();
  await migrator.up();
  const initial = (await migrator.getExecutedMigrations()).length === 0;
  const result = await migrator.createMigration(undefined, false, initial, name);
  console.log(`${label}: ${result.fileName || 'no changes'}`);
  await orm.close();
  writeIndex(`migrations/${label}`);
}

/** Regenerates the folder's index.ts, the static list the ORM runs migrations from. */
function writeIndex(dir: string) {
  const names = readdirSync(dir).filter((f) => /^Migration\d+.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
  const lines = [
    '// Written by scripts/migration-create.ts: the migrations of this dialect, oldest first.',
    "import type { MigrationObject } from '@mikro-orm/core';",
    ...names.map((n) => `import { ${n} } from './${n}.js';`),
    '',
    `export const migrations: MigrationObject[] = [${names.map((n) => `{ name: '${n}', class: ${n} }`).join(', ')}];`,
    '',
  ];
  writeFileSync(`${dir}/index.ts`, lines.join('\n'));
}

await create({ kind: 'sqlite', path: sqlitePath }, 'sqlite');
rmSync(sqlitePath, { force: true });

const scratch = `mailroom_migrations_${process.pid}`;
const admin = await createConnection(mysqlBase);
await admin.query(`create database ${scratch}`);
try {
  await create({ kind: 'mysql', url: `${mysqlBase}/${scratch}` }, 'mysql');
} finally {
  await admin.query(`drop database ${scratch}`);
  await admin.end();
}
