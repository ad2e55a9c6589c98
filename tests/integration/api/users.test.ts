import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, TEST_PASSWORD, type Client, type TestApp } from '../../support/test-app.js';
import type { Department } from '../../../server/db/entities/department.entity.js';
import type { User } from '../../../server/db/entities/user.entity.js';

let t: TestApp;
let sales: Department;
let support: Department;
let admin: User;
let seller: User;
let admin_: Client;
let seller_: Client;

beforeAll(async () => {
  t = await initTestApp();
  sales = await t.factories.department('Sales');
  support = await t.factories.department('Support');
  admin = await t.factories.user('admin', null, { email: 'admin@users.test', name: 'Ada Admin' });
  seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@users.test' });
  await t.factories.user('sales_manager', support.id, { email: 'other@users.test' });
  admin_ = await t.signIn('admin@users.test');
  seller_ = await t.signIn('seller@users.test');
});
afterAll(() => t.close());

const newUser = (over: Record<string, unknown> = {}) => ({
  email: `new${Math.random().toString(36).slice(2, 8)}@users.test`,
  name: 'New Person',
  role: 'sales_manager',
  departmentId: sales.id,
  timeZone: 'Europe/Berlin',
  password: 'a-long-password',
  active: true,
  ...over,
});

describe('users', () => {
  // Owner filters need the colleagues, never other departments' people.
  it('lists everyone for admins and only the own department for others', async () => {
    const all = await admin_.get('/api/users');
    expect(all.status).toBe(200);
    expect(all.body.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining(['admin@users.test', 'seller@users.test', 'other@users.test']));
    const mine = await seller_.get('/api/users');
    expect(mine.body.map((u: { email: string }) => u.email)).toEqual(['seller@users.test']);
    expect(mine.body[0]).toMatchObject({ departmentId: sales.id, departmentName: 'Sales', role: 'sales_manager', active: true });
    expect(JSON.stringify(all.body)).not.toMatch(/password/i);
  });

  it('answers 404 for a user of another department', async () => {
    const all = await admin_.get('/api/users');
    const other = all.body.find((u: { email: string }) => u.email === 'other@users.test');
    expect((await seller_.get(`/api/users/${other.id}`)).status).toBe(404);
    expect((await admin_.get(`/api/users/${other.id}`)).status).toBe(200);
    expect((await admin_.get('/api/users/999999')).status).toBe(404);
  });

  it('lets an admin create a user who can then sign in', async () => {
    const input = newUser({ email: 'Fresh@Users.test' });
    const res = await admin_.post('/api/users', input);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ email: 'fresh@users.test', role: 'sales_manager', departmentId: sales.id, timeZone: 'Europe/Berlin', active: true });
    expect(res.text).not.toContain(input.password);
    const login = await t.anonymous.post('/api/session', { email: 'fresh@users.test', password: 'a-long-password' });
    expect(login.status).toBe(200);
  });

  it('refuses bad input with 400 and never a 5xx', async () => {
    for (const bad of [
      newUser({ password: 'short' }),
      newUser({ timeZone: 'Mars/Olympus' }),
      newUser({ role: 'king' }),
      newUser({ email: 'not-an-email' }),
      newUser({ extra: 1 }),
      newUser({ departmentId: 2 ** 31 }),
      newUser({ name: '   ' }),
    ]) {
      const res = await admin_.post('/api/users', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
  });

  it('requires a department for sales managers and team leads (422) and refuses unknown ones', async () => {
    expect((await admin_.post('/api/users', newUser({ departmentId: null }))).status).toBe(422);
    expect((await admin_.post('/api/users', newUser({ role: 'team_lead', departmentId: null }))).status).toBe(422);
    expect((await admin_.post('/api/users', newUser({ departmentId: 99999 }))).status).toBe(422);
    expect((await admin_.post('/api/users', newUser({ role: 'company_manager', departmentId: null }))).status).toBe(201);
  });

  it('refuses a duplicate e-mail with 409', async () => {
    const res = await admin_.post('/api/users', newUser({ email: 'seller@users.test' }));
    expect(res.status).toBe(409);
    expect(res.body.error).toContain('already exists');
  });

  it('lets only admins manage users', async () => {
    expect((await seller_.post('/api/users', newUser())).status).toBe(403);
    expect((await seller_.patch(`/api/users/${seller.id}`, { name: 'Me' })).status).toBe(403);
    expect((await seller_.delete(`/api/users/${seller.id}`)).status).toBe(403);
  });

  it('keeps an admin from demoting, deactivating or deleting themselves', async () => {
    expect((await admin_.patch(`/api/users/${admin.id}`, { role: 'sales_manager', departmentId: sales.id })).status).toBe(422);
    expect((await admin_.patch(`/api/users/${admin.id}`, { active: false })).status).toBe(422);
    expect((await admin_.delete(`/api/users/${admin.id}`)).status).toBe(422);
    const ok = await admin_.patch(`/api/users/${admin.id}`, { name: 'Ada A. Admin' });
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('Ada A. Admin');
  });

  // A deactivated user must lose access at once, not when the cookie expires.
  it('signs a deactivated user out and lets a new password in', async () => {
    const created = await admin_.post('/api/users', newUser({ email: 'leaver@users.test', password: TEST_PASSWORD }));
    const leaver = await t.signIn('leaver@users.test');
    expect((await leaver.get('/api/users')).status).toBe(200);
    const res = await admin_.patch(`/api/users/${created.body.id}`, { active: false });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await leaver.get('/api/users')).status).toBe(401);

    const back = await admin_.patch(`/api/users/${created.body.id}`, { active: true, password: 'brand-new-password' });
    expect(back.status).toBe(200);
    expect((await t.anonymous.post('/api/session', { email: 'leaver@users.test', password: 'brand-new-password' })).status).toBe(200);
  });

  // Records live in their owner's department; moving the owner moves them along.
  it('moves a user’s records along when their department changes', async () => {
    const mover = await t.factories.user('sales_manager', sales.id);
    const company = await t.factories.company(mover);
    const res = await admin_.patch(`/api/users/${mover.id}`, { departmentId: support.id });
    expect(res.status, res.text).toBe(200);
    expect(res.body.departmentName).toBe('Support');
    const moved = await admin_.get(`/api/companies/${company.id}`);
    expect(moved.body.departmentId).toBe(support.id);
    expect((await admin_.patch(`/api/users/${mover.id}`, { role: 'company_manager', departmentId: null })).status).toBe(409);
  });

  it('refuses to delete a user who still owns records, and deletes one who owns none', async () => {
    const owner = await t.factories.user('sales_manager', sales.id);
    await t.factories.account(owner);
    const refused = await admin_.delete(`/api/users/${owner.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/deactivate/);
    expect(refused.body.details).toEqual({ owned: { 'email accounts': 1 } });

    const idle = await t.factories.user('team_lead', sales.id);
    expect((await admin_.delete(`/api/users/${idle.id}`)).status).toBe(200);
    expect((await admin_.get(`/api/users/${idle.id}`)).status).toBe(404);
  });
});
