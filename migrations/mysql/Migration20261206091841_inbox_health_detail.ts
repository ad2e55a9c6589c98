import { Migration } from '@mikro-orm/migrations';

export class Migration20261206091841_inbox_health_detail extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`inboxes\` add \`health_detail\` json null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`inboxes\` drop column \`health_detail\`;`);
  }

}
