import { Migration } from '@mikro-orm/migrations';

/** OAuth 2.0 mailboxes: nullable columns only, so SQLite adds them without rebuilding a table. */
export class Migration20261206054435_oauth_mailboxes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`settings\` add column \`google_client_id\` text null;`);
    this.addSql(`alter table \`settings\` add column \`google_client_secret_enc\` text null;`);
    this.addSql(`alter table \`settings\` add column \`microsoft_client_id\` text null;`);
    this.addSql(`alter table \`settings\` add column \`microsoft_client_secret_enc\` text null;`);
    this.addSql(`alter table \`settings\` add column \`microsoft_tenant\` text null;`);
    this.addSql(`alter table \`email_accounts\` add column \`oauth_provider\` text null;`);
    this.addSql(`alter table \`email_accounts\` add column \`oauth_refresh_token_enc\` text null;`);
    this.addSql(`alter table \`email_accounts\` add column \`oauth_access_token_enc\` text null;`);
    this.addSql(`alter table \`email_accounts\` add column \`oauth_access_expires_at\` datetime null;`);
    this.addSql(`alter table \`email_accounts\` add column \`oauth_refreshing_until\` datetime null;`);
  }

}
