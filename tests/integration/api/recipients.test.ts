import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import type { TestDb } from '../../support/databases.js';
import type { User } from '../../../server/db/entities/user.entity.js';

describe.each(['mysql', 'sqlite'] as TestDb[])('companies, contacts and leads on %s', (db) => {
  let t: TestApp;
  let anna: User;
  let annaClient: Client;
  let bob: User;
  let otherDept: User;

  beforeAll(async () => {
    t = await initTestApp({ db });
    const [north, south] = [await t.factories.department('North'), await t.factories.department('South')];
    anna = await t.factories.user('sales_manager', north.id);
    bob = await t.factories.user('sales_manager', north.id);
    otherDept = await t.factories.user('sales_manager', south.id);
    annaClient = await t.signIn(anna.email);
  });
  afterAll(() => t.close());

  it('creates, reads, changes and deletes a company owned by the caller', async () => {
    const created = await annaClient.post('/api/companies', { name: '  Acme GmbH ', email: 'INFO@ACME.test', vip: true });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'Acme GmbH', email: 'info@acme.test', vip: true, massMailing: true, ownerId: anna.id, ownerName: anna.name });
    const id = created.body.id;
    expect((await annaClient.get(`/api/companies/${id}`)).body.name).toBe('Acme GmbH');
    const changed = await annaClient.patch(`/api/companies/${id}`, { massMailing: false, email: '' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ massMailing: false, email: null });
    expect((await annaClient.delete(`/api/companies/${id}`)).status).toBe(200);
    expect((await annaClient.get(`/api/companies/${id}`)).status).toBe(404);
  });

  // Lists search, filter, sort and page on the server, inside the caller's department only.
  it('lists with search, filters, sorting and paging', async () => {
    for (const [name, vip] of [['Zeta Foods', false], ['Alpha Foods', true], ['Beta Motors', false]] as const) {
      await t.factories.company(anna, { name, vip, country: 'Spain' });
    }
    await t.factories.company(otherDept, { name: 'Hidden Foods' });
    const foods = await annaClient.get('/api/companies?q=foods&sort=name&dir=asc');
    expect(foods.body.items.map((c: { name: string }) => c.name)).toEqual(['Alpha Foods', 'Zeta Foods']);
    const vip = await annaClient.get('/api/companies?vip=true&country=Spain');
    expect(vip.body.items.map((c: { name: string }) => c.name)).toEqual(['Alpha Foods']);
    const paged = await annaClient.get('/api/companies?country=Spain&sort=name&dir=desc&page=2&pageSize=2');
    expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(paged.body.items.map((c: { name: string }) => c.name)).toEqual(['Alpha Foods']);
    const byId = await annaClient.get(`/api/companies?q=${foods.body.items[0].id}`);
    expect(byId.body.items.map((c: { name: string }) => c.name)).toContain('Alpha Foods');
    // LIKE wildcards in a search are literal characters.
    expect((await annaClient.get('/api/companies?q=%25')).body.total).toBe(0);
  });

  it('ties a contact to a company of the same department', async () => {
    const company = await t.factories.company(anna);
    const foreign = await t.factories.company(otherDept);
    const ok = await annaClient.post('/api/contacts', { firstName: 'Jane', lastName: 'Doe', email: 'jane@acme.test', companyId: company.id });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body).toMatchObject({ companyId: company.id, companyName: company.name, firstName: 'Jane' });
    const bad = await annaClient.post('/api/contacts', { firstName: 'Jim', companyId: foreign.id });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/companyId/);
    const list = await annaClient.get(`/api/contacts?companyId=${company.id}`);
    expect(list.body.total).toBe(1);
  });

  // Sales managers see their department but change only what they own.
  it('refuses changes to a colleague’s record and hides other departments', async () => {
    const colleagues = await t.factories.lead(bob);
    const foreign = await t.factories.lead(otherDept);
    expect((await annaClient.get(`/api/leads/${colleagues.id}`)).status).toBe(200);
    expect((await annaClient.patch(`/api/leads/${colleagues.id}`, { vip: true })).status).toBe(403);
    expect((await annaClient.delete(`/api/leads/${colleagues.id}`)).status).toBe(403);
    expect((await annaClient.get(`/api/leads/${foreign.id}`)).status).toBe(404);
    expect((await annaClient.patch(`/api/leads/${foreign.id}`, { vip: true })).status).toBe(404);
    expect((await annaClient.post('/api/leads', { firstName: 'X', ownerId: bob.id })).status).toBe(403);
  });

  describe('CSV import', () => {
    // One bad row refuses the whole file and reports every bad row by line.
    it('imports nothing and reports each bad row', async () => {
      const before = (await annaClient.get('/api/leads?pageSize=1')).body.total;
      const csv = [
        'first_name,last_name,email,vip,company_name',
        'Ann,Lee,ann@lee.test,yes,Lee Ltd',
        ',NoFirst,nofirst@x.test,no,',
        'Bad,Mail,not-an-email,no,',
        'Bad,Flag,flag@x.test,perhaps,',
      ].join('\n');
      const res = await annaClient.post('/api/leads/import', csv);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(/3 of 4 rows are invalid; nothing was imported/);
      expect(res.body.details.rows.map((r: { line: number }) => r.line)).toEqual([3, 4, 5]);
      expect(res.body.details.rows[1].errors.join()).toMatch(/email/);
      expect(res.body.details.rows[2].errors.join()).toMatch(/vip: "perhaps"/);
      expect((await annaClient.get('/api/leads?pageSize=1')).body.total).toBe(before);
    });

    it('imports every row of a good file', async () => {
      const company = await t.factories.company(anna);
      const csv = `first_name,last_name,email,company_id,vip\nAnn,Lee,ann.lee@x.test,${company.id},true\nBo,Kim,bo@x.test,${company.id},false\n`;
      const res = await annaClient.post('/api/contacts/import', csv);
      expect(res.status, res.text).toBe(201);
      expect(res.body).toEqual({ imported: 2 });
      const list = await annaClient.get(`/api/contacts?companyId=${company.id}&vip=true`);
      expect(list.body.items.map((c: { email: string }) => c.email)).toEqual(['ann.lee@x.test']);
    });

    it('refuses unknown columns, rows owned by others and garbage', async () => {
      expect((await annaClient.post('/api/companies/import', 'name,password\nA,b\n')).body.error).toMatch(/Unknown column/);
      const owned = await annaClient.post('/api/companies/import', `name,owner_email\nA,${bob.email}\n`);
      expect(owned.status).toBe(422);
      expect(owned.body.details.rows[0].errors.join()).toMatch(/only admins/i);
      expect((await annaClient.post('/api/companies/import', 'name\n"unclosed\n')).status).toBe(400);
      expect((await annaClient.post('/api/companies/import', 'name\n')).status).toBe(400);
    });
  });
});
