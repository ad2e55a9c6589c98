import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TransportPool } from '../../server/mail/transport.js';
import type { SmtpAccount } from '../../server/engine/ports.js';

const password = (value: string) => ({ kind: 'password' as const, password: value });
const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

describe('TransportPool against a real SMTP server', () => {
  let server: SMTPServer;
  let port: number;
  let connections = 0;
  /** DATA transactions the server saw, per recipient. */
  const attempts = new Map<string, number>();
  const sockets = new Map<number, Socket>();
  const pool = new TransportPool({ timeoutMs: 5000 });

  const account = (over: Partial<SmtpAccount> = {}): SmtpAccount => ({
    id: 1, smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', smtpUser: 'ann', smtpPasswordEnc: 'sealed-1', ...over,
  });
  const message = (to: string) => ({ from: 'ann@crm.test', to, subject: 'News', text: 'Hello', messageId: `<${to.split('@')[0]}-${Date.now()}@crm.test>` });

  beforeAll(async () => {
    server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      closeTimeout: 500,
      logger: false,
      onConnect: (_session, callback) => {
        connections++;
        callback();
      },
      onAuth: (auth, _session, callback) =>
        auth.username === 'ann' && auth.password === 'right' ? callback(null, { user: 'ann' }) : callback(smtpError(535, 'Authentication credentials invalid')),
      onRcptTo: (address, _session, callback) => {
        if (address.address === 'nobody@acme.test') return callback(smtpError(550, 'No such user here'));
        if (address.address === 'later@acme.test') return callback(smtpError(421, 'Too busy, try again later'));
        callback();
      },
      onData: (stream, session, callback) => {
        const to = session.envelope.rcptTo[0].address;
        attempts.set(to, (attempts.get(to) ?? 0) + 1);
        stream.on('data', () => {});
        stream.on('end', () => {
          // The whole message arrived and the client waits for the reply: the moment where
          // nobody knows whether the message was accepted.
          if (to === 'drop@acme.test') return sockets.get(session.remotePort)?.destroy();
          callback(null, `Queued as Q${attempts.get(to)}`);
        });
      },
    });
    server.server.on('connection', (socket: Socket) => sockets.set(socket.remotePort!, socket));
    server.on('error', () => {}); // dropped sockets are expected here
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterEach(() => pool.closeAll());
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // An accepted message reports the server's own reply and the Message-ID that went out.
  it('reports an accepted message as sent, reusing one connection', async () => {
    connections = 0;
    const first = await pool.send(account(), password('right'), message('jane@acme.test'));
    expect(first).toMatchObject({ kind: 'sent', messageId: expect.stringMatching(/^<jane-\d+@crm\.test>$/) });
    expect(first.kind === 'sent' && first.reply).toMatch(/^250 .*Queued as Q1/);
    expect(await pool.send(account(), password('right'), message('jane@acme.test'))).toMatchObject({ kind: 'sent', reply: expect.stringContaining('Queued as Q2') });
    expect(connections).toBe(1);
  });

  it('classifies a 550 on RCPT as a recipient failure', async () => {
    const outcome = await pool.send(account(), password('right'), message('nobody@acme.test'));
    expect(outcome).toMatchObject({ kind: 'recipient', code: 550, reply: expect.stringContaining('No such user here') });
    // The connection stays usable for the next recipient.
    expect((await pool.send(account(), password('right'), message('jane@acme.test'))).kind).toBe('sent');
  });

  it('classifies a 421 as temporary', async () => {
    expect(await pool.send(account(), password('right'), message('later@acme.test'))).toMatchObject({ kind: 'temporary', code: 421 });
  });

  it('classifies a refused login as an account failure', async () => {
    expect(await pool.send(account({ id: 2 }), password('wrong'), message('jane@acme.test'))).toMatchObject({ kind: 'account', code: 535 });
  });

  // A changed password (a new ciphertext) replaces the account's pool instead of reusing the old login.
  it('replaces the pool when the account settings change', async () => {
    expect((await pool.send(account({ id: 3 }), password('right'), message('jane@acme.test'))).kind).toBe('sent');
    expect((await pool.send(account({ id: 3, smtpPasswordEnc: 'sealed-2' }), password('wrong'), message('jane@acme.test'))).kind).toBe('account');
    expect((await pool.send(account({ id: 3, smtpPasswordEnc: 'sealed-3' }), password('right'), message('jane@acme.test'))).kind).toBe('sent');
  });

  // The guard against duplicates: a connection dropped after the end of DATA may already have
  // delivered the message, so the pool must report it as uncertain and never re-send it on its own.
  it('reports a connection dropped after DATA once, as uncertain, without re-sending', async () => {
    const outcome = await pool.send(account(), password('right'), message('drop@acme.test'));
    expect(outcome.kind).toBe('uncertain');
    pool.closeAll();
    expect(attempts.get('drop@acme.test')).toBe(1);
  });
});

describe('TransportPool against servers that do not talk', () => {
  const held: Socket[] = [];
  let accepted = 0;
  let silent: Server;
  let hangUp: Server;

  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const account = (id: number, port: number): SmtpAccount => ({ id, smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', smtpUser: 'ann', smtpPasswordEnc: 'x' });
  const message = { from: 'ann@crm.test', to: 'jane@acme.test', subject: 'x', text: 'x' };

  beforeAll(() => {
    // Accepts connections and never greets.
    silent = createServer((socket) => held.push(socket));
    // Accepts connections and closes them at once.
    hangUp = createServer((socket) => {
      accepted++;
      socket.destroy();
    });
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await Promise.all([silent, hangUp].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });

  it('gives up on a server that never answers, as a temporary failure', async () => {
    const pool = new TransportPool({ timeoutMs: 300 });
    const outcome = await pool.send(account(9, await listen(silent)), password('right'), message);
    pool.closeAll();
    expect(outcome.kind).toBe('temporary');
  });

  // The pool tries a new connection once when nothing of the message went out (nodemailer's
  // default is up to 5 quiet requeues); past that the retry is the engine's decision.
  it('tries a server that hangs up twice at most, and reports it as temporary', async () => {
    const pool = new TransportPool({ timeoutMs: 2000 });
    const outcome = await pool.send(account(10, await listen(hangUp)), password('right'), message);
    pool.closeAll();
    expect(outcome.kind).toBe('temporary');
    expect(accepted).toBe(2);
  });
});
