import { Migration } from '@mikro-orm/migrations';

export class Migration20261127043522_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`departments\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`departments_name_unique\` on \`departments\` (\`name\`);`);

    this.addSql(`create table \`settings\` (\`id\` integer not null primary key autoincrement, \`window_start\` text not null, \`window_end\` text not null, \`business_days\` json not null, \`default_daily_limit\` integer not null, \`time_zone\` text not null, \`public_base_url\` text not null, \`unsubscribe_mailto\` text null, \`unsubscribe_text\` text not null);`);

    this.addSql(`create table \`suppressions\` (\`id\` integer not null primary key autoincrement, \`email\` text not null, \`reason\` text not null, \`source\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`suppressions_email_unique\` on \`suppressions\` (\`email\`);`);

    this.addSql(`create table \`users\` (\`id\` integer not null primary key autoincrement, \`email\` text not null, \`name\` text not null, \`password_hash\` text not null, \`role\` text check (\`role\` in ('admin', 'company_manager', 'team_lead', 'sales_manager')) not null, \`department_id\` integer null, \`time_zone\` text not null default 'UTC', \`active\` integer not null default true, \`created_at\` datetime not null, constraint \`users_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create unique index \`users_email_unique\` on \`users\` (\`email\`);`);
    this.addSql(`create index \`users_department_id_index\` on \`users\` (\`department_id\`);`);

    this.addSql(`create table \`signatures\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`format\` text check (\`format\` in ('html', 'text')) not null, \`body\` text not null, \`is_default\` integer not null default false, \`owner_id\` integer not null, \`department_id\` integer not null, \`created_at\` datetime not null, constraint \`signatures_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on update cascade, constraint \`signatures_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`signatures_owner_id_index\` on \`signatures\` (\`owner_id\`);`);
    this.addSql(`create index \`signatures_department_id_index\` on \`signatures\` (\`department_id\`);`);

    this.addSql(`create table \`sessions\` (\`token_hash\` text not null, \`user_id\` integer not null, \`expires_at\` datetime not null, \`created_at\` datetime not null, constraint \`sessions_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`token_hash\`));`);
    this.addSql(`create index \`sessions_user_id_index\` on \`sessions\` (\`user_id\`);`);
    this.addSql(`create index \`sessions_expires_at_index\` on \`sessions\` (\`expires_at\`);`);

    this.addSql(`create table \`messages\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`subject\` text not null, \`html\` text not null, \`text\` text null, \`signature_id\` integer null, \`owner_id\` integer not null, \`department_id\` integer not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`messages_signature_id_foreign\` foreign key(\`signature_id\`) references \`signatures\`(\`id\`) on delete set null on update cascade, constraint \`messages_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on update cascade, constraint \`messages_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`messages_signature_id_index\` on \`messages\` (\`signature_id\`);`);
    this.addSql(`create index \`messages_owner_id_index\` on \`messages\` (\`owner_id\`);`);
    this.addSql(`create index \`messages_department_id_index\` on \`messages\` (\`department_id\`);`);

    this.addSql(`create table \`mailings\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`recipient_type\` text check (\`recipient_type\` in ('company', 'contact', 'lead')) not null, \`status\` text check (\`status\` in ('active', 'active_error', 'paused', 'interrupted', 'done', 'cancelled')) not null, \`status_reason\` text null, \`message_id\` integer null, \`signature_id\` integer null, \`owner_id\` integer not null, \`department_id\` integer not null, \`vip\` integer not null default false, \`total\` integer not null default 0, \`sent_count\` integer not null default 0, \`failed_count\` integer not null default 0, \`skipped_count\` integer not null default 0, \`uncertain_count\` integer not null default 0, \`combined_into\` integer null, \`created_at\` datetime not null, \`finished_at\` datetime null, constraint \`mailings_message_id_foreign\` foreign key(\`message_id\`) references \`messages\`(\`id\`) on delete set null on update cascade, constraint \`mailings_signature_id_foreign\` foreign key(\`signature_id\`) references \`signatures\`(\`id\`) on delete set null on update cascade, constraint \`mailings_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on update cascade, constraint \`mailings_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`mailings_name_index\` on \`mailings\` (\`name\`);`);
    this.addSql(`create index \`mailings_status_index\` on \`mailings\` (\`status\`);`);
    this.addSql(`create index \`mailings_message_id_index\` on \`mailings\` (\`message_id\`);`);
    this.addSql(`create index \`mailings_signature_id_index\` on \`mailings\` (\`signature_id\`);`);
    this.addSql(`create index \`mailings_owner_id_index\` on \`mailings\` (\`owner_id\`);`);
    this.addSql(`create index \`mailings_department_id_index\` on \`mailings\` (\`department_id\`);`);
    this.addSql(`create index \`mailings_created_at_index\` on \`mailings\` (\`created_at\`);`);
    this.addSql(`create index \`mailings_department_id_status_index\` on \`mailings\` (\`department_id\`, \`status\`);`);
    this.addSql(`create index \`mailings_owner_id_status_index\` on \`mailings\` (\`owner_id\`, \`status\`);`);

    this.addSql(`create table \`mailing_events\` (\`id\` integer not null primary key autoincrement, \`mailing_id\` integer not null, \`at\` datetime not null, \`level\` text check (\`level\` in ('info', 'warning', 'error', 'critical')) not null, \`kind\` text not null, \`text\` text not null, \`recipient_email\` text null, \`account_id\` integer null, constraint \`mailing_events_mailing_id_foreign\` foreign key(\`mailing_id\`) references \`mailings\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`mailing_events_mailing_id_index\` on \`mailing_events\` (\`mailing_id\`);`);
    this.addSql(`create index \`mailing_events_mailing_id_at_index\` on \`mailing_events\` (\`mailing_id\`, \`at\`);`);

    this.addSql(`create table \`leads\` (\`id\` integer not null primary key autoincrement, \`email\` text null, \`country\` text null, \`owner_id\` integer not null, \`department_id\` integer not null, \`vip\` integer not null default false, \`mass_mailing\` integer not null default true, \`disqualified\` integer not null default false, \`created_at\` datetime not null, \`first_name\` text not null, \`last_name\` text null, \`title\` text null, \`company_name\` text null, constraint \`leads_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on update cascade, constraint \`leads_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`leads_owner_id_index\` on \`leads\` (\`owner_id\`);`);
    this.addSql(`create index \`leads_department_id_index\` on \`leads\` (\`department_id\`);`);

    this.addSql(`create table \`email_accounts\` (\`id\` integer not null primary key autoincrement, \`owner_id\` integer not null, \`department_id\` integer not null, \`name\` text not null, \`from_name\` text not null, \`from_email\` text not null, \`smtp_host\` text not null, \`smtp_port\` integer not null, \`smtp_security\` text check (\`smtp_security\` in ('tls', 'starttls', 'none')) not null, \`smtp_user\` text not null, \`smtp_password_enc\` text not null, \`main\` integer not null default false, \`mass_mail_enabled\` integer not null default true, \`daily_limit\` integer not null, \`time_zone\` text null, \`health\` text check (\`health\` in ('unknown', 'ok', 'auth_failed', 'sender_refused', 'unreachable')) not null default 'unknown', \`health_reason\` text null, \`health_checked_at\` datetime null, \`created_at\` datetime not null, constraint \`email_accounts_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on update cascade, constraint \`email_accounts_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`email_accounts_owner_id_index\` on \`email_accounts\` (\`owner_id\`);`);
    this.addSql(`create index \`email_accounts_department_id_index\` on \`email_accounts\` (\`department_id\`);`);

    this.addSql(`create table \`mailing_recipients\` (\`id\` integer not null primary key autoincrement, \`mailing_id\` integer not null, \`recipient_id\` integer not null, \`email\` text not null, \`name\` text null, \`vip\` integer not null default false, \`account_id\` integer null, \`state\` text check (\`state\` in ('pending', 'sending', 'sent', 'failed', 'skipped', 'uncertain')) not null default 'pending', \`attempts\` integer not null default 0, \`due_at\` datetime null, \`lease_until\` datetime null, \`last_reply\` text null, \`message_id\` text null, \`sent_at\` datetime null, \`updated_at\` datetime not null, constraint \`mailing_recipients_mailing_id_foreign\` foreign key(\`mailing_id\`) references \`mailings\`(\`id\`) on delete cascade on update cascade, constraint \`mailing_recipients_account_id_foreign\` foreign key(\`account_id\`) references \`email_accounts\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create index \`mailing_recipients_mailing_id_index\` on \`mailing_recipients\` (\`mailing_id\`);`);
    this.addSql(`create index \`mailing_recipients_account_id_index\` on \`mailing_recipients\` (\`account_id\`);`);
    this.addSql(`create index \`mailing_recipients_mailing_id_state_index\` on \`mailing_recipients\` (\`mailing_id\`, \`state\`);`);
    this.addSql(`create index \`mailing_recipients_account_id_state_due_at_index\` on \`mailing_recipients\` (\`account_id\`, \`state\`, \`due_at\`);`);
    this.addSql(`create index \`mailing_recipients_account_id_sent_at_index\` on \`mailing_recipients\` (\`account_id\`, \`sent_at\`);`);
    this.addSql(`create unique index \`mailing_recipients_mailing_id_email_unique\` on \`mailing_recipients\` (\`mailing_id\`, \`email\`);`);

    this.addSql(`create table \`companies\` (\`id\` integer not null primary key autoincrement, \`email\` text null, \`country\` text null, \`owner_id\` integer not null, \`department_id\` integer not null, \`vip\` integer not null default false, \`mass_mailing\` integer not null default true, \`disqualified\` integer not null default false, \`created_at\` datetime not null, \`name\` text not null, \`website\` text null, constraint \`companies_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on update cascade, constraint \`companies_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`companies_owner_id_index\` on \`companies\` (\`owner_id\`);`);
    this.addSql(`create index \`companies_department_id_index\` on \`companies\` (\`department_id\`);`);

    this.addSql(`create table \`contacts\` (\`id\` integer not null primary key autoincrement, \`email\` text null, \`country\` text null, \`owner_id\` integer not null, \`department_id\` integer not null, \`vip\` integer not null default false, \`mass_mailing\` integer not null default true, \`disqualified\` integer not null default false, \`created_at\` datetime not null, \`first_name\` text not null, \`last_name\` text null, \`title\` text null, \`company_id\` integer not null, constraint \`contacts_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on update cascade, constraint \`contacts_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on update cascade, constraint \`contacts_company_id_foreign\` foreign key(\`company_id\`) references \`companies\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`contacts_owner_id_index\` on \`contacts\` (\`owner_id\`);`);
    this.addSql(`create index \`contacts_department_id_index\` on \`contacts\` (\`department_id\`);`);
    this.addSql(`create index \`contacts_company_id_index\` on \`contacts\` (\`company_id\`);`);
  }

}
