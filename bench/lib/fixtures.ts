import type { Orm } from '../../server/db/orm.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { loadSecretKey } from '../../server/security/secret-key.js';
import { createMailings } from '../../server/engine/create-mailings.js';
import { TEST_SECRET_KEY } from '../../tests/support/server-process.js';
import { knexOf } from '../../server/db/knex.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import { DepartmentSchema, EmailAccountSchema, MessageSchema, SettingsSchema, UserSchema } from '../../server/db/entities/index.js';
import { hashPassword } from '../../server/security/password.js';

export const BENCH_PASSWORD = 'bench-password-0123';

/** The message every benchmark sends: a few variables, a link, about 1 KB once built. */
export const BENCH_MESSAGE = {
  subject: 'News for {{ name }}',
  html: '<h1>Hello {{ name }}</h1><p>Our autumn range is out. {{ name }}, you can see it on <a href="https://example.test/range">our site</a>.</p>'
    + '<p>Best regards,<br>{{ sender_name }}</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
};

export const recipientEmail = (i: number, domain: string) => `c${i}@${domain}`;
export const recipientName = (i: number) => `Company ${i}`;

export interface SenderFixture {
  departmentId: number;
  ownerId: number;
  ownerEmail: string;
  accountIds: number[];
  messageId: number;
}

/**
 * A sales manager with `accounts` regular accounts on the sink (limits and windows that never
 * bind) and a message; the calendar is opened every day, all day.
 */
export async function seedSender(orm: Orm, secrets: SecretBox, opts: { sinkPort: number; accounts: number; publicUrl?: string }): Promise<SenderFixture> {
  const em = orm.em.fork();
  await settingsRepository.get(em, opts.publicUrl ?? 'http://localhost:3000');
  await em.nativeUpdate(SettingsSchema, { id: 1 }, { windowStart: '00:00', windowEnd: '23:59', businessDays: [1, 2, 3, 4, 5, 6, 7] });
  const department = em.create(DepartmentSchema, { name: 'Bench' });
  const owner = em.create(UserSchema, { email: 'bench@mailroom.test', name: 'Bench Sender', role: 'sales_manager', passwordHash: await hashPassword(BENCH_PASSWORD), department, active: true });
  const accounts = Array.from({ length: opts.accounts }, (_, i) =>
    em.create(EmailAccountSchema, {
      name: `Bench ${i + 1}`, fromName: 'Bench Sender', fromEmail: `sender${i + 1}@bench.test`, smtpHost: '127.0.0.1', smtpPort: opts.sinkPort,
      smtpSecurity: 'none', smtpUser: `sender${i + 1}@bench.test`, smtpPasswordEnc: secrets.encrypt('bench'), dailyLimit: 100_000_000, owner, department,
    }),
  );
  const message = em.create(MessageSchema, { name: 'Bench message', ...BENCH_MESSAGE, owner, department });
  await em.flush();
  return { departmentId: department.id, ownerId: owner.id, ownerEmail: owner.email, accountIds: accounts.map((a) => a.id), messageId: message.id };
}

/** Bulk-inserts `count` companies owned by the sender (`c0@domain`, `c1@domain`, …). */
export async function seedCompanies(orm: Orm, sender: SenderFixture, count: number, domain: string): Promise<void> {
  const knex = knexOf(orm.em.fork());
  const createdAt = new Date();
  for (let from = 0; from < count; from += 5000) {
    const rows = [];
    for (let i = from; i < Math.min(count, from + 5000); i++) {
      rows.push({ name: recipientName(i), email: recipientEmail(i, domain), owner_id: sender.ownerId, department_id: sender.departmentId, vip: false, mass_mailing: true, disqualified: false, created_at: createdAt });
    }
    await knex('companies').insert(rows);
  }
}

/** The sender, its accounts on the sink and `recipients` companies, in a fresh database. */
export async function seedSendingRun(orm: Orm, opts: { sinkPort: number; accounts: number; recipients: number; domain: string }): Promise<SenderFixture> {
  const secrets = new SecretBox(loadSecretKey(TEST_SECRET_KEY, ''));
  const sender = await seedSender(orm, secrets, { sinkPort: opts.sinkPort, accounts: opts.accounts });
  await seedCompanies(orm, sender, opts.recipients, opts.domain);
  return sender;
}

/** An active mailing of the sender's message to all their companies, made as the API makes it; its id. */
export async function startMailing(orm: Orm, sender: SenderFixture): Promise<number> {
  const em = orm.em.fork();
  const actor = { id: sender.ownerId, role: 'sales_manager' as const, departmentId: sender.departmentId };
  const { mailings, reports } = await createMailings(em, actor, { messageId: sender.messageId, selections: { company: { filter: {} } }, start: 'active' }, await settingsRepository.get(em, ''), new Date());
  if (!mailings.length) throw new Error(reports.flatMap((r) => r.errors).join('; '));
  return mailings[0].id;
}
