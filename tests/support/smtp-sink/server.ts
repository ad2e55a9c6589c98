// Why this file exists: the SMTP server that end-to-end tests send to, run as its own process (see
// index.ts) so it survives, or dies, independently of the engine. It can be told to refuse
// recipients, senders or logins and to hang up mid-DATA, and it writes every event as a line of
// JSON to the --log file the moment it happens, so the record outlives a SIGKILL of either side.
//   node --import tsx tests/support/smtp-sink/server.ts --log events.jsonl [--rules '{"rejectRcpt":{"a@x.test":550}}']
import { createHash } from 'node:crypto';
import { openSync, writeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { SinkEvent, SinkReply, SinkRequest, SinkRules } from './index.js';

type Uncut<E> = E extends SinkEvent ? Omit<E, 'at'> : never;

const { values: args } = parseArgs({ options: { log: { type: 'string' }, rules: { type: 'string', default: '{}' } } });
if (!args.log) throw new Error('usage: server.ts --log <file> [--rules <json>]');

const rules: SinkRules = { rejectRcpt: {}, failAuth: [], dropDuringData: [], dropAfterData: [], delayMs: 0, rejectMailFrom: [], holdData: [] };
/** Replies held by holdData, each let go once none of its recipients is held any more. */
let held: { to: string[]; reply: () => void }[] = [];
const isHeld = (to: string[]) => to.some((rcpt) => rules.holdData.includes(rcpt));

/** Addresses and users are matched lower-cased, as mail servers do. */
function applyRules(patch: Partial<SinkRules>) {
  const lower = (list: string[]) => list.map((s) => s.toLowerCase());
  if (patch.rejectRcpt) rules.rejectRcpt = Object.fromEntries(Object.entries(patch.rejectRcpt).map(([a, code]) => [a.toLowerCase(), code]));
  if (patch.failAuth) rules.failAuth = lower(patch.failAuth);
  if (patch.dropDuringData) rules.dropDuringData = lower(patch.dropDuringData);
  if (patch.dropAfterData) rules.dropAfterData = lower(patch.dropAfterData);
  if (patch.delayMs !== undefined) rules.delayMs = patch.delayMs;
  if (patch.rejectMailFrom) rules.rejectMailFrom = lower(patch.rejectMailFrom);
  if (patch.holdData) rules.holdData = lower(patch.holdData);
  const free = held.filter((h) => !isHeld(h.to));
  held = held.filter((h) => isHeld(h.to));
  for (const h of free) h.reply();
}
applyRules(JSON.parse(args.rules) as Partial<SinkRules>);

// One write(2) per line on an O_APPEND descriptor: once it returns the line is the kernel's, so a
// SIGKILL right after cannot lose it, and a reader never sees half of one.
const log = openSync(args.log, 'a');
function record(event: Uncut<SinkEvent>) {
  writeSync(log, JSON.stringify({ ...event, at: new Date().toISOString() }) + '\n');
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/** smtp-server hides enhanced status codes by default, so the replies carry them in the text. */
function rcptReply(code: number, address: string): string {
  switch (code) {
    case 550:
      return `5.1.1 <${address}> mailbox unavailable`;
    case 421:
      return `4.7.0 <${address}> try again later, closing connection`;
    case 450:
      return `4.2.1 <${address}> mailbox busy, try again later`;
    case 451:
      return `4.3.0 <${address}> local error, try again later`;
    default:
      return `${code >= 500 ? 5 : 4}.0.0 <${address}> refused`;
  }
}

const userOf = (session: SMTPServerSession): string | null => (session.user as string | undefined) ?? null;
const senderOf = (session: SMTPServerSession) => (session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : '');

/** The header as it was written (unfolded), which mailparser's structured List-* parsing loses. */
function rawHeader(mail: ParsedMail, key: string): string | null {
  const line = mail.headerLines.find((h) => h.key === key)?.line;
  return line === undefined ? null : line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

const server: SMTPServer = new SMTPServer({
  authMethods: ['PLAIN', 'LOGIN'],
  // Recorded rather than required: tests check the `user` of each accepted message.
  authOptional: true,
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onAuth(auth, _session, callback) {
    const user = auth.username ?? '';
    const ok = !rules.failAuth.includes(user.toLowerCase());
    record({ type: 'auth', user, password: auth.password ?? '', ok });
    if (!ok) return callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    callback(null, { user });
  },
  onMailFrom(address, session, callback) {
    const sender = address.address.toLowerCase();
    if (!rules.rejectMailFrom.includes(sender)) return callback();
    const reply = `5.7.1 <${sender}> sender refused`;
    record({ type: 'rejected', stage: 'mail', address: sender, code: 553, reply, user: userOf(session) });
    callback(smtpError(553, reply));
  },
  onRcptTo(address, session, callback) {
    const rcpt = address.address.toLowerCase();
    const code = rules.rejectRcpt[rcpt];
    if (code === undefined) return callback();
    const reply = rcptReply(code, rcpt);
    record({ type: 'rejected', stage: 'rcpt', address: rcpt, code, reply, user: userOf(session) });
    callback(smtpError(code, reply));
  },
  onData(stream, session, callback) {
    const from = senderOf(session);
    const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
    const user = userOf(session);

    const hangUp = () => [...server.connections].find((c) => c.session === session)?._socket.destroy();

    if (to.some((rcpt) => rules.dropDuringData.includes(rcpt))) {
      // Hang up as DATA begins (onData runs before the 354): the client has sent nothing of the
      // message, so it was not accepted and the engine must retry it later.
      record({ type: 'dropped', from, to, user });
      hangUp();
      return;
    }
    // The whole message arrived and is taken, but with dropAfterData the client never hears so.
    const answer = (reply: string) => (to.some((rcpt) => rules.dropAfterData.includes(rcpt)) ? hangUp() : callback(null, reply));

    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true })
        .then(async (mail) => {
          if (rules.delayMs > 0) await new Promise((r) => setTimeout(r, rules.delayMs));
          if (isHeld(to)) {
            record({ type: 'held', from, to, user });
            await new Promise<void>((reply) => held.push({ to, reply }));
          }
          record({
            type: 'accepted',
            from,
            to,
            messageId: mail.messageId ?? null,
            subject: mail.subject ?? null,
            listUnsubscribe: rawHeader(mail, 'list-unsubscribe'),
            listUnsubscribePost: rawHeader(mail, 'list-unsubscribe-post'),
            user,
            size: raw.length,
            html: mail.html || null,
            text: mail.text ?? null,
            attachments: mail.attachments.map((a) => ({
              filename: a.filename ?? null, contentType: a.contentType, size: a.size, sha256: createHash('sha256').update(a.content).digest('hex'),
              contentId: a.contentId ?? null, disposition: a.contentDisposition ?? null, related: a.related ?? false,
            })),
          });
          answer('OK: queued');
        })
        .catch((err: Error) => callback(smtpError(451, `4.3.0 ${err.message}`)));
    });
  },
});

// Client sockets that reset or are destroyed surface here; unhandled they would end the process.
server.on('error', (err) => console.error('[smtp-sink]', err.message));

process.on('message', (req: SinkRequest) => {
  if (req.type !== 'setRules') return;
  applyRules(req.rules);
  process.send!({ type: 'rulesSet', id: req.id } satisfies SinkReply);
});
// A parent that dies without stopping us closes the IPC channel; do not linger as an orphan.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  console.log(`READY ${(server.server.address() as AddressInfo).port}`);
});
