import { describe, expect, it } from 'vitest';
import { missingInboxPassword, missingSecret, oauthInboxRefusal } from '../../server/domain/account-secrets.js';
import { OAUTH_PROVIDER_TABLE } from '../../server/domain/oauth-providers.js';

const stored = { smtpHost: 'smtp.crm.test', smtpPort: 587, smtpSecurity: 'starttls', smtpUser: 'ann', dkimDomain: 'crm.test', dkimSelector: 's1' };

describe('secrets of an account', () => {
  // A stored secret only goes where it was given for: a new target needs the secret again.
  it('asks for the password when the server or login changes, and for the DKIM key when its domain or selector does', () => {
    expect(missingSecret(stored, { smtpHost: 'smtp.evil.test' })?.message).toMatch(/^password: changing smtpHost /);
    expect(missingSecret(stored, { smtpPort: 2525, smtpUser: 'bob' })?.message).toMatch(/^password: changing smtpPort, smtpUser /);
    expect(missingSecret(stored, { smtpHost: 'smtp.evil.test', password: 'new' })).toBeNull();
    expect(missingSecret(stored, { dkimSelector: 's2', password: 'new' })?.message).toMatch(/^dkimPrivateKey: /);
    expect(missingSecret(stored, { dkimDomain: null, dkimSelector: null, dkimPrivateKey: null })).toBeNull();
  });

  // A form sends every field back: the same values are no change.
  it('lets unchanged values through without a secret', () => {
    expect(missingSecret(stored, { ...stored })).toBeNull();
    expect(missingSecret({ ...stored, dkimDomain: undefined, dkimSelector: undefined }, { dkimDomain: null, dkimSelector: null })).toBeNull();
  });
});

describe('the IMAP password of an inbox', () => {
  const inbox = { kind: 'imap', host: 'imap.crm.test', port: 993, security: 'tls', user: 'ann' };

  // The stored IMAP password only goes to the server and login it was given for.
  it('is asked for again when the server, port, security, login or kind changes', () => {
    expect(missingInboxPassword(inbox, { host: 'imap.evil.test' })?.message).toMatch(/^password: changing host needs the IMAP password again/);
    expect(missingInboxPassword(inbox, { port: 143, security: 'none' })?.message).toMatch(/^password: changing port, security /);
    expect(missingInboxPassword(inbox, { user: 'bob' })?.field).toBe('password');
    expect(missingInboxPassword({ ...inbox, kind: 'sink' }, { ...inbox })?.message).toMatch(/^password: changing kind /);
    expect(missingInboxPassword(inbox, { host: 'imap.other.test', password: 'new' })).toBeNull();
  });

  it('is not needed for the same target sent back', () => {
    expect(missingInboxPassword(inbox, { ...inbox })).toBeNull();
    expect(missingInboxPassword(inbox, {})).toBeNull();
  });

  // An inbox without a password signs in with the account's grant: its token to the whole mailbox
  // goes only where the provider reads mail or where the account already sends.
  it("lets an OAuth inbox sign in only at the provider's IMAP server or the account's SMTP server", () => {
    const google = OAUTH_PROVIDER_TABLE.google;
    expect(oauthInboxRefusal(google, 'smtp.gmail.com', 'IMAP.gmail.com')).toBeNull();
    expect(oauthInboxRefusal(google, '127.0.0.1', '127.0.0.1')).toBeNull();
    expect(oauthInboxRefusal(google, 'smtp.gmail.com', 'imap.attacker.test')?.message).toMatch(/^password: the Google connection signs in only at imap\.gmail\.com/);
  });
});
