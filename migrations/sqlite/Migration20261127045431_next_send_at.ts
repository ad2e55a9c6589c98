import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: the SQLite differ also proposed rebuilding unchanged tables.
export class Migration20261127045431_next_send_at extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`email_accounts\` add column \`next_send_at\` datetime null;`);
  }

}
