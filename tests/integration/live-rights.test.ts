import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { io as connect } from 'socket.io-client';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, type Running } from '../../server/boot.js';
import { MAX_WATCHED_MAILINGS } from '../../server/live/hub.js';
import { loadConfig } from '../../server/config.js';
import { createMailings } from '../../server/engine/create-mailings.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import { EntityManager } from '@mikro-orm/core';
import { MailingSchema } from '../../server/db/entities/mailing.entity.js';
import type { User } from '../../server/db/entities/user.entity.js';
import { scratchDatabase } from '../support/databases.js';
import { Factories } from '../support/factories.js';
import { TEST_PASSWORD } from '../support/test-app.js';
import { connected, dropConnection, watch, type LiveClient as Client } from '../support/live-client.js';

/** Socket rooms follow a user's rights as they change, not the rights the socket joined with. */

const PUBLIC_URL = 'https://mail.example.test';

let running: Running;
let drop: () => Promise<void>;
let f: Factories;
const sockets: Client[] = [];
let north: number;
let south: number;
let anna: User;
let mover: User;
let adminCookie: string;

async function signIn(email: string): Promise<string> {
  const res = await fetch(`${running.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0];
}

function client(cookie: string, origin?: string): Client {
  const socket: Client = connect(running.url!, { transports: ['websocket'], extraHeaders: { cookie, ...(origin ? { origin } : {}) }, reconnection: false });
  sockets.push(socket);
  return socket;
}


async function moveUser(user: User, departmentId: number) {
  const csrf = ((await (await fetch(`${running.url}/api/session`, { headers: { cookie: adminCookie } })).json()) as { csrfToken: string }).csrfToken;
  const res = await fetch(`${running.url}/api/users/${user.id}`, {
    method: 'PATCH', headers: { cookie: adminCookie, 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ departmentId }),
  });
  expect(res.status, await res.text()).toBe(200);
}

/** A port nothing listens on: a login check there fails at once as unreachable. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise((ok) => server.close(ok));
  return port;
}

const statusOf = (mailingId: number, departmentId: number, ownerId: number) =>
  running.services.events.emit({ type: 'mailing.status', mailingId, departmentId, ownerId, status: 'paused', reason: null, detail: null, at: new Date().toISOString() });

beforeAll(async () => {
  const db = await scratchDatabase('mysql');
  drop = db.drop;
  const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'mailroom-live-rights-')), PORT: '0', MAIL_SINK: 'off', DEMO_DATA: 'off', SECRET_KEY: 'live-rights-secret-key-000', PUBLIC_URL };
  running = await boot({ ...loadConfig(env, ['--role', 'web']), database: db.target }, () => {});
  f = new Factories(running.services.orm, running.services.secrets, TEST_PASSWORD);
  [north, south] = [(await f.department()).id, (await f.department()).id];
  anna = await f.user('sales_manager', north, { email: 'anna@rights.test' });
  mover = await f.user('sales_manager', north, { email: 'mover@rights.test' });
  await f.user('team_lead', north, { email: 'lead@rights.test' });
  await f.user('company_manager', null, { email: 'ceo@rights.test' });
  await f.user('admin', null, { email: 'admin@rights.test' });
  adminCookie = await signIn('admin@rights.test');
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await running?.close();
  await drop?.();
});

describe('socket rooms after a change of rights', () => {
  // A connection that comes back after its user moved to another department gets neither the old
  // department's room nor what was pushed to it meanwhile: rights are those of now.
  it('does not recover the old department for a user who moved while disconnected', async () => {
    const socket = client(await signIn('mover@rights.test'));
    await connected(socket);
    const seen: number[] = [];
    socket.on('mailing:status:v1', (p) => seen.push(p.departmentId));
    // A client asks for recovery from the last push it got: it needs one.
    statusOf(9000, north, anna.id);
    await expect.poll(() => seen, { timeout: 5_000 }).toEqual([north]);
    seen.length = 0;
    await dropConnection(socket);

    await moveUser(mover, south);
    statusOf(9001, north, anna.id);

    socket.connect();
    await connected(socket);
    expect(socket.recovered).toBe(false);
    statusOf(9002, north, anna.id);
    statusOf(9003, south, mover.id);
    await expect.poll(() => seen, { timeout: 5_000 }).toContain(south);
    expect(seen).toEqual([south]);
  });

  // A team lead watching a mailing whose owner moves to another department leaves its room at
  // once and is told; its recipients' addresses reach only those who may still see it. A lead's
  // connection that was down during the move does not get the room back either.
  it('takes a watched mailing away from the old department when its owner moves', async () => {
    await f.account(anna, { dailyLimit: 10_000 });
    const ids = [];
    for (let i = 0; i < 2; i++) ids.push((await f.company(anna, { email: `c${i}@rights.test` })).id);
    const em = running.services.orm.em.fork();
    const { mailings } = await createMailings(em, { id: anna.id, role: 'sales_manager', departmentId: north }, { messageId: (await f.message(anna)).id, selections: { company: { ids } }, start: 'paused' }, await settingsRepository.get(em, ''), new Date());
    const mailingId = mailings[0].id;

    const [lead, away, ceo] = [client(await signIn('lead@rights.test')), client(await signIn('lead@rights.test')), client(await signIn('ceo@rights.test'))];
    await Promise.all([connected(lead), connected(away), connected(ceo)]);
    for (const s of [lead, away, ceo]) expect((await watch(s, mailingId)).ok).toBe(true);
    // A push to the dropped connection first, so that it asks for recovery when it comes back.
    const pushed = new Promise((ok) => away.once('mailing:status:v1', ok));
    statusOf(mailingId, north, anna.id);
    await pushed;
    const gone: number[] = [];
    const emails = { lead: [] as string[], ceo: [] as string[] };
    lead.on('mailing:gone:v1', (p) => gone.push(p.mailingId));
    lead.on('mailing:recipients:v1', (r) => emails.lead.push(...r.changes.map((c) => c.email)));
    ceo.on('mailing:recipients:v1', (r) => emails.ceo.push(...r.changes.map((c) => c.email)));
    await dropConnection(away);

    await moveUser(anna, south);
    await expect.poll(() => gone, { timeout: 5_000 }).toEqual([mailingId]);
    running.services.events.emit({ type: 'recipient.sent', mailingId, departmentId: south, ownerId: anna.id, accountId: 1, rowId: 1, email: 'c0@rights.test', messageId: '<x@rights.test>', at: new Date().toISOString() });
    await expect.poll(() => emails.ceo, { timeout: 5_000 }).toEqual(['c0@rights.test']);
    expect(emails.lead).toEqual([]);
    expect(lead.connected).toBe(true);

    away.connect();
    await connected(away);
    expect(away.recovered).toBe(false);
    expect(await watch(away, mailingId)).toEqual({ ok: false, error: 'Mailing not found' });
  });

  // An account's and an inbox's health follow the owner to the new department: a lead of the old
  // one, whose socket stays open through the move, hears nothing of them any more.
  it('pushes a moved owner\'s account and inbox health to the new department only', async () => {
    const bert = await f.user('sales_manager', north, { email: 'bert@rights.test' });
    await f.user('team_lead', south, { email: 'south-lead@rights.test' });
    const closed = await closedPort();
    const account = await f.account(bert, { smtpPort: closed });
    await f.inbox(account.id, { port: closed });
    const [northLead, southLead] = [client(await signIn('lead@rights.test')), client(await signIn('south-lead@rights.test'))];
    await Promise.all([connected(northLead), connected(southLead)]);
    const heard = { north: [] as string[], south: [] as string[] };
    for (const [socket, into] of [[northLead, heard.north], [southLead, heard.south]] as const) {
      socket.on('account:health:v1', (p) => into.push(`account ${p.accountId} ${p.health}`));
      socket.on('inbox:health:v1', (p) => into.push(`inbox ${p.accountId} ${p.health}`));
    }

    await moveUser(bert, south);
    const cookie = await signIn('bert@rights.test');
    const csrf = ((await (await fetch(`${running.url}/api/session`, { headers: { cookie } })).json()) as { csrfToken: string }).csrfToken;
    for (const path of [`/api/accounts/${account.id}/test`, `/api/accounts/${account.id}/inbox/test`]) {
      const res = await fetch(`${running.url}${path}`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
      expect(res.status, await res.text()).toBe(200);
    }

    await expect.poll(() => [...heard.south].sort(), { timeout: 15_000 }).toEqual([`account ${account.id} unreachable`, `inbox ${account.id} unreachable`]);
    expect(heard.north).toEqual([]);
    expect(northLead.connected).toBe(true);
  });

  // A page on another site cannot open a socket with its visitor's cookie.
  it('refuses a handshake from a page of another origin', async () => {
    const cookie = await signIn('ceo@rights.test');
    const forged = client(cookie, 'https://evil.example');
    await expect(connected(forged)).rejects.toThrow();
    const nullOrigin = client(cookie, 'null');
    await expect(connected(nullOrigin)).rejects.toThrow();
    for (const origin of [PUBLIC_URL, new URL(running.url!).origin]) {
      const fine = client(cookie, origin);
      await connected(fine);
      expect(fine.connected).toBe(true);
    }
  });
});

describe('a flood of socket events', () => {
  // One socket's flood of mailing:watch (each reads the database) must not take the connection
  // pool from everyone else: its watches are answered one at a time, those beyond a short queue
  // are refused at once, and the socket still works afterwards.
  it('answers one socket\'s watches one at a time and refuses those beyond a short queue', async () => {
    const owner = await f.user('sales_manager', north, { email: 'flood@rights.test' });
    await f.account(owner, { dailyLimit: 10_000 });
    const em = running.services.orm.em.fork();
    const company = await f.company(owner, { email: 'flood-c@rights.test' });
    const { mailings } = await createMailings(em, { id: owner.id, role: 'sales_manager', departmentId: north }, { messageId: (await f.message(owner)).id, selections: { company: { ids: [company.id] } }, start: 'paused' }, await settingsRepository.get(em, ''), new Date());
    const socket = client(await signIn('flood@rights.test'));
    await connected(socket);

    // Every watch first reads the mailing (the access guard): count those reads in flight at once.
    const findOne = EntityManager.prototype.findOne;
    let reading = 0;
    let most = 0;
    const spy = vi.spyOn(EntityManager.prototype, 'findOne').mockImplementation(async function (this: EntityManager, ...args: Parameters<typeof findOne>) {
      const counted = args[0] === MailingSchema;
      if (counted) most = Math.max(most, ++reading);
      try {
        return await findOne.apply(this, args);
      } finally {
        if (counted) reading--;
      }
    });
    try {
      const replies = await Promise.all(Array.from({ length: 200 }, () => watch(socket, mailings[0].id)));
      expect(most).toBe(1);
      expect(replies.filter((r) => r.ok).length).toBeGreaterThan(0);
      const refused = replies.filter((r) => !r.ok);
      expect(refused.length).toBeGreaterThan(100);
      expect(refused[0]).toEqual({ ok: false, error: expect.stringMatching(/too many/i) });
    } finally {
      spy.mockRestore();
    }
    expect((await watch(socket, mailings[0].id)).ok).toBe(true);
  });

  // Nor may one socket join every mailing it may see, each holding a room and a viewer entry: it
  // watches a bounded number at once, and one more after letting one go.
  it('lets one socket watch a bounded number of mailings at once', async () => {
    const owner = await f.user('sales_manager', north, { email: 'many@rights.test' });
    await f.account(owner, { dailyLimit: 10_000 });
    const em = running.services.orm.em.fork();
    const message = await f.message(owner);
    const ids: number[] = [];
    for (let i = 0; i <= MAX_WATCHED_MAILINGS; i++) {
      const company = await f.company(owner, { email: `many-${i}@rights.test` });
      const { mailings } = await createMailings(em, { id: owner.id, role: 'sales_manager', departmentId: north }, { messageId: message.id, selections: { company: { ids: [company.id] } }, start: 'paused' }, await settingsRepository.get(em, ''), new Date());
      ids.push(mailings[0].id);
    }
    const socket = client(await signIn('many@rights.test'));
    await connected(socket);
    for (const id of ids.slice(0, MAX_WATCHED_MAILINGS)) expect((await watch(socket, id)).ok).toBe(true);
    expect(await watch(socket, ids[MAX_WATCHED_MAILINGS])).toEqual({ ok: false, error: `Watching at most ${MAX_WATCHED_MAILINGS} mailings at once` });
    // Asking again for one it watches is fine.
    expect((await watch(socket, ids[0])).ok).toBe(true);
    socket.emit('mailing:unwatch', ids[0]);
    expect((await watch(socket, ids[MAX_WATCHED_MAILINGS])).ok).toBe(true);
  });
});
