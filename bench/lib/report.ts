import { cpus, totalmem } from 'node:os';
import { createConnection } from 'mysql2/promise';

/** Prints rows as an aligned table under a title. */
export function table(title: string, headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** The figures as one line of JSON, always the last line a benchmark prints (run-all.ts reads it). */
export function finalJson(figures: Record<string, unknown>): void {
  console.log(JSON.stringify(figures));
}

/** What the numbers were measured on, for RESULTS.md. */
export async function machine(): Promise<Record<string, string | number>> {
  const conn = await createConnection(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
  const [rows] = await conn.query('select version() as v');
  await conn.end();
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    mariadb: (rows as { v: string }[])[0].v,
  };
}
