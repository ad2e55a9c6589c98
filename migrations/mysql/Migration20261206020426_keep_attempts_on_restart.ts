import { Migration } from '@mikro-orm/migrations';

export class Migration20261206020426_keep_attempts_on_restart extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` add \`attempts_before_restart\` int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` drop column \`attempts_before_restart\`;`);
  }

}
