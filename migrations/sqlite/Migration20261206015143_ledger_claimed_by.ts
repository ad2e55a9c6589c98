import { Migration } from '@mikro-orm/migrations';

export class Migration20261206015143_ledger_claimed_by extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` add column \`claimed_by\` text null;`);
  }

}
