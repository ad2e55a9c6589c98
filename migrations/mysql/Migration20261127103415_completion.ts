import { Migration } from '@mikro-orm/migrations';

export class Migration20261127103415_completion extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailings\` add \`completion\` int generated always as (case when (total - skipped_count) > 0 then (100 * sent_count - (100 * sent_count) % (total - skipped_count)) / (total - skipped_count) else 100 end) virtual;`);
    this.addSql(`alter table \`mailings\` add index \`mailings_completion_index\`(\`completion\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_department_id_completion_index\`(\`department_id\`, \`completion\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailings\` drop index \`mailings_completion_index\`;`);
    this.addSql(`alter table \`mailings\` drop index \`mailings_department_id_completion_index\`;`);
    this.addSql(`alter table \`mailings\` drop column \`completion\`;`);
  }

}
