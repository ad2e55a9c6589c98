// The database side of the benchmark: the sender, the companies, the four mailings' ledger rows as
// the engine leaves them once sent (Message-ID, send time, the server's 250) and the inbox the
// intake reads. Rows are written in bulk; they are what plan.ts says, to the row.
import type { Orm } from '../../server/db/orm.js';
import type { SecretBox } from '../../server/security/secret-box.js';
import { knexOf } from '../../server/db/knex.js';
import { InboxSchema, MailingSchema } from '../../server/db/entities/index.js';
import { seedCompanies, seedSender } from '../lib/fixtures.js';
import { COMPANY_DOMAIN, companyEmail, isSent, LEDGER, messageIdOf, SENDER, sentAt } from './plan.js';

export interface IntakeFixture {
  inboxId: number;
  accountId: number;
  mailingIds: number[];
  /** Ledger rows sent, all by the account whose inbox is read. */
  sent: number;
}

export async function seedIntake(orm: Orm, secrets: SecretBox, opts: { anchor: number; imapPort: number }): Promise<IntakeFixture> {
  // The second account takes the running mailing's queued rows should the first be switched off.
  const sender = await seedSender(orm, secrets, { sinkPort: 2525, accounts: 2 });
  const [accountId] = sender.accountIds;
  await seedCompanies(orm, sender, LEDGER.companies, COMPANY_DOMAIN);
  const em = orm.em.fork();
  const knex = knexOf(em);
  const companies = await knex('companies').first(knex.raw('min(id) as lo'), knex.raw('max(id) as hi'));
  if (Number(companies.lo) !== 1 || Number(companies.hi) !== LEDGER.companies) throw new Error('the scratch database did not number the companies from 1');

  const mailings = Array.from({ length: LEDGER.mailings }, (_, m) => {
    const running = m === LEDGER.mailings - 1;
    const sentCount = running ? LEDGER.sentOfLast : LEDGER.companies;
    const last = sentAt(opts.anchor, { mailingId: m + 1, companyId: sentCount });
    return em.create(MailingSchema, {
      name: `Winter offer, week ${m + 1}`, recipientType: 'company', status: running ? 'active' : 'done', message: sender.messageId, owner: sender.ownerId, department: sender.departmentId,
      total: LEDGER.companies, sentCount, lastSentAt: last, finishedAt: running ? null : last,
    });
  });
  const inbox = em.create(InboxSchema, { account: accountId, kind: 'imap', host: '127.0.0.1', port: opts.imapPort, security: 'none', user: SENDER.email, passwordEnc: secrets.encrypt(SENDER.password), folders: ['INBOX'] });
  await em.flush();
  if (mailings.some((m, i) => m.id !== i + 1)) throw new Error('the scratch database did not number the mailings from 1');

  const now = new Date(opts.anchor);
  let sent = 0;
  for (const mailing of mailings) {
    for (let from = 1; from <= LEDGER.companies; from += 2000) {
      const rows = [];
      for (let companyId = from; companyId < from + 2000; companyId++) {
        const row = { mailingId: mailing.id, companyId };
        const done = isSent(row);
        sent += done ? 1 : 0;
        rows.push({
          mailing_id: mailing.id, recipient_id: companyId, email: companyEmail(companyId), name: `Company ${companyId - 1}`, vip: false, account_id: accountId,
          state: done ? 'sent' : 'pending', attempts: done ? 1 : 0, last_reply: done ? '250 2.0.0 Ok: queued' : null, message_id: done ? messageIdOf(row) : null,
          sent_at: done ? sentAt(opts.anchor, row) : null, updated_at: now,
        });
      }
      await knex('mailing_recipients').insert(rows);
    }
  }
  await knex.raw('analyze table companies, mailings, mailing_recipients');
  return { inboxId: inbox.id, accountId, mailingIds: mailings.map((m) => m.id), sent };
}
