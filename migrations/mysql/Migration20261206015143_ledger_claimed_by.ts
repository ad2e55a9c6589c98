import { Migration } from '@mikro-orm/migrations';

export class Migration20261206015143_ledger_claimed_by extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` add \`claimed_by\` varchar(100) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` drop column \`claimed_by\`;`);
  }

}
