import { Migration } from '@mikro-orm/migrations';

export class Migration20261127045956_business_days_text extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`settings\` modify \`business_days\` text not null;`);
    this.addSql(`update \`settings\` set \`business_days\` = replace(replace(replace(\`business_days\`, '[', ''), ']', ''), ' ', '');`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`settings\` modify \`business_days\` json not null;`);
  }

}
