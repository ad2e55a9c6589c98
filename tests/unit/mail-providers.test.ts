import { describe, expect, it } from 'vitest';
import { MAIL_PROVIDERS, presetFor } from '../../server/domain/mail-providers.js';

describe('presetFor', () => {
  // An address finds its provider by domain, whatever its case.
  it('finds the provider of an address by its domain', () => {
    expect(presetFor('Ann.Seller@GMAIL.com')?.imap).toEqual({ host: 'imap.gmail.com', port: 993, security: 'tls' });
    expect(presetFor('ann@hotmail.co.uk')?.id).toBe('outlook');
    expect(presetFor('ann@me.com')?.imap.host).toBe('imap.mail.me.com');
    expect(presetFor('ann@gmx.de')?.imap.host).toBe('imap.gmx.net');
    expect(presetFor('ann@gmx.com')?.imap.host).toBe('imap.gmx.com');
    expect(presetFor('ann@ya.ru')?.imap.host).toBe('imap.yandex.ru');
  });

  // A custom domain is found by the SMTP host it sends through.
  it('finds the provider of an SMTP host, aliases and a trailing dot included', () => {
    expect(presetFor('smtp.office365.com')?.imap).toEqual({ host: 'outlook.office365.com', port: 993, security: 'tls' });
    expect(presetFor('SMTP.GMAIL.COM.')?.id).toBe('gmail');
    expect(presetFor('smtp.1und1.de')?.imap.host).toBe('imap.ionos.de');
    expect(presetFor('ssl0.ovh.net')?.imap).toEqual({ host: 'ssl0.ovh.net', port: 993, security: 'tls' });
    expect(presetFor('smtp.zoho.eu')?.imap.host).toBe('imap.zoho.eu');
  });

  // A lookalike is not the provider: only whole domains and whole host names match.
  it('finds nothing for unknown domains, lookalikes and hosts of other servers', () => {
    expect(presetFor('ann@crm.test')).toBeNull();
    expect(presetFor('ann@notgmail.com')).toBeNull();
    expect(presetFor('ann@gmail.com.evil.test')).toBeNull();
    expect(presetFor('smtp.gmail.com.evil.test')).toBeNull();
    expect(presetFor('imap.gmail.com')).toBeNull();
    expect(presetFor('')).toBeNull();
  });

  it('lists the required providers once each, with secure servers', () => {
    const names = MAIL_PROVIDERS.map((p) => p.name).join(' | ');
    for (const wanted of ['Gmail', 'Google Workspace', 'Microsoft 365', 'Outlook.com', 'Yahoo', 'iCloud', 'Zoho', 'Fastmail', 'GMX', 'IONOS', 'Yandex', 'AOL', 'OVH']) expect(names).toContain(wanted);
    expect(new Set(MAIL_PROVIDERS.map((p) => p.id)).size).toBe(MAIL_PROVIDERS.length);
    const domains = MAIL_PROVIDERS.flatMap((p) => p.domains);
    expect(new Set(domains).size).toBe(domains.length);
    for (const p of MAIL_PROVIDERS) expect([p.id, p.imap.security, p.smtp.security === 'none']).toEqual([p.id, 'tls', false]);
  });
});
