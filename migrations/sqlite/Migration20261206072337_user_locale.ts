import { Migration } from '@mikro-orm/migrations';

export class Migration20261206072337_user_locale extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`users\` add column \`locale\` text check (\`locale\` in ('en', 'de', 'fr')) null;`);
  }

}
