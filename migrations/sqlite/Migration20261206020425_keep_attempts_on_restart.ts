import { Migration } from '@mikro-orm/migrations';

export class Migration20261206020425_keep_attempts_on_restart extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` add column \`attempts_before_restart\` integer not null default 0;`);
  }

}
