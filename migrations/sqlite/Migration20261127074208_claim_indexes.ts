import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the SQLite differ also proposed rebuilding unchanged tables.
export class Migration20261127074208_claim_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index \`mailing_recipients_account_id_sent_at_index\`;`);
    this.addSql(`drop index \`mailing_recipients_account_id_state_due_at_index\`;`);
    this.addSql(`create index \`mailing_recipients_account_id_state_mailing_id_index\` on \`mailing_recipients\` (\`account_id\`, \`state\`, \`mailing_id\`);`);
    this.addSql(`create index \`mailing_recipients_account_id_state_sent_at_index\` on \`mailing_recipients\` (\`account_id\`, \`state\`, \`sent_at\`);`);
  }

}
