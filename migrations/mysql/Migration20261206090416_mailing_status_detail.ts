import { Migration } from '@mikro-orm/migrations';

export class Migration20261206090416_mailing_status_detail extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailings\` add \`status_detail\` json null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailings\` drop column \`status_detail\`;`);
  }

}
