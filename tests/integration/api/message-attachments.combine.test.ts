import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { alwaysOpen } from '../../support/engine.js';
import { pdf, upload } from '../../support/attachments.js';

/**
 * Combining mailings needs the same message, and a message's files are part of it: mailings of
 * one message combine and keep its files, while a copy (the same text and files, or the same
 * text with other files) is another message and is refused, changing nothing.
 */

let t: TestApp;
let seller_: Client;
const companyIds: number[] = [];

beforeAll(async () => {
  t = await initTestApp();
  await alwaysOpen(t);
  const sales = await t.factories.department('Sales');
  const seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@combine.test' });
  await t.factories.account(seller, {});
  for (const n of [1, 2, 3, 4, 5, 6]) companyIds.push((await t.factories.company(seller, { email: `c${n}@combine.test` })).id);
  seller_ = await t.signIn('seller@combine.test');
});
afterAll(() => t.close());

const mailingOf = async (messageId: number, companyId: number) => {
  const res = await seller_.post('/api/mailings', { messageId, start: 'paused', selections: { company: { ids: [companyId] } } });
  expect(res.status, res.text).toBe(201);
  return res.body.mailings[0].id as number;
};
const filesOf = async (messageId: number) => (await seller_.get(`/api/messages/${messageId}/attachments`)).body.items.map((a: { filename: string }) => a.filename);
const refusedUnchanged = async (ids: number[]) => {
  const res = await seller_.post('/api/mailings/combine', { ids });
  expect(res.status).toBe(422);
  expect(res.body.error).toMatch(/same newsletter message/);
  for (const id of ids) expect((await seller_.get(`/api/mailings/${id}`)).body).toMatchObject({ status: 'paused', combinedInto: null });
};

describe('combining mailings with attachments', () => {
  it('combines mailings of one message with its files, and refuses a copy whose files are the same or differ', async () => {
    const message = (await seller_.post('/api/messages', { name: 'Offer', subject: 'Offer', html: '<p>Hello {{ name }}</p>' })).body.id as number;
    expect((await upload(seller_, message, 'offer.pdf', pdf(20_000))).status).toBe(201);
    expect((await upload(seller_, message, 'terms.pdf', pdf(30_000))).status).toBe(201);

    const combined = await seller_.post('/api/mailings/combine', { ids: [await mailingOf(message, companyIds[0]), await mailingOf(message, companyIds[1])] });
    expect(combined.status, combined.text).toBe(201);
    expect(combined.body).toMatchObject({ total: 2, messageId: message });
    expect(await filesOf(message)).toEqual(['offer.pdf', 'terms.pdf']);

    // A copy carries the same text and the same files, and is still another message.
    const copy = (await seller_.post(`/api/messages/${message}/copy`)).body.id as number;
    expect(await filesOf(copy)).toEqual(['offer.pdf', 'terms.pdf']);
    await refusedUnchanged([await mailingOf(message, companyIds[2]), await mailingOf(copy, companyIds[3])]);

    // Differing only by a file: refused all the more.
    const fewer = (await seller_.post(`/api/messages/${message}/copy`)).body.id as number;
    const [, terms] = (await seller_.get(`/api/messages/${fewer}/attachments`)).body.items;
    expect((await seller_.delete(`/api/messages/${fewer}/attachments/${terms.id}`)).status).toBe(200);
    expect(await filesOf(fewer)).toEqual(['offer.pdf']);
    await refusedUnchanged([await mailingOf(message, companyIds[4]), await mailingOf(fewer, companyIds[5])]);
  });
});
