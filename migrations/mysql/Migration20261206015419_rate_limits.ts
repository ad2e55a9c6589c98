import { Migration } from '@mikro-orm/migrations';

export class Migration20261206015419_rate_limits extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`rate_limits\` (\`key\` varchar(255) not null, \`points\` int not null default 0, \`expire\` bigint null, primary key (\`key\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`rate_limits\` add index \`rate_limits_expire_index\`(\`expire\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`rate_limits\`;`);
  }

}
