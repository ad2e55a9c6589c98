import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SinkEvent, type SmtpSink } from '../support/smtp-sink/index.js';

/** One non-pooled connection per message, as a plain SMTP submission client. */
async function send(sink: SmtpSink, message: Partial<SendMailOptions>, user = 'ann@crm.test') {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    auth: { user, pass: 'any password' },
  });
  try {
    return await transport.sendMail({ from: 'ann@crm.test', subject: 'Spring newsletter', text: 'Hello', ...message });
  } finally {
    transport.close();
  }
}

const about = (address: string) => (e: SinkEvent) =>
  ('to' in e && e.to.includes(address)) || ('address' in e && e.address === address);

describe('smtp sink in its own process', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink({
      rules: {
        rejectRcpt: { 'gone@acme.test': 550, 'Later@acme.test': 421 },
        failAuth: ['locked@crm.test'],
        dropDuringData: ['drop@acme.test'],
        rejectMailFrom: ['banned@crm.test'],
      },
    });
  });

  afterAll(async () => {
    await sink?.stop();
  });

  // Guards: an accepted message is logged with the envelope, the login and the headers tests assert on.
  it('logs an accepted message with its headers', async () => {
    const info = await send(sink, {
      to: 'buyer@acme.test',
      headers: { 'List-Unsubscribe': '<https://crm.test/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    expect(info.response).toMatch(/^250 /);
    const mails = sink.accepted().filter(about('buyer@acme.test'));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      from: 'ann@crm.test',
      to: ['buyer@acme.test'],
      messageId: info.messageId,
      subject: 'Spring newsletter',
      listUnsubscribe: '<https://crm.test/u/abc>',
      listUnsubscribePost: 'List-Unsubscribe=One-Click',
      user: 'ann@crm.test',
    });
    expect(mails[0].size).toBeGreaterThan(0);
    expect(sink.events()).toContainEqual(expect.objectContaining({ type: 'auth', user: 'ann@crm.test', ok: true }));
  });

  // Guards: a permanent recipient refusal reaches the client as 550 and nothing is accepted for it.
  it('answers 550 for a refused recipient', async () => {
    await expect(send(sink, { to: 'gone@acme.test' })).rejects.toMatchObject({
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 5.1.1 <gone@acme.test> mailbox unavailable',
    });
    expect(sink.events().filter(about('gone@acme.test'))).toEqual([
      expect.objectContaining({ type: 'rejected', stage: 'rcpt', code: 550 }),
    ]);
  });

  // Guards: 421 is a temporary refusal that also closes the connection; rules match case-insensitively.
  it('answers 421 for a recipient told to try later', async () => {
    await expect(send(sink, { to: 'later@ACME.test' })).rejects.toMatchObject({ responseCode: 421 });
    expect(sink.events().filter(about('later@acme.test'))).toEqual([expect.objectContaining({ type: 'rejected', code: 421 })]);
  });

  // Guards: with mixed recipients only the accepted ones are in the message's log line.
  it('accepts the other recipients of a message with a refused one', async () => {
    const info = await send(sink, { to: ['mixed@acme.test', 'gone@acme.test'] });
    expect(info.rejected).toEqual(['gone@acme.test']);
    expect(sink.accepted().filter(about('mixed@acme.test'))).toEqual([expect.objectContaining({ to: ['mixed@acme.test'] })]);
  });

  // Guards: a user on the failAuth list cannot log in, and the attempt is logged.
  it('fails AUTH for a listed user', async () => {
    await expect(send(sink, { to: 'nobody@acme.test' }, 'locked@crm.test')).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(sink.events()).toContainEqual(expect.objectContaining({ type: 'auth', user: 'locked@crm.test', ok: false }));
    expect(sink.accepted().filter(about('nobody@acme.test'))).toEqual([]);
  });

  // Guards: a refused sender is answered at MAIL FROM with 553.
  it('refuses a listed sender', async () => {
    await expect(send(sink, { from: 'banned@crm.test', to: 'buyer2@acme.test' })).rejects.toMatchObject({
      command: 'MAIL FROM',
      responseCode: 553,
    });
    expect(sink.events()).toContainEqual(expect.objectContaining({ type: 'rejected', stage: 'mail', address: 'banned@crm.test', code: 553 }));
  });

  // Guards: a hang-up mid-DATA is a network error with no SMTP reply, logged as an attempt and never
  // as an acceptance; the sink keeps serving afterwards.
  it('drops the connection during DATA', async () => {
    const err = await send(sink, { to: 'drop@acme.test', text: 'x'.repeat(100_000) }).then(
      () => null,
      (e: { code?: string; responseCode?: number }) => e,
    );
    expect(err).not.toBeNull();
    expect(['ESOCKET', 'ECONNECTION']).toContain(err!.code);
    expect(err!.responseCode).toBeUndefined();
    expect(sink.events().filter(about('drop@acme.test'))).toEqual([expect.objectContaining({ type: 'dropped', to: ['drop@acme.test'] })]);
    await send(sink, { to: 'after-drop@acme.test' });
    expect(sink.accepted().filter(about('after-drop@acme.test'))).toHaveLength(1);
  });

  // Guards: rules change at runtime, take effect for the next command, and can be lifted again.
  it('changes behaviour when told to', async () => {
    await send(sink, { to: 'flaky@acme.test' });
    await sink.setRules({ rejectRcpt: { 'flaky@acme.test': 450 } });
    await expect(send(sink, { to: 'flaky@acme.test' })).rejects.toMatchObject({ responseCode: 450 });
    await sink.setRules({ rejectRcpt: {} });
    await send(sink, { to: 'flaky@acme.test' });
    expect(sink.acceptedCountsByRecipient().get('flaky@acme.test')).toBe(2);
    // A map replaces the whole map: the refusal set at start is gone too.
    await expect(send(sink, { to: 'gone@acme.test' })).resolves.toMatchObject({ accepted: ['gone@acme.test'] });
  });

  // Guards: delayMs holds the DATA reply, so a test can act while a send is in flight.
  it('delays the DATA reply', async () => {
    await sink.setRules({ delayMs: 400 });
    try {
      const logins = () => sink.events().filter((e) => e.type === 'auth').length;
      const before = logins();
      const sending = send(sink, { to: 'slow@acme.test' });
      // Logged in, so DATA follows within milliseconds; its reply is 400 ms away.
      await sink.waitFor(() => logins() > before);
      expect(sink.accepted().filter(about('slow@acme.test'))).toEqual([]);
      await sending;
      expect(sink.accepted().filter(about('slow@acme.test'))).toHaveLength(1);
    } finally {
      await sink.setRules({ delayMs: 0 });
    }
  });

  // Guards: waitFor reports what it saw when the condition never holds.
  it('waitFor times out with the events seen', async () => {
    await expect(sink.waitFor(() => false, 100)).rejects.toThrow(/condition not met in 100 ms/);
  });
});

describe('smtp sink log', () => {
  // Guards: every line written before a SIGKILL is complete and readable, so a test can count
  // deliveries after the sink (or the engine) died.
  it('survives a SIGKILL of the sink', async () => {
    const sink = await startSmtpSink();
    try {
      for (const to of ['k1@acme.test', 'k2@acme.test', 'k3@acme.test']) await send(sink, { to });
      const exited = new Promise((ok) => sink.child.once('exit', ok));
      sink.child.kill('SIGKILL');
      await exited;
      expect(sink.events().map((e) => e.type)).toEqual(['auth', 'accepted', 'auth', 'accepted', 'auth', 'accepted']);
      expect([...sink.acceptedCountsByRecipient()]).toEqual([
        ['k1@acme.test', 1],
        ['k2@acme.test', 1],
        ['k3@acme.test', 1],
      ]);
      await expect(sink.setRules({ delayMs: 1 })).rejects.toThrow(/not running/);
    } finally {
      await sink.stop();
    }
  });
});
