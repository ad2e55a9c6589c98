import { Migration } from '@mikro-orm/migrations';

export class Migration20261127043522_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`departments\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(120) not null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`departments\` add unique \`departments_name_unique\`(\`name\`);`);

    this.addSql(`create table \`settings\` (\`id\` int unsigned not null auto_increment primary key, \`window_start\` varchar(5) not null, \`window_end\` varchar(5) not null, \`business_days\` json not null, \`default_daily_limit\` int not null, \`time_zone\` varchar(64) not null, \`public_base_url\` varchar(300) not null, \`unsubscribe_mailto\` varchar(254) null, \`unsubscribe_text\` text not null) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`suppressions\` (\`id\` int unsigned not null auto_increment primary key, \`email\` varchar(254) not null, \`reason\` varchar(60) not null, \`source\` varchar(200) null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`suppressions\` add unique \`suppressions_email_unique\`(\`email\`);`);

    this.addSql(`create table \`users\` (\`id\` int unsigned not null auto_increment primary key, \`email\` varchar(254) not null, \`name\` varchar(120) not null, \`password_hash\` varchar(255) not null, \`role\` enum('admin', 'company_manager', 'team_lead', 'sales_manager') not null, \`department_id\` int unsigned null, \`time_zone\` varchar(64) not null default 'UTC', \`active\` tinyint(1) not null default true, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`users\` add unique \`users_email_unique\`(\`email\`);`);
    this.addSql(`alter table \`users\` add index \`users_department_id_index\`(\`department_id\`);`);

    this.addSql(`create table \`signatures\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(120) not null, \`format\` enum('html', 'text') not null, \`body\` text not null, \`is_default\` tinyint(1) not null default false, \`owner_id\` int unsigned not null, \`department_id\` int unsigned not null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`signatures\` add index \`signatures_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`signatures\` add index \`signatures_department_id_index\`(\`department_id\`);`);

    this.addSql(`create table \`sessions\` (\`token_hash\` varchar(64) not null, \`user_id\` int unsigned not null, \`expires_at\` datetime not null, \`created_at\` datetime not null, primary key (\`token_hash\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sessions\` add index \`sessions_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`sessions\` add index \`sessions_expires_at_index\`(\`expires_at\`);`);

    this.addSql(`create table \`messages\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(200) not null, \`subject\` varchar(300) not null, \`html\` text not null, \`text\` text null, \`signature_id\` int unsigned null, \`owner_id\` int unsigned not null, \`department_id\` int unsigned not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`messages\` add index \`messages_signature_id_index\`(\`signature_id\`);`);
    this.addSql(`alter table \`messages\` add index \`messages_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`messages\` add index \`messages_department_id_index\`(\`department_id\`);`);

    this.addSql(`create table \`mailings\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(200) not null, \`recipient_type\` enum('company', 'contact', 'lead') not null, \`status\` enum('active', 'active_error', 'paused', 'interrupted', 'done', 'cancelled') not null, \`status_reason\` varchar(500) null, \`message_id\` int unsigned null, \`signature_id\` int unsigned null, \`owner_id\` int unsigned not null, \`department_id\` int unsigned not null, \`vip\` tinyint(1) not null default false, \`total\` int not null default 0, \`sent_count\` int not null default 0, \`failed_count\` int not null default 0, \`skipped_count\` int not null default 0, \`uncertain_count\` int not null default 0, \`combined_into\` int null, \`created_at\` datetime not null, \`finished_at\` datetime null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mailings\` add index \`mailings_name_index\`(\`name\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_status_index\`(\`status\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_message_id_index\`(\`message_id\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_signature_id_index\`(\`signature_id\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_department_id_index\`(\`department_id\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_created_at_index\`(\`created_at\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_department_id_status_index\`(\`department_id\`, \`status\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_owner_id_status_index\`(\`owner_id\`, \`status\`);`);

    this.addSql(`create table \`mailing_events\` (\`id\` bigint unsigned not null auto_increment primary key, \`mailing_id\` int unsigned not null, \`at\` datetime not null, \`level\` enum('info', 'warning', 'error', 'critical') not null, \`kind\` varchar(60) not null, \`text\` varchar(1000) not null, \`recipient_email\` varchar(254) null, \`account_id\` int null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mailing_events\` add index \`mailing_events_mailing_id_index\`(\`mailing_id\`);`);
    this.addSql(`alter table \`mailing_events\` add index \`mailing_events_mailing_id_at_index\`(\`mailing_id\`, \`at\`);`);

    this.addSql(`create table \`leads\` (\`id\` int unsigned not null auto_increment primary key, \`email\` varchar(254) null, \`country\` varchar(80) null, \`owner_id\` int unsigned not null, \`department_id\` int unsigned not null, \`vip\` tinyint(1) not null default false, \`mass_mailing\` tinyint(1) not null default true, \`disqualified\` tinyint(1) not null default false, \`created_at\` datetime not null, \`first_name\` varchar(100) not null, \`last_name\` varchar(100) null, \`title\` varchar(120) null, \`company_name\` varchar(200) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`leads\` add index \`leads_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`leads\` add index \`leads_department_id_index\`(\`department_id\`);`);

    this.addSql(`create table \`email_accounts\` (\`id\` int unsigned not null auto_increment primary key, \`owner_id\` int unsigned not null, \`department_id\` int unsigned not null, \`name\` varchar(120) not null, \`from_name\` varchar(120) not null, \`from_email\` varchar(254) not null, \`smtp_host\` varchar(253) not null, \`smtp_port\` int not null, \`smtp_security\` enum('tls', 'starttls', 'none') not null, \`smtp_user\` varchar(254) not null, \`smtp_password_enc\` text not null, \`main\` tinyint(1) not null default false, \`mass_mail_enabled\` tinyint(1) not null default true, \`daily_limit\` int not null, \`time_zone\` varchar(64) null, \`health\` enum('unknown', 'ok', 'auth_failed', 'sender_refused', 'unreachable') not null default 'unknown', \`health_reason\` varchar(500) null, \`health_checked_at\` datetime null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`email_accounts\` add index \`email_accounts_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`email_accounts\` add index \`email_accounts_department_id_index\`(\`department_id\`);`);

    this.addSql(`create table \`mailing_recipients\` (\`id\` bigint unsigned not null auto_increment primary key, \`mailing_id\` int unsigned not null, \`recipient_id\` int not null, \`email\` varchar(254) not null, \`name\` varchar(200) null, \`vip\` tinyint(1) not null default false, \`account_id\` int unsigned null, \`state\` enum('pending', 'sending', 'sent', 'failed', 'skipped', 'uncertain') not null default 'pending', \`attempts\` int not null default 0, \`due_at\` datetime null, \`lease_until\` datetime null, \`last_reply\` varchar(1000) null, \`message_id\` varchar(300) null, \`sent_at\` datetime null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_mailing_id_index\`(\`mailing_id\`);`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_account_id_index\`(\`account_id\`);`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_mailing_id_state_index\`(\`mailing_id\`, \`state\`);`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_account_id_state_due_at_index\`(\`account_id\`, \`state\`, \`due_at\`);`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_account_id_sent_at_index\`(\`account_id\`, \`sent_at\`);`);
    this.addSql(`alter table \`mailing_recipients\` add unique \`mailing_recipients_mailing_id_email_unique\`(\`mailing_id\`, \`email\`);`);

    this.addSql(`create table \`companies\` (\`id\` int unsigned not null auto_increment primary key, \`email\` varchar(254) null, \`country\` varchar(80) null, \`owner_id\` int unsigned not null, \`department_id\` int unsigned not null, \`vip\` tinyint(1) not null default false, \`mass_mailing\` tinyint(1) not null default true, \`disqualified\` tinyint(1) not null default false, \`created_at\` datetime not null, \`name\` varchar(200) not null, \`website\` varchar(200) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`companies\` add index \`companies_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`companies\` add index \`companies_department_id_index\`(\`department_id\`);`);

    this.addSql(`create table \`contacts\` (\`id\` int unsigned not null auto_increment primary key, \`email\` varchar(254) null, \`country\` varchar(80) null, \`owner_id\` int unsigned not null, \`department_id\` int unsigned not null, \`vip\` tinyint(1) not null default false, \`mass_mailing\` tinyint(1) not null default true, \`disqualified\` tinyint(1) not null default false, \`created_at\` datetime not null, \`first_name\` varchar(100) not null, \`last_name\` varchar(100) null, \`title\` varchar(120) null, \`company_id\` int unsigned not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`contacts\` add index \`contacts_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`contacts\` add index \`contacts_department_id_index\`(\`department_id\`);`);
    this.addSql(`alter table \`contacts\` add index \`contacts_company_id_index\`(\`company_id\`);`);

    this.addSql(`alter table \`users\` add constraint \`users_department_id_foreign\` foreign key (\`department_id\`) references \`departments\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`alter table \`signatures\` add constraint \`signatures_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade;`);
    this.addSql(`alter table \`signatures\` add constraint \`signatures_department_id_foreign\` foreign key (\`department_id\`) references \`departments\` (\`id\`) on update cascade;`);

    this.addSql(`alter table \`sessions\` add constraint \`sessions_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`messages\` add constraint \`messages_signature_id_foreign\` foreign key (\`signature_id\`) references \`signatures\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`messages\` add constraint \`messages_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade;`);
    this.addSql(`alter table \`messages\` add constraint \`messages_department_id_foreign\` foreign key (\`department_id\`) references \`departments\` (\`id\`) on update cascade;`);

    this.addSql(`alter table \`mailings\` add constraint \`mailings_message_id_foreign\` foreign key (\`message_id\`) references \`messages\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`mailings\` add constraint \`mailings_signature_id_foreign\` foreign key (\`signature_id\`) references \`signatures\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`mailings\` add constraint \`mailings_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade;`);
    this.addSql(`alter table \`mailings\` add constraint \`mailings_department_id_foreign\` foreign key (\`department_id\`) references \`departments\` (\`id\`) on update cascade;`);

    this.addSql(`alter table \`mailing_events\` add constraint \`mailing_events_mailing_id_foreign\` foreign key (\`mailing_id\`) references \`mailings\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`leads\` add constraint \`leads_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade;`);
    this.addSql(`alter table \`leads\` add constraint \`leads_department_id_foreign\` foreign key (\`department_id\`) references \`departments\` (\`id\`) on update cascade;`);

    this.addSql(`alter table \`email_accounts\` add constraint \`email_accounts_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade;`);
    this.addSql(`alter table \`email_accounts\` add constraint \`email_accounts_department_id_foreign\` foreign key (\`department_id\`) references \`departments\` (\`id\`) on update cascade;`);

    this.addSql(`alter table \`mailing_recipients\` add constraint \`mailing_recipients_mailing_id_foreign\` foreign key (\`mailing_id\`) references \`mailings\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`mailing_recipients\` add constraint \`mailing_recipients_account_id_foreign\` foreign key (\`account_id\`) references \`email_accounts\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`alter table \`companies\` add constraint \`companies_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade;`);
    this.addSql(`alter table \`companies\` add constraint \`companies_department_id_foreign\` foreign key (\`department_id\`) references \`departments\` (\`id\`) on update cascade;`);

    this.addSql(`alter table \`contacts\` add constraint \`contacts_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade;`);
    this.addSql(`alter table \`contacts\` add constraint \`contacts_department_id_foreign\` foreign key (\`department_id\`) references \`departments\` (\`id\`) on update cascade;`);
    this.addSql(`alter table \`contacts\` add constraint \`contacts_company_id_foreign\` foreign key (\`company_id\`) references \`companies\` (\`id\`) on update cascade on delete cascade;`);
  }

}
