import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initORM, type Orm } from '../../server/db/orm.js';
import { knexOf } from '../../server/db/knex.js';
import { listMailings, type MailingListFilter } from '../../server/db/repositories/mailing-list.repository.js';
import { MAILING_SORTS } from '../../server/http/schemas/mailings.js';
import { MAILING_STATUSES } from '../../server/domain/mailing-status.js';
import { RECIPIENT_TYPES } from '../../server/domain/recipient-types.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { scratchDatabase, type TestDb } from '../support/databases.js';
import { Factories } from '../support/factories.js';
import { completion } from '../../server/domain/completion.js';
import { accountStars } from '../../server/read-models/account-stars.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import { SettingsSchema } from '../../server/db/entities/settings.entity.js';

const todayStart = new Date('2026-03-10T00:00:00Z');
const at = (hours: number) => new Date(todayStart.getTime() + hours * 3_600_000);

/**
 * Mailings with every kind of tie the list's orders meet: names, totals, statuses, types and
 * creation times shared; two owners of one name; owners with as many sendable accounts; mailings
 * that sent today (some as many as others), sent before today, or never.
 */
async function seed(orm: Orm) {
  const factories = new Factories(orm, new SecretBox(Buffer.alloc(32, 7)), 'unused password');
  const [north, south] = [await factories.department(), await factories.department()];
  const owners = [
    await factories.user('sales_manager', north.id, { name: 'Sam' }),
    await factories.user('sales_manager', north.id, { name: 'sam' }),
    await factories.user('sales_manager', south.id, { name: 'Alex' }),
  ];
  const accounts = [
    await factories.account(owners[0]),
    await factories.account(owners[0]),
    await factories.account(owners[1]),
    await factories.account(owners[1], { massMailEnabled: false }),
    await factories.account(owners[2]),
    await factories.account(owners[2], { health: 'auth_failed' }),
  ];
  const knex = knexOf(orm.em.fork());
  const words = ['Spring sale', 'spring news', 'Autumn sale'];
  for (let i = 0; i < 60; i++) {
    const owner = owners[i % 3];
    const sentToday = i % 5 === 0 ? 0 : i % 4;
    const [id] = await knex('mailings').insert({
      name: words[i % 3], recipient_type: RECIPIENT_TYPES[i % 3], status: MAILING_STATUSES[i % MAILING_STATUSES.length], owner_id: owner.id, department_id: owner.department!.id,
      vip: i % 4 === 0, total: i % 7, sent_count: sentToday, skipped_count: i % 2, created_at: at(-48 + Math.floor(i / 2)),
      // As the engine stamps it with each send; one a minute early, as concurrent senders may leave it.
      last_sent_at: sentToday ? at(i % 9 === 0 ? 1 - 1 / 60 : 1) : i % 3 === 0 ? at(-20) : null,
    });
    const ledger = [
      ...Array.from({ length: sentToday }, (_, n) => ({ state: 'sent', sent_at: at(1), n })),
      { state: 'sent', sent_at: at(-20), n: 10 },
      { state: 'pending', sent_at: null, n: 11 },
    ];
    await knex('mailing_recipients').insert(ledger.map((r) => ({
      mailing_id: id, recipient_id: r.n, email: `r${r.n}@test.local`, account_id: accounts[(i % 3) * 2].id, state: r.state, attempts: 0, sent_at: r.sent_at, updated_at: at(-30),
    })));
    // Every mailing is created with a notification; some have more.
    for (let e = 0; e < 1 + (i % 3); e++) await knex('mailing_events').insert({ mailing_id: id, at: at(-10 + e), level: 'info', kind: 'created', text: `Event ${e}` });
  }
  return { department: north.id, owner: owners[0].id, owners: owners.map((o) => o.id), accounts: accounts.map((a) => a.id) };
}

describe.each(['mysql', 'sqlite'] as TestDb[])('the mailing list on %s', (kind) => {
  let orm: Orm;
  let drop: () => Promise<void>;
  let fixture: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    const db = await scratchDatabase(kind);
    drop = db.drop;
    orm = await initORM(db.target);
    fixture = await seed(orm);
  });
  afterAll(async () => {
    await orm.close();
    await drop();
  });

  // Past a few thousand matching mailings the list finds its page by walking indexes (runs of equal
  // keys, today's senders, the newest events) instead of ordering every mailing in SQL. Both ways
  // must give the same pages, in the same order, ties and missing keys included.
  it.each([...MAILING_SORTS])('gives the same pages either way, sorted by %s', async (sort) => {
    const filters: [number | null, MailingListFilter][] = [[null, {}], [null, { vip: true }], [null, { q: 'spring' }], [fixture.department, {}], [null, { ownerId: fixture.owner, status: 'active' }]];
    for (const [scope, filter] of filters) {
      for (const dir of ['asc', 'desc'] as const) {
        const all = await listMailings(orm.em.fork(), scope, filter, { sort, dir, page: 1, pageSize: 1000 }, todayStart, 'direct');
        for (const page of [1, 2, 3, 8, 9]) {
          const paging = { sort, dir, page, pageSize: 7 };
          const walked = await listMailings(orm.em.fork(), scope, filter, paging, todayStart, 'walk');
          const direct = await listMailings(orm.em.fork(), scope, filter, paging, todayStart, 'direct');
          expect(walked.rows.map((r) => r.id), JSON.stringify({ scope, filter, dir, page })).toEqual(direct.rows.map((r) => r.id));
          expect(walked.rows).toEqual(direct.rows);
          expect(await walked.total).toBe(all.rows.length);
          expect(await direct.total).toBe(all.rows.length);
        }
      }
    }
  });

  // Each owner's stars, main account first, with what each account sent today (in the accounts' zone).
  it('shows each owner\'s accounts as stars with what they sent today', async () => {
    const em = orm.em.fork();
    await em.nativeUpdate(SettingsSchema, { id: 1 }, { timeZone: 'UTC' });
    const stars = await accountStars(em, fixture.owners, await settingsRepository.get(em, ''), at(2));
    const sentBy = new Map<number, number>();
    for (let i = 0; i < 60; i++) {
      const account = fixture.accounts[(i % 3) * 2];
      sentBy.set(account, (sentBy.get(account) ?? 0) + (i % 5 === 0 ? 0 : i % 4));
    }
    expect(fixture.owners.map((o) => stars.get(o)!.map((s) => s.id))).toEqual([fixture.accounts.slice(0, 2), fixture.accounts.slice(2, 4), fixture.accounts.slice(4, 6)]);
    for (const list of stars.values()) for (const star of list) expect(star.sentToday, `account ${star.id}`).toBe(sentBy.get(star.id) ?? 0);
    expect(stars.get(fixture.owners[1])![1]).toMatchObject({ light: { green: false, reason: 'disabled' } });
    expect(stars.get(fixture.owners[2])![1]).toMatchObject({ light: { green: false, reason: 'auth_failed' } });
  });

  // "#N" is a mailing's id as the list shows it; digits alone are searched in names and ids.
  it('finds a mailing by #id alone, and by digits in names and ids', async () => {
    const knex = knexOf(orm.em.fork());
    const [target] = await knex('mailings').orderBy('id').limit(1).pluck('id');
    const [namesake] = await knex('mailings').insert({ name: `Offer ${target}0000`, recipient_type: 'company', status: 'active', owner_id: fixture.owner, department_id: fixture.department, created_at: at(0) });
    const search = async (q: string) => (await listMailings(orm.em.fork(), null, { q }, { page: 1, pageSize: 50 }, todayStart)).rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    expect(await search(`#${target}`)).toEqual([Number(target)]);
    expect(await search(`${target}0000`)).toEqual([Number(namesake)]);
    expect(await search(String(target))).toEqual([Number(target), Number(namesake)]);
    await knex('mailings').where({ id: namesake }).delete();
  });

  // The list sorts by the database's completion column and shows the domain's completion(): they
  // must agree, at the edges (nothing mailable, all sent) and where decimal division would round up.
  it('works out completion as the domain does', async () => {
    const cases = [[0, 0, 0], [5, 0, 5], [3, 1, 0], [3, 2, 0], [7, 2, 1], [10, 10, 0], [200, 199, 0], [3_000_000, 2_999_999, 0], [3_000_001, 2_999_999, 1]];
    const knex = knexOf(orm.em.fork());
    const ids: number[] = [];
    for (const [total, sent, skipped] of cases) {
      const [id] = await knex('mailings').insert({ name: 'Completion', recipient_type: 'company', status: 'active', owner_id: fixture.owner, department_id: fixture.department, total, sent_count: sent, skipped_count: skipped, created_at: at(0) });
      ids.push(Number(id));
    }
    const stored = await knex('mailings').whereIn('id', ids).orderBy('id').select('completion');
    expect(stored.map((r) => Number(r.completion))).toEqual(cases.map(([total, sent, skipped]) => completion({ total, sent, skipped })));
    await knex('mailings').whereIn('id', ids).delete();
  });
});
