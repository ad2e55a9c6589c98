import { Migration } from '@mikro-orm/migrations';

export class Migration20261206091513_account_health_detail extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` add \`health_detail\` json null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` drop column \`health_detail\`;`);
  }

}
