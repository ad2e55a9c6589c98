import nodemailer from 'nodemailer';
import type { SmtpSecurity } from '../domain/account-health.js';
import type { MailCredentials } from '../engine/ports.js';
import { smtpConnection } from './smtp-options.js';
import { isAuthFailure } from '../domain/smtp-outcome.js';

/** Signs in to an account's SMTP server once, without sending, and says how it went. */

export interface SmtpLogin {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
}

export type SmtpCheckOutcome =
  | { health: 'ok'; message: string }
  /** The server was reached and refused the credentials (or offers no way to sign in). */
  | { health: 'auth_failed'; message: string }
  /** No SMTP conversation: DNS, refused or dropped connection, TLS failure, timeout. */
  | { health: 'unreachable'; message: string };

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
    return { health: 'ok', message: `Signed in to ${where} as ${login.user}` };
  } catch (err) {
    const e = err as SmtpError;
    if (isAuthFailure(e)) {
      const reply = (e.response ?? e.message).trim();
      return { health: 'auth_failed', message: `${where} refused the sign-in for ${login.user}: ${reply}` };
    }
    return { health: 'unreachable', message: `Could not talk to ${where}: ${e.message}` };
  } finally {
    transport.close();
  }
}
