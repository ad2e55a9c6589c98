import { Migration } from '@mikro-orm/migrations';
import { KNOWN_OUTCOME_SENTENCES } from '../known-outcome-sentences.js';

export class Migration20261206113500_recipient_outcome extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` add \`outcome\` json null;`);
    for (const { state, text, code } of KNOWN_OUTCOME_SENTENCES) {
      this.addSql(this.getKnex()('mailing_recipients').where({ state, last_reply: text }).update({ outcome: JSON.stringify({ code }), last_reply: null }));
    }
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mailing_recipients\` drop column \`outcome\`;`);
  }

}
