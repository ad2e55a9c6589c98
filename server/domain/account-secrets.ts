/**
 * An account's stored secrets belong to where they were given for: the SMTP password to one
 * server and login, the DKIM key to one signing domain and selector, the inbox's IMAP password to
 * one server and login. A change that points a
 * secret somewhere else must bring the secret again (the stored one is replaced), as
 * secret-holding integrations do; otherwise its owner could send the stored password to a host of
 * their choosing by changing the host and pressing "Test connection".
 */

import { DomainError } from './errors.js';

/** The fields that say where the SMTP password goes. */
export const SMTP_TARGET_FIELDS = ['smtpHost', 'smtpPort', 'smtpSecurity', 'smtpUser'] as const;
/** The fields that say where the inbox's IMAP password goes (`kind`: a demo inbox's stored secret is no IMAP password). */
export const INBOX_TARGET_FIELDS = ['kind', 'host', 'port', 'security', 'user'] as const;
/** The fields that say what the DKIM key signs for. */
export const DKIM_TARGET_FIELDS = ['dkimDomain', 'dkimSelector'] as const;

type SmtpTarget = Record<(typeof SMTP_TARGET_FIELDS)[number], string | number>;
type DkimTarget = Record<(typeof DKIM_TARGET_FIELDS)[number], string | null | undefined>;

export interface AccountChange extends Partial<SmtpTarget>, Partial<DkimTarget> {
  password?: string;
  dkimPrivateKey?: string | null;
}

/** The target fields the change gives a new value (a form sends unchanged values back too). */
export function retargeted<F extends string>(fields: readonly F[], current: Partial<Record<F, unknown>>, change: Partial<Record<F, unknown>>): F[] {
  return fields.filter((f) => change[f] !== undefined && change[f] !== current[f]);
}

/**
 * The refusal of the change, naming the missing secret's field, or null when it may go
 * ahead: a new SMTP target needs `password`, a new DKIM target `dkimPrivateKey` (a key, or null
 * to stop signing).
 */
export function missingSecret(current: SmtpTarget & Partial<DkimTarget>, change: AccountChange): DomainError | null {
  const smtp = retargeted(SMTP_TARGET_FIELDS, current, change);
  if (smtp.length && change.password === undefined) {
    return new DomainError('precondition', { reason: 'smtp_password_again', params: { fields: smtp } }, { field: 'password' });
  }
  // The entity leaves an unset DKIM field undefined; the API says null.
  const dkim = retargeted(DKIM_TARGET_FIELDS, { dkimDomain: current.dkimDomain ?? null, dkimSelector: current.dkimSelector ?? null }, change);
  if (dkim.length && change.dkimPrivateKey === undefined) {
    return new DomainError('precondition', { reason: 'dkim_key_again', params: { fields: dkim } }, { field: 'dkimPrivateKey' });
  }
  return null;
}

type InboxTarget = Record<(typeof INBOX_TARGET_FIELDS)[number], string | number>;

/** The refusal of an inbox change that points the stored IMAP password elsewhere without giving it again, or null. */
export function missingInboxPassword(current: InboxTarget, change: Partial<InboxTarget> & { password?: string }): DomainError | null {
  const moved = retargeted(INBOX_TARGET_FIELDS, current, change);
  if (!moved.length || change.password !== undefined) return null;
  return new DomainError('precondition', { reason: 'imap_password_again', params: { fields: moved } }, { field: 'password' });
}

/**
 * The refusal of an OAuth inbox (one that signs in with the account's grant, no password of its
 * own) on `host`, or null. The access token may go only where the provider reads mail or where
 * it already goes (the account's SMTP server, whose change drops the grant); elsewhere whoever
 * may edit the account (an admin, too) could collect a token to the owner's whole mailbox.
 */
export function oauthInboxRefusal(provider: { name: string; imap: { host: string } }, smtpHost: string, host: string): DomainError | null {
  const allowed = [provider.imap.host, smtpHost].map((h) => h.toLowerCase());
  if (allowed.includes(host.toLowerCase())) return null;
  return new DomainError('precondition', { reason: 'oauth_imap_host_only', params: { provider: provider.name, host: provider.imap.host } }, { field: 'password' });
}
