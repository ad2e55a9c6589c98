import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the differ also proposed dropping and re-adding the generated completion column.

export class Migration20261206045257_ledger_recipient_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_recipient_id_index\`(\`recipient_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_recipient_id_index\`;`);
  }

}
