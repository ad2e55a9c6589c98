import { serverReply } from './server-reply.js';

/**
 * What an SMTP attempt means for the mailing. Each class has its own handling in the engine:
 * - sent: accepted by the server;
 * - recipient: permanent for this recipient only (5xx on RCPT/DATA, invalid address);
 * - temporary: try again later (4xx, and timeouts or dropped connections before the whole message
 *   was sent: the server cannot have accepted it);
 * - uncertain: the connection was lost or timed out after the end of DATA, before the server's
 *   reply, so nobody knows whether it was accepted — never retried silently;
 * - account: the mailbox itself is refused (authentication, sender refused) — switch it off,
 *   with `health` saying which;
 * - critical: the message cannot be built or sent by anyone (it stops the mailing).
 */
export type SmtpOutcome =
  | { kind: 'sent'; messageId: string; reply: string }
  | { kind: 'account'; health: 'auth_failed' | 'sender_refused'; code: number | null; reply: string }
  | { kind: 'recipient' | 'temporary' | 'critical' | 'uncertain'; code: number | null; reply: string };

/** The server refused the credentials (535 and friends); EAUTH also covers "no AUTH offered". */
export const isAuthFailure = (err: Pick<SmtpFailure, 'code' | 'responseCode'>) =>
  err.code === 'EAUTH' || err.responseCode === 535 || err.responseCode === 534 || err.responseCode === 530;

/** The fields of a nodemailer error this classification reads. */
export interface SmtpFailure {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message: string;
}

const NETWORK = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'EDNS', 'ECONNREFUSED', 'EPIPE', 'EPROTOCOL', 'ETLS']);

/**
 * `dataSent`: the whole message, with its final dot, had been handed to the connection when the
 * send failed. A failure with no server reply from then on cannot tell delivered from not delivered.
 */
export function classifySmtpFailure(err: SmtpFailure, dataSent = false): SmtpOutcome {
  const code = err.responseCode ?? null;
  const reply = serverReply(err.response ?? err.message);
  const command = (err.command ?? '').toUpperCase();
  if (dataSent && code === null) return { kind: 'uncertain', code, reply };
  if (isAuthFailure(err)) return { kind: 'account', health: 'auth_failed', code, reply };
  if (code !== null && code >= 400 && code < 500) return { kind: 'temporary', code, reply };
  if (code !== null && code >= 500 && command.startsWith('MAIL')) return { kind: 'account', health: 'sender_refused', code, reply };
  if (code !== null && code >= 500) return { kind: 'recipient', code, reply };
  if (err.code === 'EENVELOPE') return { kind: 'recipient', code, reply };
  if (err.code === 'EMESSAGE') return { kind: 'critical', code, reply };
  if (err.code && NETWORK.has(err.code)) return { kind: 'temporary', code, reply };
  // Unknown failures are retried rather than counted as delivered or lost.
  return { kind: 'temporary', code, reply };
}

/** Exponential backoff for temporary failures: 5, 10, 20, 40 … minutes, capped at 4 hours. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5 * 60_000 * 2 ** Math.max(0, attempt - 1), 4 * 3_600_000);
}

export const MAX_ATTEMPTS = 5;
