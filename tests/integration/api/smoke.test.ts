import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await initTestApp();
});
afterAll(() => t.close());

describe('smoke', () => {
  it('signs in and creates a company', async () => {
    const dept = await t.factories.department();
    const anna = await t.factories.user('sales_manager', dept.id, { email: 'anna@x.test' });
    const client = await t.signIn('anna@x.test');
    const created = await client.post('/api/companies', { name: 'Acme', email: 'INFO@acme.test' });
    expect(created.status, created.text).toBe(201);
    expect(created.body.email).toBe('info@acme.test');
    expect(created.body.ownerId).toBe(anna.id);
    const list = await client.get('/api/companies?q=acme');
    expect(list.body.total).toBe(1);
    const spec = await t.anonymous.get('/api/openapi.json');
    expect(spec.status).toBe(200);
  });
});
