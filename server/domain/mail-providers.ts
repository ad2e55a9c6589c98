import type { SmtpSecurity } from './account-health.js';

/**
 * Well-known mailbox providers and their servers, so a form can fill in the IMAP side of an
 * account from what it already knows: the sending address's domain or the SMTP host. Providers
 * that serve customers' own domains (Google Workspace, Microsoft 365, IONOS, OVH) are found by
 * their SMTP host only. Servers as each provider documents them for mail clients.
 */

export interface MailServer {
  host: string;
  port: number;
  security: SmtpSecurity;
}

export interface MailProvider {
  id: string;
  name: string;
  /** Address domains the provider hosts (none for providers of customers' own domains). */
  domains: readonly string[];
  smtp: MailServer;
  /** Older names of the same SMTP server that accounts may still use. */
  smtpAliases?: readonly string[];
  imap: MailServer;
}

const tls = (host: string, port: number): MailServer => ({ host, port, security: 'tls' });
const starttls = (host: string, port: number): MailServer => ({ host, port, security: 'starttls' });

export const MAIL_PROVIDERS: readonly MailProvider[] = [
  { id: 'gmail', name: 'Gmail / Google Workspace', domains: ['gmail.com', 'googlemail.com'], smtp: tls('smtp.gmail.com', 465), imap: tls('imap.gmail.com', 993) },
  {
    id: 'outlook', name: 'Outlook.com',
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'outlook.de', 'outlook.fr', 'hotmail.de', 'hotmail.fr', 'hotmail.co.uk', 'live.de', 'live.fr', 'live.co.uk'],
    smtp: starttls('smtp-mail.outlook.com', 587), imap: tls('outlook.office365.com', 993),
  },
  { id: 'microsoft365', name: 'Microsoft 365', domains: [], smtp: starttls('smtp.office365.com', 587), imap: tls('outlook.office365.com', 993) },
  {
    id: 'yahoo', name: 'Yahoo Mail',
    domains: ['yahoo.com', 'ymail.com', 'rocketmail.com', 'yahoo.co.uk', 'yahoo.de', 'yahoo.fr', 'yahoo.es', 'yahoo.it'],
    smtp: tls('smtp.mail.yahoo.com', 465), imap: tls('imap.mail.yahoo.com', 993),
  },
  { id: 'icloud', name: 'iCloud Mail', domains: ['icloud.com', 'me.com', 'mac.com'], smtp: starttls('smtp.mail.me.com', 587), imap: tls('imap.mail.me.com', 993) },
  { id: 'zoho', name: 'Zoho Mail', domains: ['zoho.com', 'zohomail.com'], smtp: tls('smtp.zoho.com', 465), imap: tls('imap.zoho.com', 993) },
  { id: 'zoho-eu', name: 'Zoho Mail (EU)', domains: ['zoho.eu', 'zohomail.eu'], smtp: tls('smtp.zoho.eu', 465), imap: tls('imap.zoho.eu', 993) },
  { id: 'zoho-in', name: 'Zoho Mail (India)', domains: ['zohomail.in'], smtp: tls('smtp.zoho.in', 465), imap: tls('imap.zoho.in', 993) },
  { id: 'fastmail', name: 'Fastmail', domains: ['fastmail.com', 'fastmail.fm'], smtp: tls('smtp.fastmail.com', 465), imap: tls('imap.fastmail.com', 993) },
  { id: 'gmx', name: 'GMX', domains: ['gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch'], smtp: starttls('mail.gmx.net', 587), imap: tls('imap.gmx.net', 993) },
  { id: 'gmx-com', name: 'GMX (international)', domains: ['gmx.com', 'gmx.us', 'gmx.co.uk', 'gmx.fr', 'gmx.es'], smtp: starttls('mail.gmx.com', 587), imap: tls('imap.gmx.com', 993) },
  { id: 'webde', name: 'WEB.DE', domains: ['web.de'], smtp: starttls('smtp.web.de', 587), imap: tls('imap.web.de', 993) },
  { id: 'ionos-de', name: 'IONOS (Germany)', domains: [], smtp: tls('smtp.ionos.de', 465), smtpAliases: ['smtp.1und1.de'], imap: tls('imap.ionos.de', 993) },
  { id: 'ionos-com', name: 'IONOS (US)', domains: [], smtp: tls('smtp.ionos.com', 465), imap: tls('imap.ionos.com', 993) },
  { id: 'ionos-uk', name: 'IONOS (UK)', domains: [], smtp: tls('smtp.ionos.co.uk', 465), imap: tls('imap.ionos.co.uk', 993) },
  { id: 'ionos-fr', name: 'IONOS (France)', domains: [], smtp: tls('smtp.ionos.fr', 465), imap: tls('imap.ionos.fr', 993) },
  { id: 'ionos-es', name: 'IONOS (Spain)', domains: [], smtp: tls('smtp.ionos.es', 465), imap: tls('imap.ionos.es', 993) },
  { id: 'yandex', name: 'Yandex Mail', domains: ['yandex.com'], smtp: tls('smtp.yandex.com', 465), imap: tls('imap.yandex.com', 993) },
  { id: 'yandex-ru', name: 'Yandex Mail (Russia)', domains: ['yandex.ru', 'ya.ru', 'yandex.by', 'yandex.kz', 'yandex.ua', 'narod.ru'], smtp: tls('smtp.yandex.ru', 465), imap: tls('imap.yandex.ru', 993) },
  { id: 'aol', name: 'AOL Mail', domains: ['aol.com', 'aim.com'], smtp: tls('smtp.aol.com', 465), imap: tls('imap.aol.com', 993) },
  { id: 'ovh', name: 'OVHcloud (MX Plan)', domains: [], smtp: tls('ssl0.ovh.net', 465), imap: tls('ssl0.ovh.net', 993) },
];

/**
 * The provider of an e-mail address (by its domain) or of an SMTP host (by its name), or null.
 * Case and a trailing dot do not matter.
 */
export function presetFor(emailOrSmtpHost: string): MailProvider | null {
  const value = emailOrSmtpHost.trim().toLowerCase().replace(/\.$/, '');
  const at = value.lastIndexOf('@');
  if (at >= 0) {
    const domain = value.slice(at + 1);
    return MAIL_PROVIDERS.find((p) => p.domains.includes(domain)) ?? null;
  }
  return MAIL_PROVIDERS.find((p) => p.smtp.host === value || p.smtpAliases?.includes(value)) ?? null;
}
