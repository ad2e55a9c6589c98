import { ImapFlow, type ImapFlowError, type MailboxLockObject } from 'imapflow';
import { MailboxError } from '../domain/inbox.js';
import type { InboxLogin, MailCredentials, Mailboxes, MailboxMessage, MailboxSession, OpenFolder } from '../engine/ports.js';

/**
 * An account's incoming mailbox over IMAP (imapflow), read-only: folders are opened with EXAMINE
 * and messages fetched with BODY.PEEK[] (imapflow's `source`), so no flag is ever set. Every
 * failure leaves as a MailboxError with the health it gives the inbox; a server that stalls,
 * trickles, sends garbage or drops the connection ends the session, never the process.
 */

export interface ImapLimits {
  /** For the TCP and TLS handshake, the greeting, and any silence while a command waits for its answer. */
  timeoutMs: number;
  /** The longest one command may take in all, so a server cannot hold a session by trickling its answer. */
  commandTimeoutMs: number;
  /** Bytes read of each message (a partial fetch): a bounce's verdict is in its first part. */
  maxMessageBytes: number;
}

export const IMAP_LIMITS: ImapLimits = { timeoutMs: 20_000, commandTimeoutMs: 120_000, maxMessageBytes: 2 * 1024 * 1024 };

/** The most messages one `fetch` returns, whatever the caller asks. */
export const MAX_FETCH = 500;

/**
 * Messages per FETCH command. The connection is free between two batches (so a caller may move
 * messages while it iterates) and memory holds one batch at most.
 */
export const FETCH_BATCH = 10;

/** The longest response line read: a SEARCH answer lists every UID from the cursor on, ~2 million of them. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Where a session signs in (an inbox's login without what only the engine needs). */
export type ImapServer = Pick<InboxLogin, 'host' | 'port' | 'security' | 'user'>;

export function createImapMailboxes(limits: Partial<ImapLimits> = {}): Mailboxes {
  return { connect: (login, credentials) => openImapSession(login, credentials, { ...IMAP_LIMITS, ...limits }) };
}

export const imapMailboxes: Mailboxes = createImapMailboxes();

/** Signs in; throws MailboxError `auth_failed` or `unreachable`. */
export async function openImapSession(server: ImapServer, credentials: MailCredentials, limits: ImapLimits): Promise<MailboxSession> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    // `none` stays in cleartext even when STARTTLS is offered, as the SMTP side does.
    ...(server.security === 'tls' ? {} : { doSTARTTLS: server.security === 'starttls' }),
    // An access token signs in with XOAUTH2 (imapflow never refreshes it: AccessTokens does).
    auth: credentials.kind === 'oauth2' ? { user: server.user, accessToken: credentials.accessToken } : { user: server.user, pass: credentials.password },
    logger: false,
    // IDLE only inside waitForNews. The open folder's lock (see open) makes imapflow answer a quiet
    // socket with a NOOP instead of tearing the connection down while the caller works.
    disableAutoIdle: true,
    maxLockHoldTime: 0,
    connectionTimeout: limits.timeoutMs,
    greetingTimeout: limits.timeoutMs,
    socketTimeout: limits.timeoutMs,
    // A literal above the partial fetch's length is a server ignoring it: the connection fails.
    maxLiteralSize: limits.maxMessageBytes,
    maxLineLength: MAX_LINE_BYTES,
    maxResponseSize: MAX_LINE_BYTES + limits.maxMessageBytes,
  });
  const session = new ImapSession(client, server, limits);
  try {
    await session.signIn();
  } catch (err) {
    client.close();
    throw err;
  }
  return session;
}

class ImapSession implements MailboxSession {
  private readonly where: string;
  /** What broke the connection (imapflow's 'error' event, or a command past its deadline). */
  private failure: Error | null = null;
  /** Held while a folder is open: imapflow then keeps a quiet connection alive. */
  private lock: MailboxLockObject | null = null;
  /** A new message arrived since the caller last looked (set by EXISTS, cleared by fetch). */
  private news = false;
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly client: ImapFlow,
    private readonly server: ImapServer,
    private readonly limits: ImapLimits,
  ) {
    this.where = `${server.host}:${server.port}`;
    // Without a listener an 'error' event would throw out of the event loop and end the process;
    // imapflow closes the connection after it, so the next call reports it.
    client.on('error', (err: Error) => {
      this.failure ??= err;
    });
    client.on('exists', (e: { count: number; prevCount: number }) => {
      if (e.count <= e.prevCount) return;
      this.news = true;
      this.wake?.();
    });
  }

  signIn(): Promise<void> {
    return this.guard(() => this.client.connect());
  }

  async open(folder: string): Promise<OpenFolder> {
    this.lock?.release();
    this.lock = null;
    const box = await this.guard(async () => {
      try {
        return await this.client.mailboxOpen(folder, { readOnly: true });
      } catch (err) {
        const e = err as ImapFlowError;
        if (e.responseStatus !== 'NO') throw err;
        throw MailboxError.of('folder_missing', { code: 'folder_missing', where: this.where, folder, reply: e.mailboxMissing ? null : (e.responseText ?? e.message) });
      }
    });
    // The cursors are only as good as these two (RFC 3501 §2.3.1.1): a server that leaves them out
    // or sends what no UID can be gives nothing to read by.
    if (!isUid(box.uidValidity) || !isUid(box.uidNext)) {
      throw MailboxError.of('unreachable', { code: 'folder_unusable', where: this.where, folder });
    }
    // Granted at once: the folder is already selected read-only.
    this.lock = await this.guard(() => this.client.getMailboxLock(folder, { readOnly: true }));
    this.news = false;
    return { uidValidity: Number(box.uidValidity), uidNext: box.uidNext };
  }

  async *fetch(fromUid: number, limit: number): AsyncIterable<MailboxMessage> {
    const from = Math.max(1, Math.floor(fromUid));
    const take = Math.min(Math.max(0, Math.floor(limit)), MAX_FETCH);
    if (!take) return;
    this.requireFolder('fetch');
    // A server shows another connection's new mail only between commands: the NOOP brings it into
    // view, or a SEARCH could miss what arrived since the last command.
    await this.guard(() => this.client.noop());
    this.news = false;
    const found = await this.guard(() => this.client.search({ uid: `${from}:*` }, { uid: true }));
    if (!Array.isArray(found)) throw MailboxError.of('unreachable', { code: 'search_refused', where: this.where, folder: this.client.mailbox ? this.client.mailbox.path : '' });
    // `N:*` also names the last message when its UID is below N (RFC 3501 §6.4.8).
    const uids = found.filter((uid) => uid >= from).sort((a, b) => a - b).slice(0, take);
    for (let i = 0; i < uids.length; i += FETCH_BATCH) {
      const batch = uids.slice(i, i + FETCH_BATCH);
      // `source` with a length is fetched as BODY.PEEK[]<0.n>: PEEK leaves \Seen unset. Only the
      // first answer for each UID asked for is kept, as it arrives: the server decides how many
      // rows it sends (again and again, or ones nobody asked for), and fetchAll would hold them all.
      const rows = await this.guard(async () => {
        const kept = new Map<number, Buffer>();
        const wanted = new Set(batch);
        for await (const row of this.client.fetch(batch.join(','), { uid: true, source: { maxLength: this.limits.maxMessageBytes } }, { uid: true })) {
          if (wanted.has(row.uid) && row.source && !kept.has(row.uid)) kept.set(row.uid, row.source);
        }
        return kept;
      });
      // A message expunged meanwhile is simply not in the answer.
      for (const uid of batch) {
        const source = rows.get(uid);
        if (source) yield { uid, source };
      }
    }
  }

  async waitForNews(ms: number): Promise<boolean> {
    this.requireFolder('waitForNews');
    const caps = this.client.capabilities;
    if (!caps.has('IDLE') && !caps.has('IMAP4rev2')) return false;
    if (this.news) return true;
    return this.guard(async () => {
      // Ends when we break it, when the server ends it, or when imapflow's keepalive NOOP breaks it
      // after a quiet `timeoutMs`; any of these is a moment to look again.
      const idling = this.client.idle();
      let timer: NodeJS.Timeout | undefined;
      const stop = new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, ms);
      });
      try {
        const ended = await Promise.race([idling.then((result) => ({ result })), stop.then(() => null)]);
        // DONE goes out before the NOOP, which then waits its turn behind the IDLE.
        if (!ended) await Promise.all([idling, this.client.noop()]);
        else if (ended.result === false && this.client.usable) return false; // the server refused IDLE
      } finally {
        clearTimeout(timer);
        this.wake = null;
      }
      if (!this.client.usable) throw this.lost();
      return true;
    }, ms + this.limits.commandTimeoutMs);
  }

  async move(uids: number[], folder: string): Promise<void> {
    if (!uids.length) return;
    this.requireFolder('move');
    const caps = this.client.capabilities;
    // Without MOVE imapflow copies, flags \Deleted and expunges; without UIDPLUS that EXPUNGE would
    // also remove every message the owner flagged \Deleted and kept. Leaving bounces in place is harmless.
    if (!caps.has('MOVE') && !caps.has('UIDPLUS')) return;
    const source = this.client.mailbox ? this.client.mailbox.path : '';
    await this.guard(async () => {
      // MOVE needs the folder selected read-write; it is examined again right after.
      await this.client.mailboxOpen(source, { readOnly: false });
      try {
        if (!(await this.client.messageMove(uids.join(','), folder, { uid: true }))) {
          throw MailboxError.of('folder_missing', { code: 'move_refused', where: this.where, folder });
        }
      } finally {
        await this.client.mailboxOpen(source, { readOnly: true });
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lock?.release();
    this.lock = null;
    try {
      await this.guard(() => this.client.logout(), this.limits.timeoutMs);
    } catch {
      // A session that is already broken has nothing left to say goodbye to.
    } finally {
      this.client.close();
    }
  }

  private requireFolder(call: string) {
    if (!this.lock) throw new Error(`${call} needs an open folder`);
  }

  /** Runs one exchange with the server under the command deadline, and maps whatever it throws. */
  private async guard<T>(work: () => Promise<T>, deadlineMs = this.limits.commandTimeoutMs): Promise<T> {
    if (this.failure) throw this.lost();
    const timer = setTimeout(() => {
      this.failure ??= new Error(`no complete answer within ${Math.round(deadlineMs / 1000)} s`);
      this.client.close();
    }, deadlineMs);
    try {
      return await work();
    } catch (err) {
      throw this.mapped(err);
    } finally {
      clearTimeout(timer);
    }
  }

  private mapped(err: unknown): MailboxError {
    if (err instanceof MailboxError) return err;
    const e = err as ImapFlowError;
    if (e.authenticationFailed) {
      const code = e.serverResponseCode ? `[${e.serverResponseCode}] ` : '';
      return MailboxError.of('auth_failed', { code: 'sign_in_refused', where: this.where, user: this.server.user, reply: `${code}${e.responseText ?? e.message}` });
    }
    if (e.mailboxMissing) return MailboxError.of('folder_missing', { code: 'folder_missing', where: this.where, folder: e.path ?? '', reply: null });
    return this.lost(e);
  }

  /** The connection is gone or unusable; the first cause says best why. */
  private lost(err?: ImapFlowError): MailboxError {
    const cause = (this.failure ?? err) as ImapFlowError | undefined;
    const closed = !cause || cause.code === 'NoConnection' || cause.code === 'EConnectionClosed';
    return MailboxError.of('unreachable', { code: 'unreachable', where: this.where, reply: closed ? null : (cause.responseText ?? cause.message) });
  }
}

/** A 32-bit unsigned, non-zero number, as UIDs and UIDVALIDITY are. */
const isUid = (n: unknown) => (typeof n === 'bigint' || typeof n === 'number') && n >= 1 && n <= 0xffff_ffff;
