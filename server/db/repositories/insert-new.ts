import type { Knex } from '@mikro-orm/knex';
import { isSqlite } from './ledger/rows.js';

/**
 * Inserts the rows the unique key `conflict` does not already hold, in one statement, and returns
 * the ones it inserted (their `returning` columns): MariaDB's INSERT IGNORE … RETURNING and
 * SQLite's INSERT OR IGNORE … RETURNING both answer with the inserted rows only, so a batch learns
 * which of its rows are new as exactly as one insert at a time does, concurrent writers included.
 */
export async function insertNew(knex: Knex, table: string, rows: Record<string, unknown>[], conflict: string[], returning: string[]): Promise<Record<string, unknown>[]> {
  if (!rows.length) return [];
  const { sql, bindings } = knex(table).insert(rows).onConflict(conflict).ignore().toSQL();
  const result = await knex.raw(`${sql} returning ${returning.map(() => '??').join(', ')}`, [...bindings, ...returning]);
  // mysql2 answers [rows, fields]; better-sqlite3 the rows.
  return (isSqlite(knex) ? result : result[0]) as Record<string, unknown>[];
}
