import { describe, expect, it } from 'vitest';
import { MAIL_PROVIDERS, providerOf, providerOfAddress, providerOfHost } from '../../server/domain/mail-providers.js';

describe('providerOfAddress', () => {
  // An address finds its provider by domain, whatever its case or surrounding blanks.
  it('finds the provider of an address by its domain', () => {
    expect(providerOfAddress('Ann.Seller@GMAIL.com')?.imap).toEqual({ host: 'imap.gmail.com', port: 993, security: 'tls' });
    expect(providerOfAddress('  ann@GoogleMail.COM. ')?.id).toBe('gmail');
    expect(providerOfAddress('ann@hotmail.co.uk')?.id).toBe('outlook');
    expect(providerOfAddress('ann@me.com')?.imap.host).toBe('imap.mail.me.com');
    expect(providerOfAddress('ann@gmx.de')?.imap.host).toBe('imap.gmx.net');
    expect(providerOfAddress('ann@gmx.com')?.imap.host).toBe('imap.gmx.com');
    expect(providerOfAddress('ann@ya.ru')?.imap.host).toBe('imap.yandex.ru');
  });

  // Only the whole domain after the last @ is the provider's: subdomains, lookalikes and a
  // provider's name earlier in the string are someone else's.
  it('finds nothing for subdomains, lookalikes and unknown domains', () => {
    for (const hostile of ['ann@crm.test', 'ann@notgmail.com', 'ann@gmail.com.evil.io', 'ann@mail.gmail.com', 'ann@gmail.co', 'gmail.com@evil.io', 'ann@gmail.com@evil.io', 'ann@gmaіl.com', 'ann@gmail.com ann@evil.io', 'gmail.com', '@', ''])
      expect([hostile, providerOfAddress(hostile)]).toEqual([hostile, null]);
  });
});

describe('providerOfHost', () => {
  // A custom domain is found by the SMTP host it sends through.
  it('finds the provider of an SMTP host, aliases and a trailing dot included', () => {
    expect(providerOfHost('smtp.office365.com')?.imap).toEqual({ host: 'outlook.office365.com', port: 993, security: 'tls' });
    expect(providerOfHost('smtp.1und1.de')?.imap.host).toBe('imap.ionos.de');
    expect(providerOfHost('ssl0.ovh.net')?.imap).toEqual({ host: 'ssl0.ovh.net', port: 993, security: 'tls' });
    expect(providerOfHost('smtp.zoho.eu')?.imap.host).toBe('imap.zoho.eu');
  });

  // smtp.gmail.com alone cannot tell Workspace from Gmail: a host is a custom domain's, so Workspace.
  it('takes smtp.gmail.com without an address for Google Workspace', () => {
    expect(providerOfHost('SMTP.GMAIL.COM.')?.id).toBe('google-workspace');
  });

  it('finds nothing for lookalikes, subdomains and other servers of a provider', () => {
    for (const hostile of ['smtp.gmail.com.evil.io', 'evil-smtp.gmail.com', 'eu.smtp.gmail.com', 'imap.gmail.com', 'smtp.gmail', 'ann@smtp.gmail.com', ''])
      expect([hostile, providerOfHost(hostile)]).toEqual([hostile, null]);
  });
});

describe('providerOf', () => {
  // The address decides between providers that share servers.
  it('tells consumer Gmail from Google Workspace by the address', () => {
    expect(providerOf({ address: 'ann@gmail.com', host: 'smtp.gmail.com' })?.id).toBe('gmail');
    expect(providerOf({ address: 'ann@gmail.com', host: '' })?.id).toBe('gmail');
    expect(providerOf({ address: 'ann@company.test', host: 'smtp.gmail.com' })?.id).toBe('google-workspace');
  });

  // An address sending through another provider's server belongs to that server's limits.
  it('takes the server’s provider when the address is another’s, and the address when the server is unknown', () => {
    expect(providerOf({ address: 'ann@gmail.com', host: 'smtp.office365.com' })?.id).toBe('microsoft365');
    expect(providerOf({ address: 'ann@gmail.com', host: 'mail.relay.test' })?.id).toBe('gmail');
    expect(providerOf({ address: 'ann@company.test', host: 'mail.company.test' })).toBeNull();
  });
});

describe('MAIL_PROVIDERS', () => {
  it('lists the required providers once each, with secure servers', () => {
    const names = MAIL_PROVIDERS.map((p) => p.name).join(' | ');
    for (const wanted of ['Gmail', 'Google Workspace', 'Microsoft 365', 'Outlook.com', 'Yahoo', 'iCloud', 'Zoho', 'Fastmail', 'GMX', 'IONOS', 'Yandex', 'AOL', 'OVH']) expect(names).toContain(wanted);
    expect(new Set(MAIL_PROVIDERS.map((p) => p.id)).size).toBe(MAIL_PROVIDERS.length);
    const domains = MAIL_PROVIDERS.flatMap((p) => p.domains);
    expect(new Set(domains).size).toBe(domains.length);
    for (const p of MAIL_PROVIDERS) expect([p.id, p.imap.security, p.smtp.security === 'none']).toEqual([p.id, 'tls', false]);
  });

  // A suggested limit the provider would refuse gets the mailbox blocked: each is under the
  // provider's own figure, within the form's range, and says where the figure is published.
  it('suggests daily limits under each provider’s published figure, with its source', () => {
    // The figures as each source states them (per day; Outlook.com: new recipients a day).
    const caps: Record<string, number> = { gmail: 500, 'google-workspace': 2000, microsoft365: 10_000, outlook: 1000, icloud: 1000 };
    for (const { id, dailyLimit } of MAIL_PROVIDERS) {
      if (!dailyLimit) continue;
      expect([id, new URL(dailyLimit.source).protocol]).toEqual([id, 'https:']);
      expect([id, dailyLimit.suggested >= 1 && dailyLimit.suggested <= 10_000]).toEqual([id, true]);
      if (caps[id]) expect([id, dailyLimit.suggested < caps[id], dailyLimit.published]).toEqual([id, true, expect.stringContaining(caps[id].toLocaleString('en-US'))]);
    }
    expect(Object.fromEntries(MAIL_PROVIDERS.flatMap((p) => (p.dailyLimit ? [[p.id, p.dailyLimit.suggested]] : [])))).toMatchObject({ gmail: 350, 'google-workspace': 1500, microsoft365: 5000, outlook: 300, icloud: 750, zoho: 300 });
  });
});
