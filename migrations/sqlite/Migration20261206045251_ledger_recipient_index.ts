import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the differ also proposed rebuilding unchanged tables and the completion column.

export class Migration20261206045251_ledger_recipient_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`mailing_recipients_recipient_id_index\` on \`mailing_recipients\` (\`recipient_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index \`mailing_recipients_recipient_id_index\`;`);
  }

}
