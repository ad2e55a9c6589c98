// Why this file exists: demo and development mail must go nowhere real. Demo accounts point at this
// local SMTP server; it accepts any login, keeps every message as an .eml file, and backs the
// outbox page (list, read, and a live "new message" signal).
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { sinkAnswers } from './sink-responder.js';
import { depositInSink } from './sink-mailbox.js';

export interface OutboxEntry {
  /** The file name without `.eml`: `<received ms>-<8 hex>`. */
  id: string;
  /** The From header as written, name included: the sender's claim, never a proof of who sent it. */
  from: string;
  /** The Message-ID header (`<…@…>`), by which Mailroom traces mail to the mailing that sent it; null when absent. */
  messageId: string | null;
  /** The addresses of the To and Cc headers. */
  to: string[];
  subject: string;
  /** When the sink received it (ISO), not the sender's Date header. */
  date: string;
  /** Bytes on disk. */
  size: number;
}

export interface OutboxMessage extends OutboxEntry {
  /** Every header line in order, values as on the wire (unfolded, not decoded). */
  headers: { key: string; value: string }[];
  html: string | null;
  text: string | null;
}

export interface DevSink {
  port: number;
  stop(): Promise<void>;
  /** Newest first; q matches subject, from or to, case-insensitively. */
  list(opts?: { limit?: number; offset?: number; q?: string }): Promise<{ items: OutboxEntry[]; total: number }>;
  read(id: string): Promise<OutboxMessage | null>;
  /** Returns the unsubscribe function. */
  onMessage(listener: (e: OutboxEntry) => void): () => void;
}

/** The only ids read() accepts, so no id can name a path outside the folder. */
const ID = /^\d{13}-[0-9a-f]{8}$/;
const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []]
    .flat()
    .flatMap((header) => header.value)
    .flatMap((a) => a.group ?? [a])
    .flatMap((a) => (a.address ? [a.address] : []));
}

function toEntry(id: string, mail: ParsedMail, size: number): OutboxEntry {
  return {
    id,
    from: mail.from?.text ?? '',
    messageId: mail.messageId?.trim() || null,
    to: [...addresses(mail.to), ...addresses(mail.cc)],
    subject: mail.subject ?? '',
    date: new Date(Number(id.split('-')[0])).toISOString(),
    size,
  };
}

/** The index needs headers only; skipping body conversions keeps start-up fast. */
function parseForIndex(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
}

function splitHeaderLine(line: string): { key: string; value: string } {
  const colon = line.indexOf(':');
  return { key: line.slice(0, colon), value: line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim() };
}

async function loadIndex(dir: string): Promise<OutboxEntry[]> {
  const ids = (await readdir(dir)).filter((name) => name.endsWith('.eml')).map((name) => name.slice(0, -4)).filter((id) => ID.test(id));
  const entries: OutboxEntry[] = [];
  // One file at a time: a large outbox must not exhaust file descriptors at start.
  for (const id of ids) {
    const raw = await readFile(join(dir, `${id}.eml`));
    entries.push(toEntry(id, await parseForIndex(raw), raw.length));
  }
  return entries.sort((a, b) => (a.id < b.id ? 1 : -1));
}

interface Envelope {
  /** The AUTH login, whose mailbox gets the answers. */
  user: string | null;
  from: string | null;
  to: string[];
}

const envelopeOf = (session: SMTPServerSession): Envelope => ({
  user: typeof session.user === 'string' ? session.user : null,
  from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
  to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
});

/** The original's header block, for a bounce that returns it. */
const headerBlock = (raw: Buffer) => {
  const text = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
};

/**
 * `mailboxes`: where each login's incoming mailbox lives (sink-mailbox.ts); with it, the demo
 * addresses of sink-responder.ts answer into the sender's mailbox.
 */
export async function startDevSink(opts: { port: number; host?: string; dir: string; mailboxes?: string }): Promise<DevSink> {
  const { dir } = opts;
  await mkdir(dir, { recursive: true });
  const entries = await loadIndex(dir);
  const listeners = new Set<(e: OutboxEntry) => void>();
  const fileOf = (id: string) => join(dir, `${id}.eml`);

  async function store(raw: Buffer): Promise<OutboxEntry> {
    const entry = toEntry(`${Date.now()}-${randomBytes(4).toString('hex')}`, await parseForIndex(raw), raw.length);
    await writeFile(fileOf(entry.id), raw, { flag: 'wx' });
    entries.unshift(entry);
    return entry;
  }

  /** The demo addresses' answers, left in the sending login's mailbox to appear a minute or two later. */
  async function answer(raw: Buffer, entry: OutboxEntry, envelope: Envelope) {
    if (!opts.mailboxes) return;
    const login = envelope.user ?? envelope.from;
    if (!login) return;
    const from = envelope.from ?? login;
    const to = envelope.to;
    for (const a of sinkAnswers({ from, to, messageId: entry.messageId, subject: entry.subject, headers: headerBlock(raw) }, new Date())) {
      await depositInSink(opts.mailboxes, login, a.raw, new Date(Date.now() + a.delayMs));
    }
  }

  function announce(entry: OutboxEntry) {
    for (const listener of listeners) {
      // A failing listener (e.g. a closed socket) must not break the SMTP session.
      try {
        listener(entry);
      } catch (err) {
        console.error('[dev-sink] message listener failed:', err);
      }
    }
  }

  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    // Pooled clients keep idle connections open; do not let them hold stop() for the default 30 s.
    closeTimeout: 1000,
    logger: false,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    onData(stream, session, callback) {
      // Taken now: the server clears the envelope once the message is answered.
      const envelope = envelopeOf(session);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message exceeds the maximum size'), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        store(raw).then(
          (entry) => {
            callback(null, `Stored as ${entry.id}`);
            announce(entry);
            answer(raw, entry, envelope).catch((err: Error) => console.error('[dev-sink] could not leave a demo answer:', err.message));
          },
          (err: Error) => callback(Object.assign(err, { responseCode: 451 })),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // smtp-server reports client socket errors as 'error' events; unhandled, they would end the process.
  server.on('error', (err) => console.error('[dev-sink]', err.message));

  let stopping: Promise<void> | undefined;
  return {
    port: (server.server.address() as AddressInfo).port,
    stop: () => (stopping ??= new Promise<void>((resolve) => server.close(() => resolve()))),
    async list({ limit = 50, offset = 0, q } = {}) {
      const needle = q?.trim().toLowerCase();
      const hits = needle
        ? entries.filter((e) => [e.subject, e.from, ...e.to].some((field) => field.toLowerCase().includes(needle)))
        : entries;
      return { items: hits.slice(offset, offset + limit), total: hits.length };
    },
    async read(id) {
      const entry = ID.test(id) ? entries.find((e) => e.id === id) : undefined;
      if (!entry) return null;
      const mail = await simpleParser(await readFile(fileOf(id)));
      return {
        ...entry,
        headers: mail.headerLines.map((h) => splitHeaderLine(h.line)),
        html: mail.html || null,
        text: mail.text ?? null,
      };
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
