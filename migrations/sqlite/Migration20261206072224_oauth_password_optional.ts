import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the differ also proposed rebuilding unchanged tables and the completion column.

/** OAuth mailboxes need no password: an account created by connecting it, and its inbox, sign in with the grant. */
export class Migration20261206072224_oauth_password_optional extends Migration {
  /**
   * SQLite drops a NOT NULL only by rebuilding the table, and dropping email_accounts or inboxes
   * with foreign keys enforced would cascade into the ledger, inbox cursors and feedback. The
   * pragma that turns them off is ignored inside a transaction, so this migration runs outside the
   * migrator's and opens its own after the pragma (as Migration20261206043743_mailbox_feedback).
   */
  override isTransactional(): boolean {
    return false;
  }

  override async up(): Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`begin;`);
    this.addSql(`create table \`email_accounts__temp_alter\` (\`id\` integer not null primary key autoincrement, \`owner_id\` integer not null, \`department_id\` integer not null, \`name\` text not null, \`from_name\` text not null, \`from_email\` text not null, \`smtp_host\` text not null, \`smtp_port\` integer not null, \`smtp_security\` text check (\`smtp_security\` in ('tls', 'starttls', 'none')) not null, \`smtp_user\` text not null, \`smtp_password_enc\` text null, \`oauth_provider\` text null, \`oauth_refresh_token_enc\` text null, \`oauth_access_token_enc\` text null, \`oauth_access_expires_at\` datetime null, \`oauth_refreshing_until\` datetime null, \`main\` integer not null default false, \`mass_mail_enabled\` integer not null default true, \`daily_limit\` integer not null, \`time_zone\` text null, \`dkim_domain\` text null, \`dkim_selector\` text null, \`dkim_private_key_enc\` text null, \`next_send_at\` datetime null, \`health\` text check (\`health\` in ('unknown', 'ok', 'auth_failed', 'sender_refused', 'unreachable', 'bounce_rate', 'complaint_rate')) not null default 'unknown', \`health_reason\` text null, \`health_checked_at\` datetime null, \`created_at\` datetime not null, constraint \`email_accounts_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on update cascade, constraint \`email_accounts_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on update cascade);`);
    this.addSql(`insert into \`email_accounts__temp_alter\` select \`id\`, \`owner_id\`, \`department_id\`, \`name\`, \`from_name\`, \`from_email\`, \`smtp_host\`, \`smtp_port\`, \`smtp_security\`, \`smtp_user\`, \`smtp_password_enc\`, \`oauth_provider\`, \`oauth_refresh_token_enc\`, \`oauth_access_token_enc\`, \`oauth_access_expires_at\`, \`oauth_refreshing_until\`, \`main\`, \`mass_mail_enabled\`, \`daily_limit\`, \`time_zone\`, \`dkim_domain\`, \`dkim_selector\`, \`dkim_private_key_enc\`, \`next_send_at\`, \`health\`, \`health_reason\`, \`health_checked_at\`, \`created_at\` from \`email_accounts\`;`);
    this.addSql(`drop table \`email_accounts\`;`);
    this.addSql(`alter table \`email_accounts__temp_alter\` rename to \`email_accounts\`;`);
    this.addSql(`create index \`email_accounts_owner_id_index\` on \`email_accounts\` (\`owner_id\`);`);
    this.addSql(`create index \`email_accounts_department_id_index\` on \`email_accounts\` (\`department_id\`);`);
    this.addSql(`create table \`inboxes__temp_alter\` (\`id\` integer not null primary key autoincrement, \`account_id\` integer not null, \`kind\` text check (\`kind\` in ('imap', 'sink')) not null default 'imap', \`host\` text not null, \`port\` integer not null, \`security\` text check (\`security\` in ('tls', 'starttls', 'none')) not null, \`user\` text not null, \`password_enc\` text null, \`folders\` json not null, \`bounce_folder\` text null, \`health\` text check (\`health\` in ('unknown', 'ok', 'auth_failed', 'unreachable', 'folder_missing')) not null default 'unknown', \`health_reason\` text null, \`health_checked_at\` datetime null, \`last_read_at\` datetime null, \`created_at\` datetime not null, constraint \`inboxes_account_id_foreign\` foreign key(\`account_id\`) references \`email_accounts\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`insert into \`inboxes__temp_alter\` select \`id\`, \`account_id\`, \`kind\`, \`host\`, \`port\`, \`security\`, \`user\`, \`password_enc\`, \`folders\`, \`bounce_folder\`, \`health\`, \`health_reason\`, \`health_checked_at\`, \`last_read_at\`, \`created_at\` from \`inboxes\`;`);
    this.addSql(`drop table \`inboxes\`;`);
    this.addSql(`alter table \`inboxes__temp_alter\` rename to \`inboxes\`;`);
    this.addSql(`create unique index \`inboxes_account_id_unique\` on \`inboxes\` (\`account_id\`);`);
    this.addSql(`commit;`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
