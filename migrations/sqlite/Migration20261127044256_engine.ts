import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the SQLite differ also proposed rebuilding unchanged tables.
export class Migration20261127044256_engine extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailings\` add column \`last_sent_at\` datetime null;`);
    this.addSql(`alter table \`email_accounts\` add column \`dkim_domain\` text null;`);
    this.addSql(`alter table \`email_accounts\` add column \`dkim_selector\` text null;`);
    this.addSql(`alter table \`email_accounts\` add column \`dkim_private_key_enc\` text null;`);
  }

}
