import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { DatabaseTarget } from '../../server/config.js';

export type TestDb = 'mysql' | 'sqlite';

const mysqlServer = () => {
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test');
  url.pathname = '/';
  return url.toString().replace(/\/$/, '');
};

/**
 * A fresh, empty database for one test file: a scratch schema on the real MariaDB, or an
 * in-memory SQLite. `drop()` removes it.
 */
export async function scratchDatabase(kind: TestDb): Promise<{ target: DatabaseTarget; drop(): Promise<void> }> {
  if (kind === 'sqlite') return { target: { kind: 'sqlite', path: ':memory:' }, drop: async () => {} };
  const name = `mailroom_t_${randomBytes(5).toString('hex')}`;
  const admin = await createConnection(mysqlServer());
  await admin.query(`create database \`${name}\``);
  await admin.end();
  return {
    target: { kind: 'mysql', url: `${mysqlServer()}/${name}` },
    async drop() {
      const conn = await createConnection(mysqlServer());
      await conn.query(`drop database if exists \`${name}\``);
      await conn.end();
    },
  };
}
