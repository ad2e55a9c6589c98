import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevSink, type DevSink } from '../../../server/mail/dev-sink.js';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';

let dir: string;
let sink: DevSink;
let t: TestApp;
let off: TestApp;
let manager_: Client;
let seller_: Client;
let outsider_: Client;

async function send(from: string, subject: string) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true, auth: { user: 'demo', pass: 'demo' } });
  try {
    await transport.sendMail({ from, to: 'buyer@acme.test', subject, text: `Plain ${subject}`, html: `<p>${subject}</p>` });
  } finally {
    transport.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-outbox-'));
  sink = await startDevSink({ port: 0, dir });
  t = await initTestApp({ services: { sink } });
  const sales = await t.factories.department('Sales');
  const support = await t.factories.department('Support');
  await t.factories.user('company_manager', null, { email: 'cm@out.test' });
  const seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@out.test' });
  const outsider = await t.factories.user('sales_manager', support.id, { email: 'outsider@out.test' });
  await t.factories.account(seller, { fromEmail: 'ann@sales.test' });
  await t.factories.account(outsider, { fromEmail: 'bob@support.test' });
  [manager_, seller_, outsider_] = await Promise.all(['cm', 'seller', 'outsider'].map((n) => t.signIn(`${n}@out.test`)));
  await send('"Ann Sales" <Ann@Sales.test>', 'Sales news 1');
  await send('"Ann Sales" <ann@sales.test>', 'Sales news 2');
  await send('Bob <bob@support.test>', 'Support news');
});
afterAll(async () => {
  await t?.close();
  await off?.close();
  await sink?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('outbox', () => {
  it('shows company managers every message, newest first, with search and paging', async () => {
    const all = await manager_.get('/api/outbox');
    expect(all.status, all.text).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((e: { subject: string }) => e.subject)).toEqual(['Support news', 'Sales news 2', 'Sales news 1']);
    expect(all.body.items[0]).toMatchObject({ from: expect.stringContaining('bob@support.test'), to: ['buyer@acme.test'], size: expect.any(Number) });

    const page2 = await manager_.get('/api/outbox?pageSize=2&page=2');
    expect(page2.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.body.items.map((e: { subject: string }) => e.subject)).toEqual(['Sales news 1']);
    expect((await manager_.get('/api/outbox?q=support')).body.total).toBe(1);
  });

  // Mail is as private as the accounts it was sent from.
  it('shows others only the mail of their department’s accounts', async () => {
    const mine = await seller_.get('/api/outbox?pageSize=1');
    expect(mine.body.total).toBe(2);
    expect(mine.body.items.map((e: { subject: string }) => e.subject)).toEqual(['Sales news 2']);
    const theirs = await outsider_.get('/api/outbox');
    expect(theirs.body.items.map((e: { subject: string }) => e.subject)).toEqual(['Support news']);
  });

  it('reads one message with headers and bodies; another department’s is 404', async () => {
    const list = await manager_.get('/api/outbox');
    const support = list.body.items.find((e: { subject: string }) => e.subject === 'Support news');
    const sales = list.body.items.find((e: { subject: string }) => e.subject === 'Sales news 1');

    const read = await seller_.get(`/api/outbox/${sales.id}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ id: sales.id, subject: 'Sales news 1', text: 'Plain Sales news 1', html: '<p>Sales news 1</p>' });
    expect(read.body.headers).toEqual(expect.arrayContaining([{ key: 'Subject', value: 'Sales news 1' }]));

    expect((await seller_.get(`/api/outbox/${support.id}`)).status).toBe(404);
    expect((await manager_.get(`/api/outbox/${support.id}`)).status).toBe(200);
    expect((await manager_.get('/api/outbox/1700000000000-deadbeef')).status).toBe(404);
    expect((await manager_.get('/api/outbox/..%2Fsecret')).status).toBe(400);
    expect((await manager_.get('/api/outbox?pageSize=0')).status).toBe(400);
  });

  it('answers 404 with a clear message when the sink is off', async () => {
    off = await initTestApp();
    await off.factories.user('admin', null, { email: 'admin@off.test' });
    const admin_ = await off.signIn('admin@off.test');
    const res = await admin_.get('/api/outbox');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'The development mail sink is off' });
    expect((await admin_.get('/api/outbox/1700000000000-deadbeef')).status).toBe(404);
  });
});
