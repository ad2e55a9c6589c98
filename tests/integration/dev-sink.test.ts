import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevSink, type DevSink, type OutboxEntry } from '../../server/mail/dev-sink.js';

describe('development mail sink', () => {
  let root: string;
  let dir: string;
  let sink: DevSink;
  const received: OutboxEntry[] = [];

  async function send(message: SendMailOptions) {
    // Demo accounts authenticate like real ones, over plain SMTP.
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'demo@mailroom.test', pass: 'anything' },
    });
    try {
      return await transport.sendMail(message);
    } finally {
      transport.close();
    }
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mailroom-sink-'));
    dir = join(root, 'outbox'); // the sink creates the folder
    sink = await startDevSink({ port: 0, dir });
    sink.onMessage((e) => received.push(e));
    await send({
      from: '"Ann Sales" <ann@crm.test>',
      to: 'buyer@acme.test',
      subject: 'Spring newsletter',
      text: 'Hello from the plain part',
      html: '<p>Hello from the <b>HTML</b> part</p>',
      headers: { 'List-Unsubscribe': '<https://crm.test/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    await send({ from: 'bob@crm.test', to: ['lead@globex.test', 'Cc Person <cc@globex.test>'], subject: 'Product update', text: 'Plain only' });
  });

  afterAll(async () => {
    await sink.stop();
    await rm(root, { recursive: true, force: true });
  });

  // Guards: port 0 reports the real port, and every accepted message becomes one .eml file.
  it('listens on a real port and stores each message as a file', async () => {
    expect(sink.port).toBeGreaterThan(0);
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^\d{13}-[0-9a-f]{8}\.eml$/);
  });

  // Guards: the outbox lists newest first with the envelope-free summary the UI shows.
  it('lists messages newest first', async () => {
    const { items, total } = await sink.list();
    expect(total).toBe(2);
    expect(items.map((e) => e.subject)).toEqual(['Product update', 'Spring newsletter']);
    expect(items[1]).toMatchObject({ from: '"Ann Sales" <ann@crm.test>', to: ['buyer@acme.test'] });
    expect(items[0].to).toEqual(['lead@globex.test', 'cc@globex.test']);
    expect(Number.isNaN(Date.parse(items[0].date))).toBe(false);
    expect(items[0].size).toBeGreaterThan(0);
    expect((await sink.list({ limit: 1, offset: 1 })).items.map((e) => e.subject)).toEqual(['Spring newsletter']);
  });

  // Guards: listeners (the live outbox page) hear about each message once it is stored.
  it('announces each stored message', () => {
    expect(received.map((e) => e.subject)).toEqual(['Spring newsletter', 'Product update']);
  });

  // Guards: q searches subject, from and to, ignoring case.
  it('filters by subject, from or to', async () => {
    expect((await sink.list({ q: 'NEWSLETTER' })).items.map((e) => e.subject)).toEqual(['Spring newsletter']);
    expect((await sink.list({ q: 'bob@' })).total).toBe(1);
    expect((await sink.list({ q: 'globex' })).items.map((e) => e.subject)).toEqual(['Product update']);
    expect((await sink.list({ q: 'nobody' })).total).toBe(0);
  });

  // Guards: reading returns the headers the engine must set (List-Unsubscribe) and both bodies.
  it('reads one message with headers, html and text', async () => {
    const [, newsletter] = (await sink.list()).items;
    const message = await sink.read(newsletter.id);
    expect(message).toMatchObject({ id: newsletter.id, subject: 'Spring newsletter', text: 'Hello from the plain part' });
    expect(message!.html).toContain('<b>HTML</b>');
    expect(message!.headers).toContainEqual({ key: 'List-Unsubscribe', value: '<https://crm.test/u/abc>' });
    expect(message!.headers).toContainEqual({ key: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });

    const plain = await sink.read((await sink.list()).items[0].id);
    expect(plain!.html).toBeNull();
    expect(plain!.text?.trim()).toBe('Plain only'); // a single-part body keeps its final line break
  });

  // Guards: ids come from URLs, so anything but a plain sink file name is refused.
  it('rejects ids that are not plain file names', async () => {
    const [first] = (await sink.list()).items;
    for (const id of ['../outbox/' + first.id, `${first.id}/../${first.id}`, '..', '', `${first.id}.eml`, '1234567890123-zzzzzzzz']) {
      expect(await sink.read(id)).toBeNull();
    }
  });

  // Guards: the outbox survives a restart: the index is rebuilt from the folder.
  it('finds the stored messages after a restart on the same folder', async () => {
    const before = await sink.list();
    await sink.stop();
    sink = await startDevSink({ port: 0, dir });
    expect(await sink.list()).toEqual(before);
    expect((await sink.read(before.items[1].id))?.text).toBe('Hello from the plain part');
  });
});
