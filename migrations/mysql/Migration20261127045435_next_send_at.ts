import { Migration } from '@mikro-orm/migrations';

export class Migration20261127045435_next_send_at extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` add \`next_send_at\` datetime null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` drop column \`next_send_at\`;`);
  }

}
