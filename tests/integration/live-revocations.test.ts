import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, type Running } from '../../server/boot.js';
import { loadConfig } from '../../server/config.js';
import { createMailings } from '../../server/engine/create-mailings.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import { liveRevocationRepository, type Revocation } from '../../server/db/repositories/live-revocation.repository.js';
import { EventBus } from '../../server/live/event-bus.js';
import { startRevocationRelay } from '../../server/live/revocation-relay.js';
import type { DomainEvent } from '../../server/domain/events.js';
import type { User } from '../../server/db/entities/user.entity.js';
import { scratchDatabase } from '../support/databases.js';
import { Factories } from '../support/factories.js';
import { TEST_PASSWORD } from '../support/test-app.js';
import { startServer, TEST_SECRET_KEY, type ServerProcess } from '../support/server-process.js';
import { connected, watch, type LiveClient as Client } from '../support/live-client.js';

/**
 * Two web processes serve one site on one database: a change made through one takes live rights
 * away from sockets held by the other (web process A runs in this test, B is a child process).
 */

let a: Running;
let b: ServerProcess;
let drop: () => Promise<void>;
let dataDir: string;
let f: Factories;
const sockets: Client[] = [];
let north: number;
let south: number;
let admin: { cookie: string; csrf: string };

async function signIn(url: string, email: string) {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
  expect(res.status, await res.clone().text()).toBe(200);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0], csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

function client(url: string, cookie: string): Client {
  const socket: Client = connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(socket);
  return socket;
}

/** An admin's PATCH of a user, through process A. */
async function patchUser(user: User, body: Record<string, unknown>) {
  const res = await fetch(`${a.url}/api/users/${user.id}`, {
    method: 'PATCH', headers: { cookie: admin.cookie, 'content-type': 'application/json', 'x-csrf-token': admin.csrf }, body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(200);
}

const closed = (socket: Client) => new Promise<string>((ok) => socket.once('disconnect', ok));

beforeAll(async () => {
  const db = await scratchDatabase('mysql');
  drop = db.drop;
  dataDir = mkdtempSync(join(tmpdir(), 'mailroom-revocations-'));
  const env = { DATA_DIR: dataDir, PORT: '0', MAIL_SINK: 'off', DEMO_DATA: 'off', SECRET_KEY: TEST_SECRET_KEY };
  a = await boot({ ...loadConfig(env, ['--role', 'web']), database: db.target }, () => {});
  // B starts once A has migrated the database; both have the site's secret key (CSRF tokens are derived from it).
  b = await startServer({ databaseUrl: (db.target as { url: string }).url, args: ['--role', 'web'], env: { MAIL_SINK: 'off', DEMO_DATA: 'off' } });
  f = new Factories(a.services.orm, a.services.secrets, TEST_PASSWORD);
  [north, south] = [(await f.department()).id, (await f.department()).id];
  await f.user('admin', null, { email: 'admin@revoke.test' });
  admin = await signIn(a.url!, 'admin@revoke.test');
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await b?.stop();
  await a?.close();
  await drop?.();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('revocations reach every web process', () => {
  // Invariant: a password changed through one web process closes the user's sockets held by
  // another, at once, not at their next reconnect.
  it('closes a socket on B when its user’s password changes through A', async () => {
    const user = await f.user('sales_manager', north, { email: 'password@revoke.test' });
    const socket = client(b.url, (await signIn(b.url, 'password@revoke.test')).cookie);
    await connected(socket);
    const gone = closed(socket);
    await patchUser(user, { password: 'a-brand-new-password-1' });
    await expect(gone).resolves.toBe('io server disconnect');
  });

  // Invariant: signing out through one web process closes that session's sockets on another,
  // and only that session's.
  it('closes the signed-out session’s socket on B, not the user’s other sessions', async () => {
    await f.user('sales_manager', north, { email: 'signout@revoke.test' });
    const [ending, staying] = [await signIn(b.url, 'signout@revoke.test'), await signIn(b.url, 'signout@revoke.test')];
    const [endingSocket, stayingSocket] = [client(b.url, ending.cookie), client(b.url, staying.cookie)];
    await Promise.all([connected(endingSocket), connected(stayingSocket)]);
    const gone = closed(endingSocket);
    const res = await fetch(`${a.url}/api/session`, { method: 'DELETE', headers: { cookie: ending.cookie, 'x-csrf-token': ending.csrf } });
    expect(res.status, await res.text()).toBe(200);
    await expect(gone).resolves.toBe('io server disconnect');
    expect(stayingSocket.connected).toBe(true);
  });

  // Invariant: when an owner moves department through A, a team lead of the old department
  // watching one of their mailings on B leaves its room at once, and the old department's list
  // on B is told to reload (the moved mailings are no longer in it).
  it('takes a moved owner’s mailing away from the old department’s sockets on B', async () => {
    const owner = await f.user('sales_manager', north, { email: 'owner@revoke.test' });
    await f.user('team_lead', north, { email: 'lead@revoke.test' });
    await f.account(owner, { dailyLimit: 10_000 });
    const company = await f.company(owner, { email: 'c@revoke.test' });
    const em = a.services.orm.em.fork();
    const { mailings } = await createMailings(em, { id: owner.id, role: 'sales_manager', departmentId: north }, { messageId: (await f.message(owner)).id, selections: { company: { ids: [company.id] } }, start: 'paused' }, await settingsRepository.get(em, ''), new Date());
    const mailingId = mailings[0].id;

    const lead = client(b.url, (await signIn(b.url, 'lead@revoke.test')).cookie);
    await connected(lead);
    expect((await watch(lead, mailingId)).ok).toBe(true);
    const gone: number[] = [];
    const listChanged: number[] = [];
    lead.on('mailing:gone:v1', (p) => gone.push(p.mailingId));
    lead.on('mailings:changed:v2', (p) => listChanged.push(p.departmentId));

    await patchUser(owner, { departmentId: south });
    await expect.poll(() => gone, { timeout: 10_000 }).toEqual([mailingId]);
    await expect.poll(() => listChanged, { timeout: 10_000 }).toContain(north);
  });
});

describe('the revocation relay', () => {
  // Invariant: each process acts once on a revocation: the process that made it acted at once and
  // skips its own row; every other process emits it once.
  it('emits the revocations of other processes once, and never its own', async () => {
    const { orm } = a.services;
    const buses = [new EventBus(), new EventBus()];
    const heard: DomainEvent[][] = [[], []];
    buses.forEach((bus, i) => bus.on((e) => heard[i].push(e)));
    const stops = buses.map((bus) => startRevocationRelay(orm, bus, () => new Date(), 50));
    try {
      const fromFirst: Revocation = { type: 'session.ended', userId: 999_001, tokenHash: null, at: new Date().toISOString() };
      await liveRevocationRepository.record(orm.em.fork(), buses[0].id, fromFirst, new Date());
      await expect.poll(() => heard[1], { timeout: 10_000 }).toContainEqual(fromFirst);
      const fromSecond: Revocation = { type: 'mailings.moved', ownerId: 999_002, fromDepartmentId: null, departmentId: 999_003, at: new Date().toISOString() };
      await liveRevocationRepository.record(orm.em.fork(), buses[1].id, fromSecond, new Date());
      // The first bus heard the later row, so it read past its own: it skipped it.
      await expect.poll(() => heard[0], { timeout: 10_000 }).toContainEqual(fromSecond);
      // A third process's row reaches both; by then each has read every row several times.
      const fromThird: Revocation = { type: 'session.ended', userId: 999_004, tokenHash: null, at: new Date().toISOString() };
      await liveRevocationRepository.record(orm.em.fork(), 'a-third-process', fromThird, new Date());
      await expect.poll(() => heard.map((h) => h.at(-1)), { timeout: 10_000 }).toEqual([fromThird, fromThird]);
      const ours = (h: DomainEvent[]) => h.filter((e) => JSON.stringify(e).includes('99900'));
      expect(ours(heard[0])).toEqual([fromSecond, fromThird]);
      expect(ours(heard[1])).toEqual([fromFirst, fromThird]);
    } finally {
      await Promise.all(stops.map((stop) => stop()));
    }
  });
});
