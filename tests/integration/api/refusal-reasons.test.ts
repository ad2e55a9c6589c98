import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { pdf, upload } from '../../support/attachments.js';
import { MAX_ATTACHMENT_BYTES, PROVIDER_LIMIT_BYTES } from '../../../server/domain/attachments.js';
import type { User } from '../../../server/db/entities/user.entity.js';

/**
 * A refusal says why as a reason with its values (`reason`, `params`), beside the English `error`
 * worded from them, so the UI can say the same thing in German or French: the name that is taken,
 * the rules a combination breaks, the status that stops a restart, the size a file may have.
 * (Every API test's client also checks that `error` is what the reason and values say.)
 */

let t: TestApp;
let admin: User;
let seller: User;
let admin_: Client;
let seller_: Client;
let messageId: number;
let otherMessageId: number;
let companyId: number;

beforeAll(async () => {
  t = await initTestApp();
  const sales = await t.factories.department('Sales');
  admin = await t.factories.user('admin', null, { email: 'admin@reasons.test' });
  seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@reasons.test' });
  await t.factories.account(seller);
  messageId = (await t.factories.message(seller)).id;
  otherMessageId = (await t.factories.message(seller)).id;
  companyId = (await t.factories.company(seller, { email: 'buyer@reasons.test' })).id;
  [admin_, seller_] = await Promise.all([t.signIn(admin.email), t.signIn(seller.email)]);
});
afterAll(() => t.close());

/** A paused mailing of `message` to the one company, by the seller. */
async function pausedMailing(message = messageId): Promise<number> {
  const res = await seller_.post('/api/mailings', { messageId: message, start: 'paused', selections: { company: { ids: [companyId] } } });
  expect(res.status, res.text).toBe(201);
  return res.body.mailings[0].id;
}

describe('refusals say their reason and values', () => {
  it('names the department name that is taken', async () => {
    const res = await admin_.post('/api/departments', { name: 'Sales' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: 'conflict', error: 'name: a department named Sales already exists', reason: 'department_name_taken', params: { name: 'Sales' }, field: 'name' });
  });

  it('refuses deleting yourself by reason', async () => {
    const res = await admin_.delete(`/api/users/${admin.id}`);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'precondition', reason: 'self_delete', params: {}, error: 'You cannot delete your own user' });
  });

  // Each broken rule is a reason of its own, in the values and in `details`, so the combine dialog words each one.
  it('lists the rules a combination breaks as reasons', async () => {
    const first = await pausedMailing();
    const other = await pausedMailing(otherMessageId);
    expect((await seller_.post(`/api/mailings/${other}/cancel`)).status).toBe(200);
    const res = await seller_.post('/api/mailings/combine', { ids: [first, other] });
    expect(res.status).toBe(422);
    const problems = [{ reason: 'combine_other_message', params: {} }, { reason: 'combine_finished', params: { ids: [other] } }];
    expect(res.body).toMatchObject({ code: 'precondition', reason: 'combine_refused', params: { problems }, details: { problems } });
    expect(res.body.error).toBe(`The mailings must have the same newsletter message; Finished mailings cannot be combined: #${other}`);
  });

  it('says which status stops a restart, and which recipients a restart found none of', async () => {
    const cancelled = await pausedMailing();
    await seller_.post(`/api/mailings/${cancelled}/cancel`);
    const refused = await seller_.post(`/api/mailings/${cancelled}/restart`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reason: 'cannot_restart', params: { id: cancelled, status: 'cancelled' } });

    const paused = await pausedMailing();
    const nothing = await seller_.post(`/api/mailings/${paused}/restart`, { includeUncertain: true });
    expect(nothing.status).toBe(409);
    expect(nothing.body).toMatchObject({ reason: 'nothing_to_restart', params: { id: paused, groups: ['failed', 'uncertain'] } });
  });

  it('gives the limits a file is over in bytes', async () => {
    const res = await upload(seller_, messageId, 'big.pdf', pdf(MAX_ATTACHMENT_BYTES + 1));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'payload_too_large', field: 'file', reason: 'file_too_large', params: { limit: MAX_ATTACHMENT_BYTES, provider: PROVIDER_LIMIT_BYTES } });
  });

  // A bad CSV row says each problem as a value too: a rule's reason with its column, or a field's issue.
  it("words each bad import row's problems as values", async () => {
    const res = await seller_.post('/api/leads/import', 'first_name,last_name,email,vip\nBad,Flag,flag@x.test,perhaps\n');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ reason: 'csv_rows_invalid', params: { bad: 1, total: 1 } });
    expect(res.body.details.rows[0]).toEqual({ line: 2, errors: ['vip: "perhaps" is not yes/no'], problems: [{ field: 'vip', refusal: { reason: 'csv_not_yes_no', params: { value: 'perhaps' } } }] });
  });
});
