import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initORM, type Orm } from '../../server/db/orm.js';
import { knexOf } from '../../server/db/knex.js';
import { progressReader } from '../../server/live/progress-reader.js';
import { engineContext } from '../../server/engine/index.js';
import { restart } from '../../server/engine/operations.js';
import { MailingSchema } from '../../server/db/entities/mailing.entity.js';
import { TransportPool } from '../../server/mail/transport.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { scratchDatabase, type TestDb } from '../support/databases.js';
import { Factories } from '../support/factories.js';

const day = (iso: string) => new Date(`${iso}Z`);

describe.each(['mysql', 'sqlite'] as TestDb[])('the counters of a progress push on %s', (kind) => {
  let orm: Orm;
  let drop: () => Promise<void>;
  let mailingId: number;
  let owner: Awaited<ReturnType<Factories['user']>>;
  let n = 0;

  /** A recipient recorded as sent at `at`, with the mailing's counter, as the engine records it; its row id. */
  const sent = async (at: Date, mailing = mailingId) => {
    const knex = knexOf(orm.em.fork());
    const [id] = await knex('mailing_recipients').insert({ mailing_id: mailing, recipient_id: ++n, email: `r${n}@test.local`, state: 'sent', attempts: 1, sent_at: at, updated_at: at });
    await knex('mailings').where({ id: mailing }).increment('sent_count', 1);
    return Number(id);
  };
  /** The row's mailbox answered with a soft bounce, as the intake records it. */
  const softBounced = async (rowId: number, mailing: number) => {
    const knex = knexOf(orm.em.fork());
    await knex('mailing_recipients').where({ id: rowId }).update({ feedback: 'soft_bounced', feedback_status: '4.2.2' });
    await knex('mailings').where({ id: mailing }).increment('bounced_count', 1);
  };

  beforeAll(async () => {
    const db = await scratchDatabase(kind);
    drop = db.drop;
    orm = await initORM(db.target);
    const factories = new Factories(orm, new SecretBox(Buffer.alloc(32, 7)), 'unused password');
    owner = await factories.user('sales_manager', (await factories.department()).id);
    const [id] = await knexOf(orm.em.fork())('mailings').insert({ name: 'Progress', recipient_type: 'company', status: 'active', owner_id: owner.id, department_id: owner.department!.id, total: 20, created_at: day('2026-03-01T08:00:00') });
    mailingId = Number(id);
  });
  afterAll(async () => {
    await orm.close();
    await drop();
  });

  // "Sent today" is the sent counter less what was sent before the day began, counted once a day;
  // it must still equal a count of today's rows as the day goes on and when the next one starts.
  it('counts sent today through the day, across midnight, and a row recorded as the day began', async () => {
    const read = progressReader();
    const sentToday = async (at: string) => (await read(orm.em.fork(), mailingId, day(at)))!.sentToday;
    for (const at of ['2026-03-09T10:00:00', '2026-03-09T11:00:00', '2026-03-09T23:00:00']) await sent(day(at));
    for (const at of ['2026-03-10T09:00:00', '2026-03-10T09:30:00']) await sent(day(at));
    expect(await sentToday('2026-03-10T10:00:00')).toBe(2);
    await sent(day('2026-03-10T10:00:01'));
    expect(await sentToday('2026-03-10T10:00:02')).toBe(3);
    expect(await sentToday('2026-03-10T15:00:00')).toBe(3);

    // The next day: a read in its first seconds, then a row recorded at the end of the day before,
    // committed only now.
    expect(await sentToday('2026-03-11T00:00:10')).toBe(0);
    await sent(day('2026-03-10T23:59:59'));
    await sent(day('2026-03-11T00:00:20'));
    expect(await sentToday('2026-03-11T00:00:30')).toBe(1);
    await sent(day('2026-03-11T08:00:00'));
    expect(await sentToday('2026-03-11T08:00:01')).toBe(2);
    expect(await sentToday('2026-03-11T09:00:00')).toBe(2);
  });

  // A restart takes soft-bounced rows back from "sent": one sent before the day began leaves the
  // counter and the count kept of the rows before today alike, so "sent today" must not move;
  // whether the mailing was running (a status change) or paused (a note) when it was restarted.
  it('keeps sent today exact when a restart takes back rows sent before the day began', async () => {
    const knex = knexOf(orm.em.fork());
    const [id] = await knex('mailings').insert({ name: 'Restarted', recipient_type: 'company', status: 'active', owner_id: owner.id, department_id: owner.department!.id, total: 6, created_at: day('2026-04-01T08:00:00') });
    const mailing = Number(id);
    const yesterday = [await sent(day('2026-04-09T10:00:00'), mailing), await sent(day('2026-04-09T11:00:00'), mailing), await sent(day('2026-04-09T12:00:00'), mailing)];
    for (const at of ['2026-04-10T09:00:00', '2026-04-10T09:30:00']) await sent(day(at), mailing);
    const read = progressReader();
    const sentToday = async (at: string) => (await read(orm.em.fork(), mailing, day(at)))!.sentToday;
    expect(await sentToday('2026-04-10T10:00:00')).toBe(2);

    let clock = day('2026-04-10T11:00:00');
    const ctx = engineContext({ orm, secrets: new SecretBox(Buffer.alloc(32, 7)), transport: new TransportPool(), events: { emit: () => {} }, now: () => clock, wallClock: Date.now, random: () => 0, leaseMs: 60_000 });
    const restartSoftBounced = async () => restart(ctx, orm.em.fork(), await orm.em.fork().findOneOrFail(MailingSchema, { id: mailing }), { includeUncertain: false, includeSoftBounced: true }, 'Tester');
    await softBounced(yesterday[0], mailing);
    expect((await restartSoftBounced()).requeued).toBe(1);
    expect(await sentToday('2026-04-10T11:00:01')).toBe(2);

    await knex('mailings').where({ id: mailing }).update({ status: 'paused' });
    await softBounced(yesterday[1], mailing);
    clock = day('2026-04-10T12:00:00');
    expect((await restartSoftBounced()).requeued).toBe(1);
    expect(await sentToday('2026-04-10T12:00:01')).toBe(2);
    // A row of today's taken back is no longer sent today.
    const today = await sent(day('2026-04-10T12:30:00'), mailing);
    await softBounced(today, mailing);
    clock = day('2026-04-10T13:00:00');
    await restartSoftBounced();
    expect(await sentToday('2026-04-10T13:00:01')).toBe(2);
    expect((await read(orm.em.fork(), mailing, day('2026-04-10T13:00:02')))!).toMatchObject({ sent: 3, bounced: 0 });
  });
});
