import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import { filesOnDisk, pdf, PNG, sha, upload } from '../../support/attachments.js';
import { MessageAttachmentSchema } from '../../../server/db/entities/index.js';
import { MAX_ATTACHMENT_BYTES } from '../../../server/domain/attachments.js';
import type { User } from '../../../server/db/entities/user.entity.js';

let t: TestApp;
let sink: SmtpSink;
let seller: User;
let seller_: Client;
let colleague_: Client;
let outsider_: Client;
const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));

// An ELF executable's header: what a trojan named "offer.pdf" starts with.
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200)]);

beforeAll(async () => {
  [t, sink] = await Promise.all([initTestApp(), startSmtpSink()]);
  await alwaysOpen(t);
  const sales = await t.factories.department('Sales');
  const support = await t.factories.department('Support');
  seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@att.test' });
  const colleague = await t.factories.user('sales_manager', sales.id, { email: 'colleague@att.test' });
  await t.factories.user('sales_manager', support.id, { email: 'outsider@att.test' });
  await t.factories.signature(colleague, { name: 'Default', body: '<p>Colleague regards</p>', isDefault: true });
  [seller_, colleague_, outsider_] = await Promise.all(['seller', 'colleague', 'outsider'].map((n) => t.signIn(`${n}@att.test`)));
});
afterAll(async () => {
  await sink.stop();
  await t.close();
});

const newMessage = async (html = '<p>Hello {{ name }}</p><img src="cid:logo.png" alt="Logo"><a href="{{ unsubscribe_url }}">unsubscribe</a>') => {
  const res = await seller_.post('/api/messages', { name: 'With files', subject: 'Files for {{ name }}', html });
  expect(res.status, res.text).toBe(201);
  return res.body.id as number;
};
const onDisk = () => filesOnDisk(t);
const rows = () => t.services.orm.em.fork().count(MessageAttachmentSchema, {});

describe('message attachments', () => {
  // The parts a message carries reach every recipient once each, inline images by cid, streamed from the stored bytes.
  it('uploads an attachment and an inline image, keeps cid: through the sanitiser, and sends both into the sink', async () => {
    const id = await newMessage();
    expect((await seller_.get(`/api/messages/${id}`)).body.html).toContain('<img src="cid:logo.png" alt="Logo" />');
    const doc = pdf(300_000);
    const att = await upload(seller_, id, 'Price list 2027.pdf', doc, { type: 'application/pdf' });
    expect(att.status, att.text).toBe(201);
    expect(att.body).toMatchObject({ filename: 'Price list 2027.pdf', contentType: 'application/pdf', size: doc.length, contentId: null });
    const logo = await upload(seller_, id, 'logo.png', PNG, { inline: true });
    expect(logo.status, logo.text).toBe(201);
    expect(logo.body).toMatchObject({ contentType: 'image/png', contentId: 'logo.png', size: PNG.length });

    const list = await seller_.get(`/api/messages/${id}/attachments`);
    expect(list.body.items.map((a: { filename: string }) => a.filename)).toEqual(['Price list 2027.pdf', 'logo.png']);
    expect(list.body.totalSize).toBe(doc.length + PNG.length);
    // Base64 makes it a third larger: the pre-flight figure counts that.
    expect(list.body.encodedSize).toBeGreaterThan((doc.length * 4) / 3);
    expect(list.body.warnings).toEqual([]);
    // Previews show the inline image in place (the preview frame is sandboxed: no cookies, so a data: URL).
    const dataUrl = `src="data:image/png;base64,${PNG.toString('base64')}"`;
    expect((await seller_.get(`/api/messages/${id}/preview`)).body.html).toContain(dataUrl);
    const draft = { subject: 'Draft', html: '<p>New</p><img src="cid:logo.png">', recipientType: 'company', messageId: id };
    expect((await seller_.post('/api/messages/preview', draft)).body.html).toContain(dataUrl);
    expect((await outsider_.post('/api/messages/preview', draft)).status).toBe(404);
    const bytes = await t.anonymous.get(`/api/messages/${id}/attachments/${logo.body.id}/content`);
    expect(bytes.status).toBe(401);

    // Three recipients through the engine, and one test send through the API.
    const account = await t.factories.account(seller, { smtpPort: sink.port, smtpUser: 'files@s.test', fromEmail: 'files@s.test', dailyLimit: 10_000 });
    const ids = [];
    for (const n of [1, 2, 3]) ids.push((await t.factories.company(seller, { email: `c${n}@files.test` })).id);
    const made = await seller_.post('/api/mailings', { messageId: id, selections: { company: { ids } }, start: 'active' });
    expect(made.status, made.text).toBe(201);
    const mailingId = made.body.mailings[0].id as number;
    const test = await seller_.post(`/api/mailings/${mailingId}/test`, { email: 'me@files-test.test' });
    expect(test.status, test.text).toBe(200);
    const engine = testEngine(t, clock);
    await engine.run(account.id);
    await engine.close();

    const received = sink.accepted().filter((m) => /@files(-test)?\.test$/.test(m.to[0]));
    expect(received.map((m) => m.to[0]).sort()).toEqual(['c1@files.test', 'c2@files.test', 'c3@files.test', 'me@files-test.test']);
    for (const mail of received) {
      expect(mail.attachments).toHaveLength(2);
      const [file, image] = [mail.attachments.find((a) => a.contentType === 'application/pdf')!, mail.attachments.find((a) => a.contentType === 'image/png')!];
      expect(file).toMatchObject({ filename: 'Price list 2027.pdf', size: doc.length, sha256: sha(doc), disposition: 'attachment', related: false });
      expect(image).toMatchObject({ filename: 'logo.png', size: PNG.length, sha256: sha(PNG), contentId: '<logo.png>', disposition: 'inline', related: true });
      expect(mail.html).toContain('src="cid:logo.png"');
    }
  });

  // Every bad upload is refused before anything is kept: no row, no file, no leftover upload.
  it('refuses bad uploads with a 4xx that says why, and leaves nothing behind', async () => {
    const id = await newMessage();
    const before = { disk: onDisk(), rows: await rows() };
    const tooLarge = await upload(seller_, id, 'big.pdf', pdf(MAX_ATTACHMENT_BYTES + 1));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatch(/at most 10 MB.*25 MB once encoded/);
    expect((await upload(seller_, id, 'empty.pdf', Buffer.alloc(0))).status).toBe(400);
    for (const name of ['../../etc/passwd.pdf', '..\\boot.pdf', 'C:\\Users\\x\\offer.pdf', '...', 'a\u0000.pdf']) {
      const res = await upload(seller_, id, name, pdf());
      expect(res.status, name).toBe(400);
      expect(res.body.field, name).toBe('filename');
    }
    const trojan = await upload(seller_, id, 'offer.pdf', ELF);
    expect(trojan.status).toBe(400);
    expect(trojan.body.error).toMatch(/may not be attached/);
    const renamed = await upload(seller_, id, 'photo.pdf', PNG);
    expect(renamed.status).toBe(400);
    expect(renamed.body.error).toMatch(/image\/png.*extension "\.pdf"/);
    const misstated = await upload(seller_, id, 'doc.pdf', pdf(), { type: 'image/png' });
    expect(misstated.status).toBe(400);
    expect(misstated.body.error).toMatch(/application\/pdf, not image\/png/);
    const notAnImage = await upload(seller_, id, 'doc.pdf', pdf(), { inline: true });
    expect(notAnImage.status).toBe(400);
    expect({ disk: onDisk(), rows: await rows() }).toEqual(before);
  });

  // Providers refuse about 25 MB once encoded, so the message's files together stop well before.
  it('refuses a file that takes the message over its total, saying why', async () => {
    const id = await newMessage('<p>Big</p>');
    expect((await upload(seller_, id, 'one.pdf', pdf(9 * 1024 * 1024))).status).toBe(201);
    const before = onDisk();
    const second = await upload(seller_, id, 'two.pdf', pdf(8 * 1024 * 1024));
    expect(second.status).toBe(413);
    expect(second.body.error).toMatch(/total 17 MB, over the 16 MB a message may carry: providers refuse messages over about 25 MB once encoded/);
    expect(onDisk()).toEqual(before);
    // Pre-flight's figure: 9 MB (about 12 MB encoded) is below where it warns; 15 MB is not.
    expect((await seller_.get(`/api/messages/${id}/attachments`)).body.warnings).toEqual([]);
    expect((await upload(seller_, id, 'three.pdf', pdf(6 * 1024 * 1024))).status).toBe(201);
    const warned = (await seller_.get(`/api/messages/${id}/attachments`)).body;
    // A code with its sizes, which the UI words in the reader's language.
    expect(warned.warnings).toEqual([{ code: 'heavy', size: warned.encodedSize, limit: 25 * 1024 * 1024 }]);
 
    // Pre-flight says the same before anything is sent.
    const preflight = await seller_.post('/api/mailings/preflight', { messageId: id, selections: { company: { filter: {} } } });
    expect(preflight.status, preflight.text).toBe(200);
    expect(preflight.body.reports[0].messageSize).toBe(warned.encodedSize);
    expect(preflight.body.reports[0].warningCodes).toContainEqual(warned.warnings[0]);
    expect(preflight.body.reports[0].warnings).toContainEqual(expect.stringMatching(/about 2\d(\.\d)? MB once encoded; providers refuse/));
  });

  // An <img src="cid:…"> without its inline image would show broken to every recipient.
  it('warns in the file list and in pre-flight when the HTML shows an inline image the message lacks', async () => {
    const id = await newMessage();
    expect((await seller_.get(`/api/messages/${id}/attachments`)).body.warnings).toEqual([{ code: 'missing_inline', cids: ['logo.png'] }]);
    const preflight = await seller_.post('/api/mailings/preflight', { messageId: id, selections: { company: { filter: {} } } });
    expect(preflight.body.reports[0].warningCodes).toContainEqual({ code: 'missing_inline', cids: ['logo.png'] });
    expect(preflight.body.reports[0].warnings).toContainEqual(expect.stringMatching(/shows cid:logo\.png, but has no inline image/));
    expect((await upload(seller_, id, 'logo.png', PNG, { inline: true })).status).toBe(201);
    expect((await seller_.get(`/api/messages/${id}/attachments`)).body.warnings).toEqual([]);
  });

  // Department walls: files are reached only through a message the user may see or change.
  it('lets only those who may see the message read its files, and only those who may change it add or remove them', async () => {
    const id = await newMessage();
    const att = await upload(seller_, id, 'logo.png', PNG, { inline: true });
    expect(att.status).toBe(201);
    expect((await outsider_.get(`/api/messages/${id}/attachments`)).status).toBe(404);
    expect((await outsider_.get(`/api/messages/${id}/attachments/${att.body.id}/content`)).status).toBe(404);
    expect((await upload(outsider_, id, 'x.png', PNG)).status).toBe(404);
    expect((await colleague_.get(`/api/messages/${id}/attachments`)).status).toBe(200);
    expect((await upload(colleague_, id, 'x.png', PNG)).status).toBe(403);
    expect((await colleague_.delete(`/api/messages/${id}/attachments/${att.body.id}`)).status).toBe(403);
    // An attachment id is only found through its own message.
    const other = await newMessage();
    expect((await seller_.get(`/api/messages/${other}/attachments/${att.body.id}/content`)).status).toBe(404);
    const content = await seller_.get(`/api/messages/${id}/attachments/${att.body.id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/png');
  });

  // A copy belongs to whoever copies it, signs with their default signature and shares the files' bytes.
  it('copies a message with its files to the copier, and removes bytes only when no message carries them', async () => {
    const id = await newMessage();
    const doc = pdf(5000);
    const att = await upload(seller_, id, 'terms.pdf', doc);
    expect(att.status).toBe(201);
    const copy = await colleague_.post(`/api/messages/${id}/copy`);
    expect(copy.status, copy.text).toBe(201);
    expect(copy.body).toMatchObject({ name: 'With files (copy)', ownerName: expect.any(String) });
    expect(copy.body.ownerId).not.toBe(seller.id);
    const sig = (await colleague_.get('/api/signatures')).body.items.find((s: { isDefault: boolean }) => s.isDefault);
    expect(copy.body.signatureId).toBe(sig.id);
    const copied = (await colleague_.get(`/api/messages/${copy.body.id}/attachments`)).body.items;
    expect(copied).toMatchObject([{ filename: 'terms.pdf', contentType: 'application/pdf', size: doc.length }]);
    expect((await outsider_.post(`/api/messages/${id}/copy`)).status).toBe(404);

    expect(onDisk().stored).toContain(sha(doc));
    expect((await seller_.delete(`/api/messages/${id}`)).status).toBe(200);
    // The copy still carries the bytes.
    expect(onDisk().stored).toContain(sha(doc));
    expect((await colleague_.get(`/api/messages/${copy.body.id}/attachments/${copied[0].id}/content`)).text).toBe(doc.toString());
    expect((await colleague_.delete(`/api/messages/${copy.body.id}/attachments/${copied[0].id}`)).status).toBe(200);
    expect(onDisk().stored).not.toContain(sha(doc));
  });
});
