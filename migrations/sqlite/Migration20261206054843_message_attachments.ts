import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the differ also proposed rebuilding unchanged tables and the completion column.

export class Migration20261206054843_message_attachments extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`message_attachments\` (\`id\` integer not null primary key autoincrement, \`message_id\` integer not null, \`filename\` text not null, \`content_type\` text not null, \`size\` integer not null, \`sha256\` text not null, \`content_id\` text null, \`created_at\` datetime not null, constraint \`message_attachments_message_id_foreign\` foreign key(\`message_id\`) references \`messages\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`message_attachments_message_id_index\` on \`message_attachments\` (\`message_id\`);`);
    this.addSql(`create index \`message_attachments_sha256_index\` on \`message_attachments\` (\`sha256\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`message_attachments\`;`);
  }

}
