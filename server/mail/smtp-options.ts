import type { SmtpSecurity } from '../domain/account-health.js';

/** nodemailer's connection options for one mailbox, shared by sending and the login check. */
export function smtpConnection(server: { host: string; port: number; security: SmtpSecurity; user: string }, password: string, timeoutMs: number) {
  return {
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    requireTLS: server.security === 'starttls',
    ignoreTLS: server.security === 'none',
    auth: { user: server.user, pass: password },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}
