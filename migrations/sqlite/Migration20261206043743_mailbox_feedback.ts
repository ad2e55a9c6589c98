import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the differ also proposed rebuilding unchanged tables and the completion column.

export class Migration20261206043743_mailbox_feedback extends Migration {
  /**
   * SQLite changes the health column's CHECK only by rebuilding email_accounts, and dropping it
   * with foreign keys enforced would cascade into the ledger (every row's account set null). The
   * pragma that turns them off is ignored inside a transaction, so this migration runs outside the
   * migrator's and opens its own after the pragma (orm.ts runs SQLite migrations one by one).
   */
  override isTransactional(): boolean {
    return false;
  }

  override async up(): Promise<void> {
    this.addSql(`create table \`inboxes\` (\`id\` integer not null primary key autoincrement, \`account_id\` integer not null, \`kind\` text check (\`kind\` in ('imap', 'sink')) not null default 'imap', \`host\` text not null, \`port\` integer not null, \`security\` text check (\`security\` in ('tls', 'starttls', 'none')) not null, \`user\` text not null, \`password_enc\` text not null, \`folders\` json not null, \`bounce_folder\` text null, \`health\` text check (\`health\` in ('unknown', 'ok', 'auth_failed', 'unreachable', 'folder_missing')) not null default 'unknown', \`health_reason\` text null, \`health_checked_at\` datetime null, \`last_read_at\` datetime null, \`created_at\` datetime not null, constraint \`inboxes_account_id_foreign\` foreign key(\`account_id\`) references \`email_accounts\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create unique index \`inboxes_account_id_unique\` on \`inboxes\` (\`account_id\`);`);

    this.addSql(`create table \`inbox_cursors\` (\`id\` integer not null primary key autoincrement, \`inbox_id\` integer not null, \`folder\` text not null, \`uid_validity\` bigint not null, \`next_uid\` bigint not null, \`updated_at\` datetime not null, constraint \`inbox_cursors_inbox_id_foreign\` foreign key(\`inbox_id\`) references \`inboxes\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`inbox_cursors_inbox_id_index\` on \`inbox_cursors\` (\`inbox_id\`);`);
    this.addSql(`create unique index \`inbox_cursors_inbox_id_folder_unique\` on \`inbox_cursors\` (\`inbox_id\`, \`folder\`);`);

    this.addSql(`create table \`feedback_events\` (\`id\` integer not null primary key autoincrement, \`account_id\` integer not null, \`message_key\` text not null, \`kind\` text check (\`kind\` in ('hard_bounce', 'soft_bounce', 'complaint', 'reply', 'auto_reply', 'unsubscribe', 'unrelated')) not null, \`email\` text not null, \`recipient_row\` bigint null, \`mailing_id\` integer null, \`status\` text null, \`note\` text null, \`folder\` text not null, \`uid\` bigint null, \`sent_at\` datetime null, \`created_at\` datetime not null, constraint \`feedback_events_account_id_foreign\` foreign key(\`account_id\`) references \`email_accounts\`(\`id\`) on delete cascade on update cascade, constraint \`feedback_events_mailing_id_foreign\` foreign key(\`mailing_id\`) references \`mailings\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create index \`feedback_events_account_id_index\` on \`feedback_events\` (\`account_id\`);`);
    this.addSql(`create index \`feedback_events_mailing_id_index\` on \`feedback_events\` (\`mailing_id\`);`);
    this.addSql(`create index \`feedback_events_email_kind_index\` on \`feedback_events\` (\`email\`, \`kind\`);`);
    this.addSql(`create index \`feedback_events_account_id_kind_created_at_index\` on \`feedback_events\` (\`account_id\`, \`kind\`, \`created_at\`);`);
    this.addSql(`create index \`feedback_events_recipient_row_index\` on \`feedback_events\` (\`recipient_row\`);`);
    this.addSql(`create unique index \`feedback_events_account_id_message_key_email_unique\` on \`feedback_events\` (\`account_id\`, \`message_key\`, \`email\`);`);

    this.addSql(`alter table \`mailings\` add column \`bounced_count\` integer not null default 0;`);
    this.addSql(`alter table \`mailings\` add column \`complained_count\` integer not null default 0;`);
    this.addSql(`alter table \`mailings\` add column \`replied_count\` integer not null default 0;`);
    this.addSql(`alter table \`mailings\` add column \`stop_company_on_reply\` integer not null default false;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`begin;`);
    this.addSql(`create table \`email_accounts__temp_alter\` (\`id\` integer not null primary key autoincrement, \`owner_id\` integer not null, \`department_id\` integer not null, \`name\` text not null, \`from_name\` text not null, \`from_email\` text not null, \`smtp_host\` text not null, \`smtp_port\` integer not null, \`smtp_security\` text check (\`smtp_security\` in ('tls', 'starttls', 'none')) not null, \`smtp_user\` text not null, \`smtp_password_enc\` text not null, \`main\` integer not null default false, \`mass_mail_enabled\` integer not null default true, \`daily_limit\` integer not null, \`time_zone\` text null, \`dkim_domain\` text null, \`dkim_selector\` text null, \`dkim_private_key_enc\` text null, \`next_send_at\` datetime null, \`health\` text check (\`health\` in ('unknown', 'ok', 'auth_failed', 'sender_refused', 'unreachable', 'bounce_rate', 'complaint_rate')) not null default 'unknown', \`health_reason\` text null, \`health_checked_at\` datetime null, \`created_at\` datetime not null, constraint \`email_accounts_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on update cascade, constraint \`email_accounts_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on update cascade);`);
    this.addSql(`insert into \`email_accounts__temp_alter\` select \`id\`, \`owner_id\`, \`department_id\`, \`name\`, \`from_name\`, \`from_email\`, \`smtp_host\`, \`smtp_port\`, \`smtp_security\`, \`smtp_user\`, \`smtp_password_enc\`, \`main\`, \`mass_mail_enabled\`, \`daily_limit\`, \`time_zone\`, \`dkim_domain\`, \`dkim_selector\`, \`dkim_private_key_enc\`, \`next_send_at\`, \`health\`, \`health_reason\`, \`health_checked_at\`, \`created_at\` from \`email_accounts\`;`);
    this.addSql(`drop table \`email_accounts\`;`);
    this.addSql(`alter table \`email_accounts__temp_alter\` rename to \`email_accounts\`;`);
    this.addSql(`create index \`email_accounts_owner_id_index\` on \`email_accounts\` (\`owner_id\`);`);
    this.addSql(`create index \`email_accounts_department_id_index\` on \`email_accounts\` (\`department_id\`);`);
    this.addSql(`commit;`);
    this.addSql(`pragma foreign_keys = on;`);
    this.addSql(`alter table \`mailing_recipients\` add column \`feedback\` text check (\`feedback\` in ('bounced', 'complained', 'replied', 'soft_bounced', 'auto_replied')) null;`);
    this.addSql(`alter table \`mailing_recipients\` add column \`feedback_at\` datetime null;`);
    this.addSql(`alter table \`mailing_recipients\` add column \`feedback_status\` text null;`);
    this.addSql(`alter table \`mailing_recipients\` add column \`feedback_note\` text null;`);
    this.addSql(`create index \`mailing_recipients_mailing_id_feedback_index\` on \`mailing_recipients\` (\`mailing_id\`, \`feedback\`);`);
    this.addSql(`create index \`mailing_recipients_email_index\` on \`mailing_recipients\` (\`email\`);`);
  }

}
