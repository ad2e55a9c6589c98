import type { SmtpSecurity } from '../domain/account-health.js';
import type { MailCredentials } from '../engine/ports.js';

/**
 * nodemailer's connection options for one mailbox, shared by sending and the login check. An
 * access token signs in with XOAUTH2; nodemailer is given no refresh token, so it never refreshes
 * on its own (AccessTokens does, shared between processes).
 */
export function smtpConnection(server: { host: string; port: number; security: SmtpSecurity; user: string }, credentials: MailCredentials, timeoutMs: number) {
  return {
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    requireTLS: server.security === 'starttls',
    ignoreTLS: server.security === 'none',
    auth: credentials.kind === 'oauth2' ? { type: 'OAuth2' as const, user: server.user, accessToken: credentials.accessToken } : { user: server.user, pass: credentials.password },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}
