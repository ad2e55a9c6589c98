import { describe, expect, it } from 'vitest';
import { missingSecret } from '../../server/domain/account-secrets.js';

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
