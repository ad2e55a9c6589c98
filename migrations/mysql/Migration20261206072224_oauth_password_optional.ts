import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the differ also proposed recreating the unchanged completion column.

/** OAuth mailboxes need no password: an account created by connecting it, and its inbox, sign in with the grant. */
export class Migration20261206072224_oauth_password_optional extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` modify \`smtp_password_enc\` text null;`);

    this.addSql(`alter table \`inboxes\` modify \`password_enc\` text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` modify \`smtp_password_enc\` text not null;`);

    this.addSql(`alter table \`inboxes\` modify \`password_enc\` text not null;`);
  }

}
