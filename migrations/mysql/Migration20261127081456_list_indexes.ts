import { Migration } from '@mikro-orm/migrations';

export class Migration20261127081456_list_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailings\` add index \`mailings_department_id_owner_id_index\`(\`department_id\`, \`owner_id\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_department_id_recipient_type_index\`(\`department_id\`, \`recipient_type\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_department_id_vip_index\`(\`department_id\`, \`vip\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_department_id_name_index\`(\`department_id\`, \`name\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_recipient_type_index\`(\`recipient_type\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_vip_index\`(\`vip\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_total_index\`(\`total\`);`);
    this.addSql(`alter table \`mailings\` add index \`mailings_last_sent_at_index\`(\`last_sent_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailings\` drop index \`mailings_department_id_owner_id_index\`;`);
    this.addSql(`alter table \`mailings\` drop index \`mailings_department_id_recipient_type_index\`;`);
    this.addSql(`alter table \`mailings\` drop index \`mailings_department_id_vip_index\`;`);
    this.addSql(`alter table \`mailings\` drop index \`mailings_department_id_name_index\`;`);
    this.addSql(`alter table \`mailings\` drop index \`mailings_recipient_type_index\`;`);
    this.addSql(`alter table \`mailings\` drop index \`mailings_vip_index\`;`);
    this.addSql(`alter table \`mailings\` drop index \`mailings_total_index\`;`);
    this.addSql(`alter table \`mailings\` drop index \`mailings_last_sent_at_index\`;`);
  }

}
