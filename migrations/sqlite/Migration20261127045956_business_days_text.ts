import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand to the settings table; the differ also proposed rebuilding unchanged tables.
export class Migration20261127045956_business_days_text extends Migration {

  override async up(): Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`settings__temp_alter\` (\`id\` integer not null primary key autoincrement, \`window_start\` text not null, \`window_end\` text not null, \`business_days\` text not null, \`default_daily_limit\` integer not null, \`time_zone\` text not null, \`public_base_url\` text not null, \`unsubscribe_mailto\` text null, \`unsubscribe_text\` text not null);`);
    this.addSql(`insert into \`settings__temp_alter\` select \`id\`, \`window_start\`, \`window_end\`, \`business_days\`, \`default_daily_limit\`, \`time_zone\`, \`public_base_url\`, \`unsubscribe_mailto\`, \`unsubscribe_text\` from \`settings\`;`);
    this.addSql(`drop table \`settings\`;`);
    this.addSql(`alter table \`settings__temp_alter\` rename to \`settings\`;`);
    this.addSql(`pragma foreign_keys = on;`);
    this.addSql(`update \`settings\` set \`business_days\` = replace(replace(replace(\`business_days\`, '[', ''), ']', ''), ' ', '');`);
  }

}
