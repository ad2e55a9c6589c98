import { Migration } from '@mikro-orm/migrations';

export class Migration20261127044301_engine extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailings\` add \`last_sent_at\` datetime null;`);

    this.addSql(`alter table \`email_accounts\` add \`dkim_domain\` varchar(253) null, add \`dkim_selector\` varchar(63) null, add \`dkim_private_key_enc\` text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` drop column \`dkim_domain\`, drop column \`dkim_selector\`, drop column \`dkim_private_key_enc\`;`);

    this.addSql(`alter table \`mailings\` drop column \`last_sent_at\`;`);
  }

}
