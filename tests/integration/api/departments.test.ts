import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import type { Department } from '../../../server/db/entities/department.entity.js';

let t: TestApp;
let sales: Department;
let support: Department;
let admin_: Client;
let manager_: Client;
let seller_: Client;

beforeAll(async () => {
  t = await initTestApp();
  sales = await t.factories.department('Sales');
  support = await t.factories.department('Support');
  await t.factories.user('admin', null, { email: 'admin@dept.test' });
  await t.factories.user('company_manager', null, { email: 'cm@dept.test' });
  await t.factories.user('sales_manager', sales.id, { email: 'seller@dept.test' });
  await t.factories.user('team_lead', sales.id);
  admin_ = await t.signIn('admin@dept.test');
  manager_ = await t.signIn('cm@dept.test');
  seller_ = await t.signIn('seller@dept.test');
});
afterAll(() => t.close());

describe('departments', () => {
  it('shows all departments to admins and company managers, with user counts', async () => {
    for (const client of [admin_, manager_]) {
      const res = await client.get('/api/departments');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: sales.id, name: 'Sales', userCount: 2 }),
          expect.objectContaining({ id: support.id, name: 'Support', userCount: 0 }),
        ]),
      );
    }
  });

  it('shows a sales manager only their own department; another one is 404', async () => {
    const res = await seller_.get('/api/departments');
    expect(res.body.map((d: { id: number }) => d.id)).toEqual([sales.id]);
    expect((await seller_.get(`/api/departments/${sales.id}`)).status).toBe(200);
    expect((await seller_.get(`/api/departments/${support.id}`)).status).toBe(404);
  });

  it('lets admins create and rename, and refuses duplicates with 409', async () => {
    const created = await admin_.post('/api/departments', { name: '  Marketing  ' });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'Marketing', userCount: 0 });
    expect((await admin_.post('/api/departments', { name: 'Sales' })).status).toBe(409);
    expect((await admin_.patch(`/api/departments/${created.body.id}`, { name: 'Support' })).status).toBe(409);
    const renamed = await admin_.patch(`/api/departments/${created.body.id}`, { name: 'Growth' });
    expect(renamed.body.name).toBe('Growth');
  });

  it('refuses malformed input with 400', async () => {
    expect((await admin_.post('/api/departments', { name: '' })).status).toBe(400);
    expect((await admin_.post('/api/departments', { name: 'x'.repeat(121) })).status).toBe(400);
    expect((await admin_.post('/api/departments', { name: 'Ok', color: 'red' })).status).toBe(400);
    expect((await admin_.get('/api/departments/abc')).status).toBe(400);
    expect((await admin_.get('/api/departments/99999999999')).status).toBe(400);
  });

  it('lets only admins change departments', async () => {
    expect((await manager_.post('/api/departments', { name: 'Nope' })).status).toBe(403);
    expect((await seller_.patch(`/api/departments/${sales.id}`, { name: 'Mine' })).status).toBe(403);
    expect((await seller_.delete(`/api/departments/${sales.id}`)).status).toBe(403);
  });

  // Deleting a department must never orphan its people or their records.
  it('refuses to delete a department with users or records (409) and deletes an empty one', async () => {
    const withUsers = await admin_.delete(`/api/departments/${sales.id}`);
    expect(withUsers.status).toBe(409);
    expect(withUsers.body.details.users).toBe(2);

    const empty = await admin_.post('/api/departments', { name: 'Temp' });
    expect((await admin_.delete(`/api/departments/${empty.body.id}`)).status).toBe(200);
    expect((await admin_.get(`/api/departments/${empty.body.id}`)).status).toBe(404);
  });
});
