import { Migration } from '@mikro-orm/migrations';

export class Migration20261206083524_notification_params extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_events\` add \`params\` json null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailing_events\` drop column \`params\`;`);
  }

}
