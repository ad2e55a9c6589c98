import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevSink, type DevSink } from '../../../server/mail/dev-sink.js';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { DepartmentSchema, MailingRecipientSchema, MailingSchema, MessageSchema, UserSchema } from '../../../server/db/entities/index.js';
import type { User } from '../../../server/db/entities/user.entity.js';

let dir: string;
let sink: DevSink;
let t: TestApp;
let off: TestApp;
let manager_: Client;
let anna_: Client;
let ben_: Client;
let cleo_: Client;
let cleoMailing: number;
let annaMailing: number;
/** What each message is, by subject; each test finds the sink's ids from them. */
const SUBJECTS = { cleoSent: 'Cleo news for customers', cleoTest: 'Cleo test', annaTest: 'Anna test', stray: 'Stray mail' };

/** Mail straight to the sink, as any SMTP client could send it: the headers are the sender's to choose. */
async function send(from: string, subject: string, over: { messageId?: string; text?: string } = {}) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true, auth: { user: 'demo', pass: 'demo' } });
  try {
    await transport.sendMail({ from, to: 'buyer@acme.test', subject, text: over.text ?? `Plain ${subject}`, html: `<p>${subject}</p>`, ...(over.messageId ? { messageId: over.messageId } : {}) });
  } finally {
    transport.close();
  }
}

/** A paused mailing of the owner's, with a message whose subject is `subject`. */
async function mailingOf(owner: User, subject: string): Promise<number> {
  const message = await t.factories.message(owner, { subject });
  const em = t.services.orm.em.fork();
  const mailing = em.create(MailingSchema, {
    name: subject, recipientType: 'company', status: 'paused', message: em.getReference(MessageSchema, message.id),
    owner: em.getReference(UserSchema, owner.id), department: em.getReference(DepartmentSchema, owner.department!.id),
  });
  await em.flush();
  return mailing.id;
}

const idOf = async (subject: string) => ((await manager_.get('/api/outbox')).body.items as { id: string; subject: string }[]).find((e) => e.subject === subject)!.id;
const subjects = (res: { body: { items: { subject: string }[] } }) => res.body.items.map((e) => e.subject).sort();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-outbox-'));
  sink = await startDevSink({ port: 0, dir });
  t = await initTestApp({ services: { sink } });
  const north = await t.factories.department('North');
  const south = await t.factories.department('South');
  await t.factories.user('company_manager', null, { email: 'cm@out.test' });
  const anna = await t.factories.user('sales_manager', north.id, { email: 'anna@out.test' });
  await t.factories.user('sales_manager', north.id, { email: 'ben@out.test' });
  const cleo = await t.factories.user('sales_manager', south.id, { email: 'cleo@out.test' });
  await t.factories.account(cleo, { fromEmail: 'cleo@south.test', smtpPort: sink.port });
  const annaAccount = await t.factories.account(anna, { fromEmail: 'anna@north.test', smtpPort: sink.port });
  [manager_, anna_, ben_, cleo_] = await Promise.all(['cm', 'anna', 'ben', 'cleo'].map((n) => t.signIn(`${n}@out.test`)));
  // Anna gives her own account Cleo's address as its From.
  expect((await anna_.patch(`/api/accounts/${annaAccount.id}`, { fromEmail: 'cleo@south.test' })).status).toBe(200);
  cleoMailing = await mailingOf(cleo, SUBJECTS.cleoSent);
  annaMailing = await mailingOf(anna, SUBJECTS.annaTest);

  // What the engine does for one of Cleo's recipients: the Message-ID goes into the ledger, then the message out.
  const em = t.services.orm.em.fork();
  em.create(MailingRecipientSchema, { mailing: em.getReference(MailingSchema, cleoMailing), recipientId: 1, email: 'buyer@acme.test', state: 'sent', messageId: '<cleo-1@south.test>' });
  await em.flush();
  await send('"Cleo" <cleo@south.test>', SUBJECTS.cleoSent, { messageId: '<cleo-1@south.test>', text: 'Unsubscribe: http://localhost/u/1.secretTokenOfCleosBuyer00' });
  // Test sends through each owner's own account; Anna's carries Cleo's From.
  await em.nativeUpdate(MessageSchema, { owner: cleo.id }, { subject: SUBJECTS.cleoTest });
  expect((await cleo_.post(`/api/mailings/${cleoMailing}/test`, { email: 'cleo.inbox@south.test' })).body.ok).toBe(true);
  expect((await anna_.post(`/api/mailings/${annaMailing}/test`, { email: 'anna.inbox@north.test' })).body.ok).toBe(true);
  // Mail Mailroom did not send, claiming to be Cleo.
  await send('cleo@south.test', SUBJECTS.stray);
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
    expect(all.body.total).toBe(4);
    expect(all.body.items.map((e: { subject: string }) => e.subject)).toEqual([SUBJECTS.stray, SUBJECTS.annaTest, SUBJECTS.cleoTest, SUBJECTS.cleoSent]);
    expect(all.body.items[3]).toMatchObject({ from: expect.stringContaining('cleo@south.test'), messageId: '<cleo-1@south.test>', to: ['buyer@acme.test'], size: expect.any(Number) });

    const page2 = await manager_.get('/api/outbox?pageSize=3&page=2');
    expect(page2.body).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(page2.body.items.map((e: { subject: string }) => e.subject)).toEqual([SUBJECTS.cleoSent]);
    expect((await manager_.get('/api/outbox?q=stray')).body.total).toBe(1);
  });

  // Mail is as private as the mailing that sent it, found from the Message-ID Mailroom stored
  // before sending: a From header an owner chose (here Anna's account using Cleo's address)
  // opens nobody's mail, neither Cleo's (with her recipients' unsubscribe links) to Anna, nor
  // Anna's to Cleo. Mail Mailroom cannot trace is for admins and company managers only.
  it('shows each department only the mail of its own mailings, whatever the From says', async () => {
    expect(subjects(await anna_.get('/api/outbox'))).toEqual([SUBJECTS.annaTest]);
    expect(subjects(await ben_.get('/api/outbox'))).toEqual([SUBJECTS.annaTest]);
    expect(subjects(await cleo_.get('/api/outbox'))).toEqual([SUBJECTS.cleoSent, SUBJECTS.cleoTest].sort());
    expect((await anna_.get('/api/outbox?q=cleo')).body).toMatchObject({ total: 1, items: [{ subject: SUBJECTS.annaTest }] });

    for (const subject of [SUBJECTS.cleoSent, SUBJECTS.cleoTest, SUBJECTS.stray]) expect((await anna_.get(`/api/outbox/${await idOf(subject)}`)).status).toBe(404);
    for (const subject of [SUBJECTS.annaTest, SUBJECTS.stray]) expect((await cleo_.get(`/api/outbox/${await idOf(subject)}`)).status).toBe(404);
    for (const subject of Object.values(SUBJECTS)) expect((await manager_.get(`/api/outbox/${await idOf(subject)}`)).status).toBe(200);
    expect((await ben_.get(`/api/outbox/${await idOf(SUBJECTS.annaTest)}`)).status).toBe(200);
  });

  it('reads one message with headers and bodies; unknown ids are 404, malformed ones 400', async () => {
    const read = await cleo_.get(`/api/outbox/${await idOf(SUBJECTS.cleoSent)}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ subject: SUBJECTS.cleoSent, text: 'Unsubscribe: http://localhost/u/1.secretTokenOfCleosBuyer00', html: `<p>${SUBJECTS.cleoSent}</p>` });
    expect(read.body.headers).toEqual(expect.arrayContaining([{ key: 'Subject', value: SUBJECTS.cleoSent }]));

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
    expect(res.body).toEqual({ code: 'not_found', error: 'The development mail sink is off', reason: 'sink_off', params: {} });
    expect((await admin_.get('/api/outbox/1700000000000-deadbeef')).status).toBe(404);
  });
});
