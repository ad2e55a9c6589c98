import nodemailer from 'nodemailer';
import type { SmtpSecurity } from '../domain/account-health.js';
import type { MailCredentials } from '../engine/ports.js';
import { smtpConnection } from './smtp-options.js';
import { isAuthFailure } from '../domain/smtp-outcome.js';
import { serverReply } from '../domain/server-reply.js';
import { healthText, type HealthDetail } from '../domain/health-detail.js';

/** Signs in to an account's SMTP server once, without sending, and says how it went. */

export interface SmtpLogin {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
}

/** `message` in English; `detail` the failure as values the UI words, with the server's reply verbatim. */
export type SmtpCheckOutcome =
  | { health: 'ok'; message: string; detail: null }
  /** The server was reached and refused the credentials (or offers no way to sign in). */
  | { health: 'auth_failed'; message: string; detail: HealthDetail }
  /** No SMTP conversation: DNS, refused or dropped connection, TLS failure, timeout. */
  | { health: 'unreachable'; message: string; detail: HealthDetail };

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export async function checkSmtpLogin(login: SmtpLogin, credentials: MailCredentials, opts: { timeoutMs?: number } = {}): Promise<SmtpCheckOutcome> {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = `${login.host}:${login.port}`;
  const transport = nodemailer.createTransport(smtpConnection(login, credentials, timeout));
  try {
    await transport.verify();
    return { health: 'ok', message: `Signed in to ${where} as ${login.user}`, detail: null };
  } catch (err) {
    const e = err as SmtpError;
    if (isAuthFailure(e)) {
      const detail: HealthDetail = { code: 'sign_in_refused', where, user: login.user, reply: serverReply((e.response ?? e.message).trim()) };
      return { health: 'auth_failed', message: healthText(detail), detail };
    }
    const detail: HealthDetail = { code: 'unreachable', where, reply: serverReply(e.message) };
    return { health: 'unreachable', message: healthText(detail), detail };
  } finally {
    transport.close();
  }
}
