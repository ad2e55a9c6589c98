import { Migration } from '@mikro-orm/migrations';

export class Migration20261206090412_mailing_status_detail extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailings\` add column \`status_detail\` json null;`);
  }

}
