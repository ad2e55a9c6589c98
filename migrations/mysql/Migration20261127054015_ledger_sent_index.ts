import { Migration } from '@mikro-orm/migrations';

export class Migration20261127054015_ledger_sent_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_mailing_id_state_index\`;`);

    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_mailing_id_state_sent_at_index\`(\`mailing_id\`, \`state\`, \`sent_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_mailing_id_state_sent_at_index\`;`);

    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_mailing_id_state_index\`(\`mailing_id\`, \`state\`);`);
  }

}
