import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the differ also proposed rebuilding unchanged tables and the completion column.

export class Migration20261206054848_message_attachments extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`message_attachments\` (\`id\` int unsigned not null auto_increment primary key, \`message_id\` int unsigned not null, \`filename\` varchar(120) not null, \`content_type\` varchar(100) not null, \`size\` int not null, \`sha256\` varchar(64) not null, \`content_id\` varchar(100) null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`message_attachments\` add index \`message_attachments_message_id_index\`(\`message_id\`);`);
    this.addSql(`alter table \`message_attachments\` add index \`message_attachments_sha256_index\`(\`sha256\`);`);

    this.addSql(`alter table \`message_attachments\` add constraint \`message_attachments_message_id_foreign\` foreign key (\`message_id\`) references \`messages\` (\`id\`) on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`message_attachments\`;`);
  }

}
