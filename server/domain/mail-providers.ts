import type { SmtpSecurity } from './account-health.js';

/**
 * Well-known mailbox providers, their servers and their sending limits, so a form can fill in an
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
  id: MailProviderId;
  name: string;
  /** Address domains the provider hosts (none for providers of customers' own domains). */
  domains: readonly string[];
  smtp: MailServer;
  /** Older names of the same SMTP server that accounts may still use. */
  smtpAliases?: readonly string[];
  imap: MailServer;
  /** A daily limit to start from, or null where the provider publishes no figure to stay under. */
  dailyLimit: DailyLimit | null;
}

/**
 * What the form fills in, below the provider's published cap: the owner's own mail counts
 * against the same quota, and new or free accounts often get less.
 */
export interface DailyLimit {
  suggested: number;
  /** The provider's own figure, in its words. */
  published: string;
  /** Where the provider publishes it. */
  source: string;
}

/** Each figure is the provider's own; `suggested` stays under it (see DailyLimit). */
const LIMITS = {
  gmail: {
    suggested: 350,
    published: 'about 500 recipients a day for a Gmail account',
    source: 'https://support.google.com/mail/answer/22839',
  },
  googleWorkspace: {
    suggested: 1500,
    published: '2,000 messages a day (500 on trial accounts)',
    source: 'https://support.google.com/a/answer/166852',
  },
  microsoft365: {
    suggested: 5000,
    published: '10,000 recipients a day',
    source: 'https://learn.microsoft.com/en-us/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits#sending-limits',
  },
  // 1,000 a day to people never written to before binds a mailing; free accounts get less, unstated.
  outlook: {
    suggested: 300,
    published: '5,000 recipients a day, 1,000 of them new, for Microsoft 365 subscribers; lower for free accounts',
    source: 'https://support.microsoft.com/en-us/office/sending-limits-in-outlook-com-279ee200-594c-40f0-9ec8-bb6af7735c2e',
  },
  icloud: {
    suggested: 750,
    published: '1,000 messages and 1,000 recipients a day',
    source: 'https://support.apple.com/en-us/102198',
  },
  // 300 a day over a working day stays under the lowest hourly figure.
  zoho: {
    suggested: 300,
    published: '50 to 500 external messages an hour, by sender reputation',
    source: 'https://www.zoho.com/mail/help/adminconsole/rates-and-limits.html',
  },
} as const satisfies Record<string, DailyLimit>;

const tls = (host: string, port: number): MailServer => ({ host, port, security: 'tls' });
const starttls = (host: string, port: number): MailServer => ({ host, port, security: 'starttls' });

const PROVIDERS = [
  { id: 'gmail', name: 'Gmail', domains: ['gmail.com', 'googlemail.com'], smtp: tls('smtp.gmail.com', 465), imap: tls('imap.gmail.com', 993), dailyLimit: LIMITS.gmail },
  // Same servers as Gmail: an address on the company's own domain sending through smtp.gmail.com.
  { id: 'google-workspace', name: 'Google Workspace', domains: [], smtp: tls('smtp.gmail.com', 465), imap: tls('imap.gmail.com', 993), dailyLimit: LIMITS.googleWorkspace },
  {
    id: 'outlook', name: 'Outlook.com',
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'outlook.de', 'outlook.fr', 'hotmail.de', 'hotmail.fr', 'hotmail.co.uk', 'live.de', 'live.fr', 'live.co.uk'],
    smtp: starttls('smtp-mail.outlook.com', 587), imap: tls('outlook.office365.com', 993), dailyLimit: LIMITS.outlook,
  },
  { id: 'microsoft365', name: 'Microsoft 365', domains: [], smtp: starttls('smtp.office365.com', 587), imap: tls('outlook.office365.com', 993), dailyLimit: LIMITS.microsoft365 },
  {
    id: 'yahoo', name: 'Yahoo Mail',
    domains: ['yahoo.com', 'ymail.com', 'rocketmail.com', 'yahoo.co.uk', 'yahoo.de', 'yahoo.fr', 'yahoo.es', 'yahoo.it'],
    smtp: tls('smtp.mail.yahoo.com', 465), imap: tls('imap.mail.yahoo.com', 993), dailyLimit: null,
  },
  { id: 'icloud', name: 'iCloud Mail', domains: ['icloud.com', 'me.com', 'mac.com'], smtp: starttls('smtp.mail.me.com', 587), imap: tls('imap.mail.me.com', 993), dailyLimit: LIMITS.icloud },
  { id: 'zoho', name: 'Zoho Mail', domains: ['zoho.com', 'zohomail.com'], smtp: tls('smtp.zoho.com', 465), imap: tls('imap.zoho.com', 993), dailyLimit: LIMITS.zoho },
  { id: 'zoho-eu', name: 'Zoho Mail (EU)', domains: ['zoho.eu', 'zohomail.eu'], smtp: tls('smtp.zoho.eu', 465), imap: tls('imap.zoho.eu', 993), dailyLimit: LIMITS.zoho },
  { id: 'zoho-in', name: 'Zoho Mail (India)', domains: ['zohomail.in'], smtp: tls('smtp.zoho.in', 465), imap: tls('imap.zoho.in', 993), dailyLimit: LIMITS.zoho },
  { id: 'fastmail', name: 'Fastmail', domains: ['fastmail.com', 'fastmail.fm'], smtp: tls('smtp.fastmail.com', 465), imap: tls('imap.fastmail.com', 993), dailyLimit: null },
  { id: 'gmx', name: 'GMX', domains: ['gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch'], smtp: starttls('mail.gmx.net', 587), imap: tls('imap.gmx.net', 993), dailyLimit: null },
  { id: 'gmx-com', name: 'GMX (international)', domains: ['gmx.com', 'gmx.us', 'gmx.co.uk', 'gmx.fr', 'gmx.es'], smtp: starttls('mail.gmx.com', 587), imap: tls('imap.gmx.com', 993), dailyLimit: null },
  { id: 'webde', name: 'WEB.DE', domains: ['web.de'], smtp: starttls('smtp.web.de', 587), imap: tls('imap.web.de', 993), dailyLimit: null },
  { id: 'ionos-de', name: 'IONOS (Germany)', domains: [], smtp: tls('smtp.ionos.de', 465), smtpAliases: ['smtp.1und1.de'], imap: tls('imap.ionos.de', 993), dailyLimit: null },
  { id: 'ionos-com', name: 'IONOS (US)', domains: [], smtp: tls('smtp.ionos.com', 465), imap: tls('imap.ionos.com', 993), dailyLimit: null },
  { id: 'ionos-uk', name: 'IONOS (UK)', domains: [], smtp: tls('smtp.ionos.co.uk', 465), imap: tls('imap.ionos.co.uk', 993), dailyLimit: null },
  { id: 'ionos-fr', name: 'IONOS (France)', domains: [], smtp: tls('smtp.ionos.fr', 465), imap: tls('imap.ionos.fr', 993), dailyLimit: null },
  { id: 'ionos-es', name: 'IONOS (Spain)', domains: [], smtp: tls('smtp.ionos.es', 465), imap: tls('imap.ionos.es', 993), dailyLimit: null },
  { id: 'yandex', name: 'Yandex Mail', domains: ['yandex.com'], smtp: tls('smtp.yandex.com', 465), imap: tls('imap.yandex.com', 993), dailyLimit: null },
  { id: 'yandex-ru', name: 'Yandex Mail (Russia)', domains: ['yandex.ru', 'ya.ru', 'yandex.by', 'yandex.kz', 'yandex.ua', 'narod.ru'], smtp: tls('smtp.yandex.ru', 465), imap: tls('imap.yandex.ru', 993), dailyLimit: null },
  { id: 'aol', name: 'AOL Mail', domains: ['aol.com', 'aim.com'], smtp: tls('smtp.aol.com', 465), imap: tls('imap.aol.com', 993), dailyLimit: null },
  { id: 'ovh', name: 'OVHcloud (MX Plan)', domains: [], smtp: tls('ssl0.ovh.net', 465), imap: tls('ssl0.ovh.net', 993), dailyLimit: null },
] as const satisfies readonly (Omit<MailProvider, 'id'> & { id: string })[];

export type MailProviderId = (typeof PROVIDERS)[number]['id'];
export const MAIL_PROVIDERS: readonly MailProvider[] = PROVIDERS;

const normalised = (value: string) => value.trim().toLowerCase().replace(/\.$/, '');

/** The provider hosting an address's domain (the part after the last @), or null. Only the whole domain matches. */
export function providerOfAddress(address: string): MailProvider | null {
  const value = normalised(address);
  const at = value.lastIndexOf('@');
  if (at < 0) return null;
  const domain = value.slice(at + 1);
  return MAIL_PROVIDERS.find((p) => p.domains.includes(domain)) ?? null;
}

/**
 * The provider of an SMTP host, or null. Only the whole host name matches. A host shared with a
 * provider of its own addresses (smtp.gmail.com) names the one for customers' domains: an address
 * at the consumer domain is recognised by the address first (see providerOf).
 */
export function providerOfHost(host: string): MailProvider | null {
  const value = normalised(host);
  const serves = (p: MailProvider) => p.smtp.host === value || (p.smtpAliases?.includes(value) ?? false);
  return MAIL_PROVIDERS.find((p) => serves(p) && p.domains.length === 0) ?? MAIL_PROVIDERS.find(serves) ?? null;
}

/**
 * The provider of an account: its address's provider unless the account sends through another
 * provider's server, else its SMTP host's provider. A Gmail address on smtp.gmail.com is consumer
 * Gmail; a company address on smtp.gmail.com is Google Workspace.
 */
export function providerOf(account: { address: string; host: string }): MailProvider | null {
  const byAddress = providerOfAddress(account.address);
  const byHost = account.host.trim() ? providerOfHost(account.host) : null;
  if (byAddress && (!byHost || byHost.smtp.host === byAddress.smtp.host)) return byAddress;
  return byHost ?? byAddress;
}
