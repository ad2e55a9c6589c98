import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the SQLite differ also proposed rebuilding unchanged tables.
export class Migration20261127103414_completion extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailings\` add column \`completion\` integer generated always as (case when (total - skipped_count) > 0 then (100 * sent_count - (100 * sent_count) % (total - skipped_count)) / (total - skipped_count) else 100 end) virtual;`);
    this.addSql(`create index \`mailings_completion_index\` on \`mailings\` (\`completion\`);`);
    this.addSql(`create index \`mailings_department_id_completion_index\` on \`mailings\` (\`department_id\`, \`completion\`);`);
  }

}
