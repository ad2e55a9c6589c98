import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient } from '../../../server/live/protocol.js';
import { startWebServer, type WebServer } from '../../support/web-server.js';
import { UserSchema } from '../../../server/db/entities/user.entity.js';

type Client = Socket<ServerToClient, ClientToServer>;

let server: WebServer;
const sockets: Client[] = [];

async function openSocket(cookie: string): Promise<Client> {
  const socket: Client = connect(server.url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(socket);
  await new Promise<void>((ok, fail) => {
    socket.once('connect', () => ok());
    socket.once('connect_error', fail);
  });
  return socket;
}

const me = (cookie: string) => fetch(`${server.url}/api/session`, { headers: { cookie } }).then((r) => r.status);

async function changePassword(as: { cookie: string; csrf: string }, userId: number, password: string) {
  const res = await fetch(`${server.url}/api/users/${userId}`, {
    method: 'PATCH',
    headers: { cookie: as.cookie, 'x-csrf-token': as.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  expect(res.status, await res.text()).toBe(200);
}

beforeAll(async () => {
  server = await startWebServer();
  const department = await server.factories.department();
  await server.factories.user('sales_manager', department.id, { email: 'dana@pw.test' });
  await server.factories.user('admin', null, { email: 'root@pw.test' });
  await server.factories.user('admin', null, { email: 'ops@pw.test' });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server?.close();
});

describe('a password change', () => {
  // A new password set by an admin ends every session signed in with the old one, and closes
  // their sockets at once: a stolen cookie dies with the password.
  it('set by an admin signs the user out everywhere and closes their sockets', async () => {
    const admin = await server.signIn('root@pw.test');
    const [laptop, phone] = [await server.signIn('dana@pw.test'), await server.signIn('dana@pw.test')];
    const socket = await openSocket(laptop.cookie);
    const closed = new Promise<string>((ok) => socket.once('disconnect', ok));
    const dana = await server.running.services.orm.em.fork().findOneOrFail(UserSchema, { email: 'dana@pw.test' });

    await changePassword(admin, dana.id, 'a-brand-new-password');

    expect(await closed).toBe('io server disconnect');
    expect(await me(laptop.cookie)).toBe(401);
    expect(await me(phone.cookie)).toBe(401);
    expect(await me(admin.cookie)).toBe(200);
  });

  // Changing your own password keeps the session you changed it from and ends the others.
  it('of your own ends your other sessions but not this one', async () => {
    const [here, elsewhere] = [await server.signIn('ops@pw.test'), await server.signIn('ops@pw.test')];
    const ops = await server.running.services.orm.em.fork().findOneOrFail(UserSchema, { email: 'ops@pw.test' });

    await changePassword(here, ops.id, 'another-new-password');

    expect(await me(elsewhere.cookie)).toBe(401);
    expect(await me(here.cookie)).toBe(200);
  });
});
