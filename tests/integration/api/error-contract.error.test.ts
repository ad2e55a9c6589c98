import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, makeClient, type Client, type TestApp } from '../../support/test-app.js';
import { ERROR_CODES, ERROR_STATUS } from '../../../server/http/errors.js';
import { REFUSAL_REASONS } from '../../../server/domain/refusals.js';
import type { User } from '../../../server/db/entities/user.entity.js';

/**
 * Errors are a contract: every error body is `{ code, error, reason?, params?, field?, details? }`, the code from a
 * closed list with one status each, and `field` the path of the input to blame, so the UI puts a
 * message under the right input without reading the text. (The test client checks the shape of
 * every error answer of every API test; these cases pin the code and field of each kind.)
 */

let t: TestApp;
let admin: User;
let admin_: Client;
let seller_: Client;

beforeAll(async () => {
  t = await initTestApp();
  const sales = await t.factories.department('Sales');
  admin = await t.factories.user('admin', null, { email: 'admin@errors.test' });
  await t.factories.user('sales_manager', sales.id, { email: 'seller@errors.test' });
  admin_ = await t.signIn('admin@errors.test');
  seller_ = await t.signIn('seller@errors.test');
});
afterAll(() => t.close());

describe('error bodies', () => {
  // A zod refusal names the first bad input's path in `field`, beside the text that always named it.
  it('names the field of a validation error', async () => {
    const res = await admin_.post('/api/departments', { name: 42 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_input', field: 'name' });
    expect(res.body.error).toMatch(/^name: /);
  });

  // Each issue of a validation error carries zod's code and bounds, so the UI can word it in its own language.
  it("gives each validation issue zod's code and bounds", async () => {
    const res = await admin_.post('/api/users', { email: 'not-an-address', name: 'Short', role: 'sales_manager', departmentId: null, timeZone: 'UTC', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'password', code: 'too_small', origin: 'string', minimum: 10, message: 'Password must have at least 10 characters' }),
        expect.objectContaining({ path: 'email', code: 'invalid_format', format: 'email' }),
      ]),
    );
  });

  // A rule of server/domain (an admin keeps their own admin role) carries its field through the HTTP mapping.
  it('names the field of a domain error', async () => {
    const res = await admin_.patch(`/api/users/${admin.id}`, { role: 'sales_manager' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'precondition', field: 'role', error: 'role: you cannot take away your own admin role' });
  });

  // A precondition checked in a route (the contact's company must exist) names the id field.
  it('names the field of a precondition error', async () => {
    const res = await seller_.post('/api/contacts', { firstName: 'Ann', companyId: 2_147_483_000 });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'precondition', field: 'companyId' });
    expect(res.body.error).toBe('companyId: company 2147483000 not found');
  });

  // A refusal of the request as a whole names no field.
  it('names no field when no single input is to blame', async () => {
    const res = await seller_.get('/api/users/2147483000');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'not_found', error: 'User not found', reason: 'user_not_found', params: {} });
  });

  // Each kind of refusal has its code, and the code its status.
  it('answers every kind of refusal with a code from the closed list', async () => {
    const dup = `Dup ${Date.now()}`;
    await admin_.post('/api/departments', { name: dup });
    const noCsrf = makeClient(t.app, undefined, undefined);
    const cases: [Promise<{ status: number; body: { code: string } }>, string][] = [
      [t.anonymous.get('/api/users'), 'unauthorized'],
      [noCsrf.post('/api/session', 'not json'), 'bad_request'],
      [seller_.post('/api/departments', { name: 'Mine' }), 'forbidden'],
      [seller_.get('/api/no-such-route'), 'not_found'],
      [admin_.post('/api/departments', { name: dup }), 'conflict'],
      [seller_.post('/api/companies', { name: 'x'.repeat(6 * 1024 * 1024) }), 'payload_too_large'],
      [seller_.post('/api/companies/import', 'name,vip\nAcme,maybe\n'), 'import_rejected'],
    ];
    for (const [request, code] of cases) {
      const res = await request;
      expect(res.body.code).toBe(code);
      expect(res.status).toBe(ERROR_STATUS[code as keyof typeof ERROR_STATUS]);
    }
  });

  // The OpenAPI document states the same closed list clients may switch on.
  it('documents the codes and the field in the OpenAPI document', async () => {
    const doc = (await admin_.get('/api/openapi.json')).body;
    const schema = doc.components.schemas.Error;
    expect(schema.properties.code.enum).toEqual(ERROR_CODES);
    expect(Object.keys(schema.properties)).toEqual(['code', 'error', 'reason', 'params', 'field', 'details']);
    expect(schema.properties.reason.enum).toEqual(REFUSAL_REASONS);
    expect(schema.required).toEqual(['code', 'error']);
  });
});
