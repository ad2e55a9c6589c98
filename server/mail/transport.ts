import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Readable } from 'node:stream';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type MailMessage from 'nodemailer/lib/mailer/mail-message.js';
import type { SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer/lib/smtp-pool/index.js';
import { classifySmtpFailure, type SmtpFailure, type SmtpOutcome } from '../domain/smtp-outcome.js';
import type { SmtpAccount, MailCredentials, Transport } from '../engine/ports.js';
import { smtpConnection } from './smtp-options.js';

/**
 * One pooled SMTP transport per account. Knows nothing of mailings: it takes a built message and
 * an account and answers with a typed outcome.
 *
 * Pool settings and why:
 * - maxConnections 1: a person's mailbox is paced by the engine, not parallelised here;
 * - maxRequeues 1: the pool re-sends a message on a new connection only when not a byte of it
 *   was read (since 10.0.12; before, even after the message data had gone out), i.e. when a
 *   reused connection turned out closed or answered 421 before DATA. Once: a new connection's
 *   answer is the server's own (with 0, a 421 there came back as nodemailer's "Reached maximum
 *   number of retries"). Every other drop comes back to the engine, which decides with the ledger.
 *
 * A failure without a server reply is classified by how far the message got: the stream the
 * connection read the message from tells whether all of it (and so the final dot) went out.
 * nodemailer's error says only `CONN` for any dropped connection, whatever the phase.
 */

export interface TransportPoolOptions {
  /** Connection, greeting and socket timeouts. */
  timeoutMs?: number;
  /**
   * The longest one message may take in all, however the server trickles its replies; the send
   * is then abandoned (uncertain once the whole message went out). Kept below the account job's
   * lock and the send lease, so a stalled transaction ends before either runs out.
   */
  sendLimitMs?: number;
}

type PoolMailer = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

interface Pooled {
  key: string;
  mailer: PoolMailer;
}

const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_SEND_LIMIT_MS = 45_000;

/**
 * Changes whenever the account's server, login, stored password or access token does, so a stale
 * pool is replaced (a refreshed token signs in on a new connection).
 */
function settingsKey(account: SmtpAccount, credentials: MailCredentials): string {
  const secret = credentials.kind === 'oauth2' ? credentials.accessToken : account.smtpPasswordEnc;
  return createHash('sha256')
    .update([account.smtpHost, account.smtpPort, account.smtpSecurity, account.smtpUser, secret].join('\n'))
    .digest('hex');
}

export class TransportPool implements Transport {
  private readonly pools = new Map<number, Pooled>();
  private readonly timeoutMs: number;
  private readonly sendLimitMs: number;

  constructor(options: TransportPoolOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sendLimitMs = options.sendLimitMs ?? Math.max(DEFAULT_SEND_LIMIT_MS, this.timeoutMs);
  }

  async send(account: SmtpAccount, credentials: MailCredentials, message: Mail.Options): Promise<SmtpOutcome> {
    let body: Readable | null = null;
    const watched: Watched = { ...message, signal: AbortSignal.timeout(this.sendLimitMs), [WATCH]: (stream) => (body = stream) };
    try {
      const info = await this.mailerFor(account, credentials).sendMail(watched);
      return { kind: 'sent', messageId: info.messageId, reply: info.response };
    } catch (err) {
      return classifySmtpFailure(err as SmtpFailure, (body as Readable | null)?.readableEnded ?? false);
    }
  }

  /** Closes one account's pool (or all); a message being delivered finishes first. */
  close(accountId?: number): void {
    if (accountId === undefined) return this.closeAll();
    this.pools.get(accountId)?.mailer.close();
    this.pools.delete(accountId);
  }

  closeAll(): void {
    for (const { mailer } of this.pools.values()) mailer.close();
    this.pools.clear();
  }

  private mailerFor(account: SmtpAccount, credentials: MailCredentials): PoolMailer {
    const key = settingsKey(account, credentials);
    const existing = this.pools.get(account.id);
    if (existing?.key === key) return existing.mailer;
    existing?.mailer.close();
    const mailer = nodemailer.createTransport({
      pool: true,
      maxConnections: 1,
      maxMessages: 100,
      maxRequeues: 1,
      ...smtpConnection({ host: account.smtpHost, port: account.smtpPort, security: account.smtpSecurity, user: account.smtpUser }, credentials, this.timeoutMs),
    });
    mailer.use('stream', watchBody);
    this.pools.set(account.id, { key, mailer });
    return mailer;
  }
}

/** The message option through which send() learns which stream the connection reads its message from. */
const WATCH = 'mailroomWatchBody';
type Watched = Mail.Options & { [WATCH]: (stream: Readable) => void };

/**
 * A mailer plugin: hands send() the message's outermost stream (after DKIM signing), the one the
 * SMTP connection pipes into DATA. Once it has ended, the message and its final dot went out.
 */
function watchBody(mail: MailMessage, done: (err?: Error | null) => void): void {
  const watch = (mail.data as Watched)[WATCH];
  const create = mail.message.createReadStream.bind(mail.message);
  mail.message.createReadStream = (...args: Parameters<typeof create>) => {
    const stream = create(...args);
    watch?.(stream);
    return stream;
  };
  done();
}
