import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the differ also proposed dropping and re-adding the generated completion column.

export class Migration20261206043743_mailbox_feedback extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`inboxes\` (\`id\` int unsigned not null auto_increment primary key, \`account_id\` int unsigned not null, \`kind\` enum('imap', 'sink') not null default 'imap', \`host\` varchar(253) not null, \`port\` int not null, \`security\` enum('tls', 'starttls', 'none') not null, \`user\` varchar(254) not null, \`password_enc\` text not null, \`folders\` json not null, \`bounce_folder\` varchar(200) null, \`health\` enum('unknown', 'ok', 'auth_failed', 'unreachable', 'folder_missing') not null default 'unknown', \`health_reason\` varchar(500) null, \`health_checked_at\` datetime null, \`last_read_at\` datetime null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`inboxes\` add unique \`inboxes_account_id_unique\`(\`account_id\`);`);

    this.addSql(`create table \`inbox_cursors\` (\`id\` int unsigned not null auto_increment primary key, \`inbox_id\` int unsigned not null, \`folder\` varchar(200) not null, \`uid_validity\` bigint not null, \`next_uid\` bigint not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`inbox_cursors\` add index \`inbox_cursors_inbox_id_index\`(\`inbox_id\`);`);
    this.addSql(`alter table \`inbox_cursors\` add unique \`inbox_cursors_inbox_id_folder_unique\`(\`inbox_id\`, \`folder\`);`);

    this.addSql(`create table \`feedback_events\` (\`id\` bigint unsigned not null auto_increment primary key, \`account_id\` int unsigned not null, \`message_key\` varchar(64) not null, \`kind\` enum('hard_bounce', 'soft_bounce', 'complaint', 'reply', 'auto_reply', 'unsubscribe', 'unrelated') not null, \`email\` varchar(254) not null, \`recipient_row\` bigint null, \`mailing_id\` int unsigned null, \`status\` varchar(16) null, \`note\` varchar(1000) null, \`folder\` varchar(200) not null, \`uid\` bigint null, \`sent_at\` datetime null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`feedback_events\` add index \`feedback_events_account_id_index\`(\`account_id\`);`);
    this.addSql(`alter table \`feedback_events\` add index \`feedback_events_mailing_id_index\`(\`mailing_id\`);`);
    this.addSql(`alter table \`feedback_events\` add index \`feedback_events_email_kind_index\`(\`email\`, \`kind\`);`);
    this.addSql(`alter table \`feedback_events\` add index \`feedback_events_account_id_kind_created_at_index\`(\`account_id\`, \`kind\`, \`created_at\`);`);
    this.addSql(`alter table \`feedback_events\` add index \`feedback_events_recipient_row_index\`(\`recipient_row\`);`);
    this.addSql(`alter table \`feedback_events\` add unique \`feedback_events_account_id_message_key_email_unique\`(\`account_id\`, \`message_key\`, \`email\`);`);

    this.addSql(`alter table \`inboxes\` add constraint \`inboxes_account_id_foreign\` foreign key (\`account_id\`) references \`email_accounts\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`inbox_cursors\` add constraint \`inbox_cursors_inbox_id_foreign\` foreign key (\`inbox_id\`) references \`inboxes\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`feedback_events\` add constraint \`feedback_events_account_id_foreign\` foreign key (\`account_id\`) references \`email_accounts\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`feedback_events\` add constraint \`feedback_events_mailing_id_foreign\` foreign key (\`mailing_id\`) references \`mailings\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`alter table \`mailings\` add \`bounced_count\` int not null default 0, add \`complained_count\` int not null default 0, add \`replied_count\` int not null default 0, add \`stop_company_on_reply\` tinyint(1) not null default false;`);

    this.addSql(`alter table \`email_accounts\` modify \`health\` enum('unknown', 'ok', 'auth_failed', 'sender_refused', 'unreachable', 'bounce_rate', 'complaint_rate') not null default 'unknown';`);

    this.addSql(`alter table \`mailing_recipients\` add \`feedback\` enum('bounced', 'complained', 'replied', 'soft_bounced', 'auto_replied') null, add \`feedback_at\` datetime null, add \`feedback_status\` varchar(16) null, add \`feedback_note\` varchar(1000) null;`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_mailing_id_feedback_index\`(\`mailing_id\`, \`feedback\`);`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_email_index\`(\`email\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`inbox_cursors\` drop foreign key \`inbox_cursors_inbox_id_foreign\`;`);

    this.addSql(`drop table if exists \`inboxes\`;`);

    this.addSql(`drop table if exists \`inbox_cursors\`;`);

    this.addSql(`drop table if exists \`feedback_events\`;`);

    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_mailing_id_feedback_index\`;`);
    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_email_index\`;`);
    this.addSql(`alter table \`mailing_recipients\` drop column \`feedback\`, drop column \`feedback_at\`, drop column \`feedback_status\`, drop column \`feedback_note\`;`);

    this.addSql(`alter table \`email_accounts\` modify \`health\` enum('unknown', 'ok', 'auth_failed', 'sender_refused', 'unreachable') not null default 'unknown';`);

    this.addSql(`alter table \`mailings\` drop column \`bounced_count\`, drop column \`complained_count\`, drop column \`replied_count\`, drop column \`stop_company_on_reply\`;`);
  }

}
