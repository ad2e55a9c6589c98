import { Migration } from '@mikro-orm/migrations';

export class Migration20261206091840_inbox_health_detail extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`inboxes\` add column \`health_detail\` json null;`);
  }

}
