import { Migration } from '@mikro-orm/migrations';

export class Migration20261206072341_user_locale extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`users\` add \`locale\` enum('en', 'de', 'fr') null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`users\` drop column \`locale\`;`);
  }

}
