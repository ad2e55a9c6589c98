import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the SQLite differ also proposed rebuilding unchanged tables.
export class Migration20261127081452_list_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`mailings_department_id_owner_id_index\` on \`mailings\` (\`department_id\`, \`owner_id\`);`);
    this.addSql(`create index \`mailings_department_id_recipient_type_index\` on \`mailings\` (\`department_id\`, \`recipient_type\`);`);
    this.addSql(`create index \`mailings_department_id_vip_index\` on \`mailings\` (\`department_id\`, \`vip\`);`);
    this.addSql(`create index \`mailings_department_id_name_index\` on \`mailings\` (\`department_id\`, \`name\`);`);
    this.addSql(`create index \`mailings_recipient_type_index\` on \`mailings\` (\`recipient_type\`);`);
    this.addSql(`create index \`mailings_vip_index\` on \`mailings\` (\`vip\`);`);
    this.addSql(`create index \`mailings_total_index\` on \`mailings\` (\`total\`);`);
    this.addSql(`create index \`mailings_last_sent_at_index\` on \`mailings\` (\`last_sent_at\`);`);
  }

}
