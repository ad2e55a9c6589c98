import { Migration } from '@mikro-orm/migrations';

export class Migration20261206022250_live_revocations extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`live_revocations\` (\`id\` bigint unsigned not null auto_increment primary key, \`origin\` varchar(36) not null, \`event\` text not null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`live_revocations\` add index \`live_revocations_created_at_index\`(\`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`live_revocations\`;`);
  }

}
