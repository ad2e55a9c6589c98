import { Migration } from '@mikro-orm/migrations';

export class Migration20261127074208_claim_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_account_id_sent_at_index\`;`);
    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_account_id_state_due_at_index\`;`);

    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_account_id_state_mailing_id_index\`(\`account_id\`, \`state\`, \`mailing_id\`);`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_account_id_state_sent_at_index\`(\`account_id\`, \`state\`, \`sent_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_account_id_state_mailing_id_index\`;`);
    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_account_id_state_sent_at_index\`;`);

    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_account_id_sent_at_index\`(\`account_id\`, \`sent_at\`);`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_account_id_state_due_at_index\`(\`account_id\`, \`state\`, \`due_at\`);`);
  }

}
