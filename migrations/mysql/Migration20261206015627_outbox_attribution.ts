import { Migration } from '@mikro-orm/migrations';

export class Migration20261206015627_outbox_attribution extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`test_sends\` (\`id\` int unsigned not null auto_increment primary key, \`message_id\` varchar(300) not null, \`mailing_id\` int unsigned not null, \`account_id\` int unsigned null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`test_sends\` add unique \`test_sends_message_id_unique\`(\`message_id\`);`);
    this.addSql(`alter table \`test_sends\` add index \`test_sends_mailing_id_index\`(\`mailing_id\`);`);
    this.addSql(`alter table \`test_sends\` add index \`test_sends_account_id_index\`(\`account_id\`);`);
    this.addSql(`alter table \`test_sends\` add constraint \`test_sends_mailing_id_foreign\` foreign key (\`mailing_id\`) references \`mailings\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`test_sends\` add constraint \`test_sends_account_id_foreign\` foreign key (\`account_id\`) references \`email_accounts\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`mailing_recipients\` add index \`mailing_recipients_message_id_index\`(\`message_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`test_sends\`;`);
    this.addSql(`alter table \`mailing_recipients\` drop index \`mailing_recipients_message_id_index\`;`);
  }

}
