import { Migration } from '@mikro-orm/migrations';

/** OAuth 2.0 mailboxes: the providers' clients in settings, an account's grant and token lease. */
export class Migration20261206054436_oauth_mailboxes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`settings\` add \`google_client_id\` varchar(200) null, add \`google_client_secret_enc\` text null, add \`microsoft_client_id\` varchar(200) null, add \`microsoft_client_secret_enc\` text null, add \`microsoft_tenant\` varchar(100) null;`);

    this.addSql(`alter table \`email_accounts\` add \`oauth_provider\` varchar(16) null, add \`oauth_refresh_token_enc\` text null, add \`oauth_access_token_enc\` text null, add \`oauth_access_expires_at\` datetime null, add \`oauth_refreshing_until\` datetime null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` drop column \`oauth_provider\`, drop column \`oauth_refresh_token_enc\`, drop column \`oauth_access_token_enc\`, drop column \`oauth_access_expires_at\`, drop column \`oauth_refreshing_until\`;`);

    this.addSql(`alter table \`settings\` drop column \`google_client_id\`, drop column \`google_client_secret_enc\`, drop column \`microsoft_client_id\`, drop column \`microsoft_client_secret_enc\`, drop column \`microsoft_tenant\`;`);
  }

}
