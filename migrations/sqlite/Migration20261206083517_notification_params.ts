import { Migration } from '@mikro-orm/migrations';

export class Migration20261206083517_notification_params extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_events\` add column \`params\` json null;`);
  }

}
