import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { filesOnDisk, pdf, sha, upload } from '../../support/attachments.js';
import { MessageAttachmentSchema } from '../../../server/db/entities/index.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_TOTAL_BYTES } from '../../../server/domain/attachments.js';

/**
 * Uploads that race each other or the message they go to: the per-message total holds however
 * the requests interleave, a message deleted mid-upload keeps nothing of it, and the same file
 * is attached to a message once.
 */

let t: TestApp;
let seller_: Client;

const newMessage = async () => {
  const res = await seller_.post('/api/messages', { name: 'Race', subject: 'Files', html: '<p>Hello</p>' });
  expect(res.status, res.text).toBe(201);
  return res.body.id as number;
};
const rowsOf = (messageId: number) => t.services.orm.em.fork().find(MessageAttachmentSchema, { message: messageId });
const until = async (done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
};

// MariaDB takes the lock; SQLite runs one transaction at a time.
describe.each(['mysql', 'sqlite'] as const)('racing uploads on %s', (db) => {
  beforeAll(async () => {
    t = await initTestApp({ db });
    const sales = await t.factories.department('Sales');
    await t.factories.user('sales_manager', sales.id, { email: 'seller@race.test' });
    seller_ = await t.signIn('seller@race.test');
  });
  afterAll(() => t.close());

  // Each fits alone, together they pass the total: one is kept, the other refused, never both.
  it('accepts only one of two concurrent uploads that together pass the per-message total', async () => {
    const id = await newMessage();
    const each = Math.floor(MAX_ATTACHMENTS_TOTAL_BYTES * 0.6);
    expect(each).toBeLessThan(MAX_ATTACHMENT_BYTES);
    const [a, b] = [pdf(each), Buffer.concat([pdf(each - 1), Buffer.from('\n')])];
    const results = await Promise.all([upload(seller_, id, 'a.pdf', a), upload(seller_, id, 'b.pdf', b)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 413]);
    const kept = await rowsOf(id);
    expect(kept).toHaveLength(1);
    expect(kept.reduce((sum, r) => sum + r.size, 0)).toBeLessThanOrEqual(MAX_ATTACHMENTS_TOTAL_BYTES);
    // The refused upload's bytes are gone; the kept one's are stored.
    const { stored, pending } = filesOnDisk(t);
    expect(pending).toEqual([]);
    expect(stored).toContain(kept[0].sha256);
    expect(stored).not.toContain(sha(kept[0].filename === 'a.pdf' ? b : a));
  });

  // A message deleted while its upload streams in: no row points at it and no file is left.
  it('leaves no row and no file when the message is deleted while an upload is in flight', async () => {
    const id = await newMessage();
    const doc = pdf(400_000);
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) });
    push.enqueue(doc.subarray(0, 200_000));
    const pending = upload(seller_, id, 'late.pdf', body);
    // The upload is being received when its file appears under tmp/.
    await until(() => filesOnDisk(t).pending.length > 0);
    expect((await seller_.delete(`/api/messages/${id}`)).status).toBe(200);
    push.enqueue(doc.subarray(200_000));
    push.close();
    const res = await pending;
    expect(res.status, res.text).toBe(404);
    expect(await rowsOf(id)).toEqual([]);
    expect(filesOnDisk(t)).toEqual({ stored: expect.not.arrayContaining([sha(doc)]), pending: [] });
  });

  // The same bytes twice in one message would go out twice in every send: the second is refused.
  it('attaches the same file to a message once, whether uploaded again later or at the same time', async () => {
    const id = await newMessage();
    const doc = pdf(50_000);
    expect((await upload(seller_, id, 'terms.pdf', doc)).status).toBe(201);
    const again = await upload(seller_, id, 'terms (1).pdf', doc);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/already attached as "terms\.pdf"/);

    const other = await newMessage();
    const twice = await Promise.all([upload(seller_, other, 'x.pdf', doc), upload(seller_, other, 'y.pdf', doc)]);
    expect(twice.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await rowsOf(other)).map((r) => r.sha256)).toEqual([sha(doc)]);
    expect(filesOnDisk(t).pending).toEqual([]);
    // The bytes stay while one message carries them and go with the last.
    expect((await seller_.delete(`/api/messages/${id}`)).status).toBe(200);
    expect(filesOnDisk(t).stored).toContain(sha(doc));
    expect((await seller_.delete(`/api/messages/${other}`)).status).toBe(200);
    expect(filesOnDisk(t).stored).not.toContain(sha(doc));
  });
});
