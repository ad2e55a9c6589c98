import { describe, expect, it } from 'vitest';
import { initORM } from '../../server/db/orm.js';
import { scratchDatabase, type TestDb } from '../support/databases.js';
import { schemaSnapshot } from '../support/schema-snapshot.js';

describe.each(['mysql', 'sqlite'] as TestDb[])('migrations on %s', (kind) => {
  // The committed migrations must build exactly the schema the entities describe: one database
  // built by running them, one built straight from the entities, compared column by column.
  it('build the same schema as the entities', async () => {
    const [fromMigrations, fromEntities] = await Promise.all([scratchDatabase(kind), scratchDatabase(kind)]);
    const migrated = await initORM(fromMigrations.target);
    const generated = await initORM(fromEntities.target, { migrate: false });
    try {
      await generated.getSchemaGenerator().createSchema();
      expect(await schemaSnapshot(migrated)).toEqual(await schemaSnapshot(generated));
      expect(await migrated.getMigrator().getPendingMigrations()).toEqual([]);
    } finally {
      await Promise.all([migrated.close(), generated.close()]);
      await Promise.all([fromMigrations.drop(), fromEntities.drop()]);
    }
  });
});

type Knex = ReturnType<Awaited<ReturnType<typeof initORM>>['em']['getKnex']>;

/** A scratch SQLite database migrated up to `to`, given `seed`, then migrated the rest of the way and handed to `check`. */
async function migrateThrough(to: string, seed: (knex: Knex) => Promise<void>, check: (knex: Knex) => Promise<void>) {
  const db = await scratchDatabase('sqlite');
  const orm = await initORM(db.target, { migrate: false });
  try {
    const migrator = orm.getMigrator();
    await migrator.up({ to });
    const knex = orm.em.getKnex();
    await seed(knex);
    await migrator.up();
    await check(knex);
  } finally {
    await orm.close();
    await db.drop();
  }
}

describe('the mailbox feedback migration on sqlite', () => {
  // It rebuilds email_accounts (a CHECK constraint changes): done with foreign keys enforced, the
  // drop would cascade into the ledger and every row would lose its account.
  it('keeps the rows that point at an account', async () => {
    await migrateThrough(
      'Migration20261206022250_live_revocations',
      async (knex) => {
        await knex('departments').insert({ id: 1, name: 'Sales', created_at: new Date() });
        await knex('users').insert({ id: 1, email: 'a@x.test', name: 'A', password_hash: 'x', role: 'sales_manager', department_id: 1, created_at: new Date() });
        await knex('email_accounts').insert({ id: 7, owner_id: 1, department_id: 1, name: 'A', from_name: 'A', from_email: 'a@x.test', smtp_host: 'h', smtp_port: 25, smtp_security: 'none', smtp_user: 'a', smtp_password_enc: 'x', daily_limit: 10, created_at: new Date() });
        await knex('mailings').insert({ id: 3, name: 'M', recipient_type: 'contact', status: 'active', owner_id: 1, department_id: 1, created_at: new Date() });
        await knex('mailing_recipients').insert({ id: 1, mailing_id: 3, recipient_id: 1, email: 'r@x.test', account_id: 7, updated_at: new Date() });
      },
      async (knex) => {
        expect(await knex('mailing_recipients').where({ id: 1 }).first('account_id')).toEqual({ account_id: 7 });
        expect(await knex('email_accounts').count({ n: '*' }).first()).toEqual({ n: 1 });
      },
    );
  });
});

describe('the optional-password migration on sqlite', () => {
  // It rebuilds email_accounts and inboxes (a NOT NULL goes): done with foreign keys enforced, the
  // drops would cascade into the ledger, the inbox cursors and the feedback.
  it('keeps every row that points at an account or an inbox, and then takes accounts and inboxes without a password', async () => {
    const now = new Date();
    await migrateThrough(
      'Migration20261206054843_message_attachments',
      async (knex) => {
        await knex('departments').insert({ id: 1, name: 'Sales', created_at: now });
        await knex('users').insert({ id: 1, email: 'a@x.test', name: 'A', password_hash: 'x', role: 'sales_manager', department_id: 1, created_at: now });
        await knex('email_accounts').insert({ id: 7, owner_id: 1, department_id: 1, name: 'A', from_name: 'A', from_email: 'a@x.test', smtp_host: 'h', smtp_port: 25, smtp_security: 'none', smtp_user: 'a', smtp_password_enc: 'x', daily_limit: 10, oauth_provider: 'google', created_at: now });
        await knex('mailings').insert({ id: 3, name: 'M', recipient_type: 'contact', status: 'active', owner_id: 1, department_id: 1, created_at: now });
        await knex('mailing_recipients').insert({ id: 1, mailing_id: 3, recipient_id: 1, email: 'r@x.test', account_id: 7, updated_at: now });
        await knex('inboxes').insert({ id: 5, account_id: 7, host: 'h', port: 993, security: 'tls', user: 'a', password_enc: 'y', folders: '["INBOX"]', created_at: now });
        await knex('inbox_cursors').insert({ inbox_id: 5, folder: 'INBOX', uid_validity: 1, next_uid: 9, updated_at: now });
        await knex('feedback_events').insert({ account_id: 7, message_key: 'k', kind: 'reply', email: 'r@x.test', folder: 'INBOX', created_at: now });
      },
      async (knex) => {
        expect(await knex('mailing_recipients').where({ id: 1 }).first('account_id')).toEqual({ account_id: 7 });
        expect(await knex('email_accounts').where({ id: 7 }).first('oauth_provider', 'smtp_password_enc')).toEqual({ oauth_provider: 'google', smtp_password_enc: 'x' });
        expect(await knex('inbox_cursors').where({ inbox_id: 5 }).first('next_uid')).toEqual({ next_uid: 9 });
        expect(await knex('feedback_events').count({ n: '*' }).first()).toEqual({ n: 1 });
        await knex('email_accounts').where({ id: 7 }).update({ smtp_password_enc: null });
        await knex('inboxes').where({ id: 5 }).update({ password_enc: null });
        expect(await knex('inboxes').where({ id: 5 }).first('password_enc')).toEqual({ password_enc: null });
      },
    );
  });
});

describe('the recipient outcome migration on sqlite', () => {
  // Mailroom's own fixed English sentences become codes the UI words; servers' replies and the
  // sentences with values in them stay as they were.
  it('turns the known sentences into outcome codes and keeps the rest of last_reply', async () => {
    const now = new Date();
    const row = (id: number, state: string, last_reply: string) => ({ id, mailing_id: 3, recipient_id: id, email: `r${id}@x.test`, state, last_reply, updated_at: now });
    await migrateThrough(
      'Migration20261206091840_inbox_health_detail',
      async (knex) => {
        await knex('departments').insert({ id: 1, name: 'Sales', created_at: now });
        await knex('users').insert({ id: 1, email: 'a@x.test', name: 'A', password_hash: 'x', role: 'sales_manager', department_id: 1, created_at: now });
        await knex('mailings').insert({ id: 3, name: 'M', recipient_type: 'contact', status: 'active', owner_id: 1, department_id: 1, created_at: now });
        await knex('mailing_recipients').insert([
          row(1, 'skipped', 'Opted out of mass mailing since the mailing was made'),
          row(2, 'uncertain', 'The worker stopped during the SMTP transaction; delivery is unknown'),
          row(3, 'skipped', 'Already mailed; not merged into #9'),
          row(4, 'failed', '550 5.1.1 no such user'),
        ]);
      },
      async (knex) => {
        const rows = await knex('mailing_recipients').orderBy('id').select('outcome', 'last_reply');
        expect(rows.map((r) => ({ outcome: r.outcome && JSON.parse(r.outcome), last_reply: r.last_reply }))).toEqual([
          { outcome: { code: 'opted_out' }, last_reply: null },
          { outcome: { code: 'worker_stopped' }, last_reply: null },
          { outcome: null, last_reply: 'Already mailed; not merged into #9' },
          { outcome: null, last_reply: '550 5.1.1 no such user' },
        ]);
      },
    );
  });
});
