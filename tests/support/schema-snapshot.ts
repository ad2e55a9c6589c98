import type { Orm } from '../../server/db/orm.js';

type Row = Record<string, unknown>;

/**
 * A dialect-neutral description of the live schema (tables, columns, indexes, foreign keys),
 * read from the database itself, so two schemas can be compared without trusting a differ.
 * Column order is ignored: a migration appends columns that an entity lists in the middle.
 */
export async function schemaSnapshot(orm: Orm): Promise<Record<string, unknown>> {
  const conn = orm.em.getConnection();
  const q = (sql: string, params: unknown[] = []) => conn.execute<Row[]>(sql, params);
  if (orm.config.get('driver')?.name === 'BetterSqliteDriver') {
    const tables = (await q(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'mikro_orm_migrations' order by name`)).map((r) => String(r.name));
    const out: Record<string, unknown> = {};
    for (const t of tables) {
      const indexes = await q(`pragma index_list(\`${t}\`)`);
      out[t] = {
        columns: (await q(`pragma table_info(\`${t}\`)`)).map((c) => [c.name, String(c.type).toLowerCase(), c.notnull, c.dflt_value, c.pk]).sort(),
        indexes: (await Promise.all(indexes.filter((i) => i.origin !== 'pk').map(async (i) => [i.name, i.unique, (await q(`pragma index_info(\`${String(i.name)}\`)`)).map((c) => c.name)]))).sort(),
        foreignKeys: (await q(`pragma foreign_key_list(\`${t}\`)`)).map((f) => [f.from, f.table, f.to, f.on_delete]).sort(),
        checks: /check\s*\(/i.test(String((await q(`select sql from sqlite_master where name = ?`, [t]))[0].sql)),
      };
    }
    return out;
  }
  const db = String(orm.config.get('dbName'));
  const columns = await q(
    `select table_name t, column_name c, column_type ty, is_nullable n, column_default d from information_schema.columns where table_schema = ? and table_name <> 'mikro_orm_migrations' order by table_name, column_name`,
    [db],
  );
  const indexes = await q(
    `select table_name t, index_name i, non_unique u, group_concat(column_name order by seq_in_index) cols from information_schema.statistics where table_schema = ? and table_name <> 'mikro_orm_migrations' group by table_name, index_name, non_unique order by table_name, index_name`,
    [db],
  );
  const fks = await q(
    `select k.table_name t, k.column_name c, k.referenced_table_name rt, r.delete_rule dr from information_schema.key_column_usage k join information_schema.referential_constraints r on r.constraint_schema = k.constraint_schema and r.constraint_name = k.constraint_name where k.table_schema = ? order by k.table_name, k.column_name`,
    [db],
  );
  const lower = (rows: Row[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v])));
  return { columns: lower(columns), indexes: lower(indexes), fks: lower(fks) };
}
