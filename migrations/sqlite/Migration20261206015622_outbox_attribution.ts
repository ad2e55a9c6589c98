import { Migration } from '@mikro-orm/migrations';

export class Migration20261206015622_outbox_attribution extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`test_sends\` (\`id\` integer not null primary key autoincrement, \`message_id\` text not null, \`mailing_id\` integer not null, \`account_id\` integer null, \`created_at\` datetime not null, constraint \`test_sends_mailing_id_foreign\` foreign key(\`mailing_id\`) references \`mailings\`(\`id\`) on delete cascade on update cascade, constraint \`test_sends_account_id_foreign\` foreign key(\`account_id\`) references \`email_accounts\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create unique index \`test_sends_message_id_unique\` on \`test_sends\` (\`message_id\`);`);
    this.addSql(`create index \`test_sends_mailing_id_index\` on \`test_sends\` (\`mailing_id\`);`);
    this.addSql(`create index \`test_sends_account_id_index\` on \`test_sends\` (\`account_id\`);`);
    this.addSql(`create index \`mailing_recipients_message_id_index\` on \`mailing_recipients\` (\`message_id\`);`);
  }

}
