// The data of the list-at-scale benchmark, written with bulk SQL: MariaDB's sequence engine
// (`seq_1_to_N`) stands in for a numbers table, and MD5 of the row number for a seeded random
// draw, so every run builds the same rows.
import type { Knex } from '@mikro-orm/knex';
import type { Orm } from '../../server/db/orm.js';
import { knexOf } from '../../server/db/knex.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import { DepartmentSchema, EmailAccountSchema, MessageSchema, UserSchema } from '../../server/db/entities/index.js';
import { hashPassword } from '../../server/security/password.js';
import { BENCH_MESSAGE, BENCH_PASSWORD } from '../lib/fixtures.js';

const DEPARTMENTS = 5;
const OWNERS_PER_DEPARTMENT = 8;
const ACCOUNTS_PER_OWNER = 3;
/** Ledger rows per mailing: 1 to 2 × AVERAGE_RECIPIENTS − 1, about AVERAGE_RECIPIENTS on average. */
const AVERAGE_RECIPIENTS = 20;

export interface ListFixture {
  companyManagerEmail: string;
  salesManagerEmail: string;
  salesManagerId: number;
  departmentIds: number[];
  ownerIds: number[];
}

const companyManagerEmail = 'cm@bench.test';
const ownerEmail = (i: number) => `sm${i}@bench.test`;

/**
 * A draw in 0…n−1 from the row's key and a salt (the same on every run). MD5, since CRC32 is
 * linear: draws of one key under two salts would differ by a constant in their low bits, so an
 * occasion would always come with the same few kinds of mailing.
 */
const draw = (key: string, salt: string, n: number) => `(conv(left(md5(concat(${key}, '${salt}')), 8), 16, 10) % ${n})`;

/** Departments, their sales managers (three accounts and a message each) and a company manager, through the ORM. */
async function seedPeople(orm: Orm): Promise<ListFixture> {
  const em = orm.em.fork();
  await settingsRepository.get(em, 'http://localhost:3000');
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const departments = Array.from({ length: DEPARTMENTS }, (_, d) => em.create(DepartmentSchema, { name: `Sales ${d + 1}` }));
  em.create(UserSchema, { email: companyManagerEmail, name: 'Carla Company', role: 'company_manager', passwordHash, department: departments[0], active: true });
  const owners = departments.flatMap((department, d) =>
    Array.from({ length: OWNERS_PER_DEPARTMENT }, (_, j) => {
      const i = d * OWNERS_PER_DEPARTMENT + j;
      return em.create(UserSchema, { email: ownerEmail(i), name: `Seller ${String(i).padStart(2, '0')}`, role: 'sales_manager', passwordHash, department, active: true });
    }),
  );
  for (const owner of owners) {
    for (let a = 0; a < ACCOUNTS_PER_OWNER; a++) {
      em.create(EmailAccountSchema, {
        name: `${owner.name} ${a + 1}`, fromName: owner.name, fromEmail: `${a}.${owner.email}`, smtpHost: '127.0.0.1', smtpPort: 2525, smtpSecurity: 'none',
        smtpUser: owner.email, smtpPasswordEnc: 'unused', main: a === 0, dailyLimit: 94, health: 'ok', owner, department: owner.department!,
      });
    }
    em.create(MessageSchema, { name: `${owner.name}'s news`, ...BENCH_MESSAGE, owner, department: owner.department! });
  }
  await em.flush();
  return { companyManagerEmail, salesManagerEmail: owners[0].email, salesManagerId: owners[0].id, departmentIds: departments.map((d) => d.id), ownerIds: owners.map((o) => o.id) };
}

/**
 * 100,000 mailings over three years, newest last: the last 3,000 (about a month) still running in
 * every status, the older ones done, cancelled or interrupted. Names combine an occasion and a kind
 * ("Spring webinar invitation 2025"), so a keyword matches a share of them.
 */
async function seedMailings(knex: Knex, f: ListFixture, count: number) {
  const occasion = "'Spring', 'Summer', 'Autumn', 'Winter', 'Black Friday', 'New Year', 'Easter', 'Back to school', 'Launch', 'Clearance', 'Loyalty', 'Partner'";
  const kind = "'newsletter', 'promotion', 'product update', 'webinar invitation', 'event invitation', 'price list', 'survey', 'announcement'";
  const recent = count - 3000;
  await knex.raw(`
    insert into mailings (name, recipient_type, status, status_reason, message_id, owner_id, department_id, vip, total, created_at, finished_at)
    select concat_ws(' ', elt(1 + ${draw('s.seq', 'o', 12)}, ${occasion}), elt(1 + ${draw('s.seq', 'k', 8)}, ${kind}), year(s.created_at)),
      elt(1 + ${draw('s.seq', 'r', 10)}, 'company', 'company', 'company', 'company', 'company', 'contact', 'contact', 'contact', 'lead', 'lead'),
      s.status, if(s.status in ('interrupted', 'active_error'), 'Recipient refused: 550 5.1.1 User unknown', null), msg.id, u.id, u.department_id,
      ${draw('s.seq', 'v', 10)} = 0, 1 + ${draw('s.seq', 't', 2 * AVERAGE_RECIPIENTS - 1)}, s.created_at,
      if(s.status in ('done', 'cancelled'), s.created_at + interval 1 + ${draw('s.seq', 'f', 72)} hour, null)
    from (
      select seq, utc_timestamp() - interval (${count} - seq) * 15 minute as created_at,
        case when seq > ${recent} then elt(1 + ${draw('seq', 's', 20)}, 'active', 'active', 'active', 'active', 'active', 'active', 'active', 'active',
                                        'active_error', 'active_error', 'active_error', 'paused', 'paused', 'paused', 'interrupted', 'done', 'done', 'done', 'done', 'cancelled')
             when ${draw('seq', 's', 100)} < 96 then 'done' when ${draw('seq', 's', 100)} < 99 then 'cancelled' else 'interrupted' end as status
      from seq_1_to_${count}
    ) s
    join users u on u.id = ${f.ownerIds[0]} + s.seq % ${f.ownerIds.length}
    join messages msg on msg.owner_id = u.id`);
}

/**
 * The ledger, 1 to 39 rows per mailing: done mailings mostly sent with a few failures and skips,
 * running ones half sent (through the last two days, so "sent today" counts something), the rest
 * pending, failed, skipped or uncertain. VIP recipients go through the owner's main account.
 */
async function seedLedger(knex: Knex, f: ListFixture, mailings: number) {
  const firstAccount = Number((await knex('email_accounts').min({ id: 'id' }).first())!.id);
  const h = draw("concat(m.id, '-', s.seq)", 'h', 100);
  const state = `case when m.status = 'done' then if(${h} < 92, 'sent', if(${h} < 95, 'failed', 'skipped'))
    when m.status = 'cancelled' then if(${h} < 40, 'sent', if(${h} < 45, 'failed', 'skipped'))
    else elt(1 + ${h} div 10, 'sent', 'sent', 'sent', 'sent', 'sent', 'pending', 'pending', 'pending', 'pending', if(${h} < 93, 'failed', if(${h} < 96, 'skipped', 'uncertain'))) end`;
  const step = 10_000;
  for (let from = 1; from <= mailings; from += step) {
    await knex.raw(`
      insert into mailing_recipients (mailing_id, recipient_id, email, name, vip, account_id, state, attempts, due_at, last_reply, message_id, sent_at, updated_at)
      select r.mailing_id, r.recipient_id, r.email, r.name, r.vip, r.account_id, r.state, r.state <> 'pending', if(r.state = 'pending', utc_timestamp() + interval r.seq minute, null),
        case r.state when 'sent' then '250 2.0.0 Ok: queued' when 'failed' then '550 5.1.1 User unknown' when 'uncertain' then 'Connection lost after DATA' end,
        if(r.state = 'sent', concat('<', r.mailing_id, '.', r.seq, '@bench.test>'), null),
        if(r.state = 'sent', if(r.running, greatest(r.created_at, utc_timestamp() - interval ${draw("concat(r.mailing_id, '-', r.seq)", 'a', 2880)} minute), r.created_at + interval r.seq minute), null),
        r.created_at
      from (
        select m.id as mailing_id, s.seq, m.created_at, m.status not in ('done', 'cancelled') as running, ${draw('m.id', 'c', 5000)} * 40 + s.seq as recipient_id,
          concat('r', s.seq, '.', m.id, '@customers.test') as email, concat('Customer ', m.id, '-', s.seq) as name, ${h} % 10 = 0 as vip,
          ${firstAccount} + (m.owner_id - ${f.ownerIds[0]}) * ${ACCOUNTS_PER_OWNER} + if(${h} % 10 = 0, 0, 1 + ${h} % 2) as account_id, ${state} as state
        from mailings m join seq_1_to_${2 * AVERAGE_RECIPIENTS - 1} s on s.seq <= m.total
        where m.id between ${from} and ${from + step - 1}
      ) r`);
  }
  // The counters mirror the ledger, as the engine keeps them.
  await knex.raw(`
    update mailings m join (
      select mailing_id, sum(state = 'sent') as sent, sum(state = 'failed') as failed, sum(state = 'skipped') as skipped, sum(state = 'uncertain') as uncertain, max(sent_at) as last_sent
      from mailing_recipients group by mailing_id
    ) c on c.mailing_id = m.id
    set m.sent_count = c.sent, m.failed_count = c.failed, m.skipped_count = c.skipped, m.uncertain_count = c.uncertain, m.last_sent_at = c.last_sent`);
}

/** One to four notifications per mailing: its creation, then pauses, failed recipients and account errors. */
async function seedEvents(knex: Knex) {
  await knex.raw(`
    insert into mailing_events (mailing_id, at, level, kind, text, recipient_email, account_id)
    select m.id, m.created_at + interval s.seq minute, elt(s.seq, 'info', 'info', 'error', 'warning'), elt(s.seq, 'created', 'status', 'recipient_failed', 'account_failed'),
      elt(s.seq, concat('Created with ', m.total, ' recipients'), 'Paused by Seller', concat('r1.', m.id, '@customers.test: 550 5.1.1 User unknown'), 'Authentication failed: 535 5.7.8'),
      if(s.seq = 3, concat('r1.', m.id, '@customers.test'), null), null
    from mailings m join seq_1_to_4 s on s.seq <= 1 + ${draw('m.id', 'e', 4)}`);
}

/** Seeds everything and returns who signs in; prints the time of each step. */
export async function seedList(orm: Orm, mailings: number): Promise<ListFixture> {
  const knex = knexOf(orm.em.fork());
  const steps: [string, number][] = [];
  const timed = async <T>(label: string, work: () => Promise<T>) => {
    const start = performance.now();
    const result = await work();
    steps.push([label, Math.round(performance.now() - start)]);
    return result;
  };
  const fixture = await timed('people', () => seedPeople(orm));
  if (fixture.ownerIds.some((id, i) => id !== fixture.ownerIds[0] + i)) throw new Error('owner ids are not consecutive');
  await timed('mailings', () => seedMailings(knex, fixture, mailings));
  await timed('ledger', () => seedLedger(knex, fixture, mailings));
  await timed('events', () => seedEvents(knex));
  await timed('analyze', () => knex.raw('analyze table mailings, mailing_recipients, mailing_events, users, email_accounts'));
  for (const [label, ms] of steps) console.log(`  seed ${label}: ${ms} ms`);
  return fixture;
}

/** The fixture of an already seeded database (BENCH_LIST_DATABASE_URL). */
export async function existingFixture(orm: Orm): Promise<ListFixture> {
  const em = orm.em.fork();
  const owners = await em.find(UserSchema, { role: 'sales_manager' }, { orderBy: { id: 'asc' } });
  const departments = await em.find(DepartmentSchema, {}, { orderBy: { id: 'asc' } });
  return { companyManagerEmail, salesManagerEmail: owners[0].email, salesManagerId: owners[0].id, departmentIds: departments.map((d) => d.id), ownerIds: owners.map((o) => o.id) };
}
