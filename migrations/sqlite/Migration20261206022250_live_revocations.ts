import { Migration } from '@mikro-orm/migrations';

export class Migration20261206022250_live_revocations extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`live_revocations\` (\`id\` integer not null primary key autoincrement, \`origin\` text not null, \`event\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`live_revocations_created_at_index\` on \`live_revocations\` (\`created_at\`);`);
  }

}
