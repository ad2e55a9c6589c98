import { Migration } from '@mikro-orm/migrations';

export class Migration20261206091512_account_health_detail extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` add column \`health_detail\` json null;`);
  }

}
