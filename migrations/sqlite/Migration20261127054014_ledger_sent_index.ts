import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the SQLite differ also proposed rebuilding unchanged tables.
export class Migration20261127054014_ledger_sent_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index \`mailing_recipients_mailing_id_state_index\`;`);
    this.addSql(`create index \`mailing_recipients_mailing_id_state_sent_at_index\` on \`mailing_recipients\` (\`mailing_id\`, \`state\`, \`sent_at\`);`);
  }

}
