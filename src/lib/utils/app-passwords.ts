import { providerOf } from '$server/domain/mail-providers';

/**
 * Where a provider refuses the account's own password on SMTP and IMAP, how to get the app
 * password it takes instead (or, for Google and Microsoft, to connect with OAuth). Keyed by the
 * provider ids of server/domain/mail-providers.ts.
 */
const ZOHO = 'Zoho Mail with two-factor authentication takes an app password: accounts.zoho.com → Security → App passwords.';
const GOOGLE = 'Google refuses your Google password here: use Connect Google, or turn on 2-Step Verification and create an app password at myaccount.google.com → Security → App passwords.';
const GUIDANCE: Readonly<Record<string, string>> = {
  gmail: GOOGLE,
  'google-workspace': GOOGLE,
  outlook: 'Outlook.com takes an app password when two-step verification is on (account.microsoft.com → Security → App passwords), or use Connect Microsoft.',
  microsoft365: 'Microsoft 365 usually refuses passwords on SMTP and IMAP: use Connect Microsoft. App passwords work only where the tenant still allows basic authentication.',
  yahoo: 'Yahoo Mail takes an app password: Account info → Account security → Generate app password.',
  aol: 'AOL Mail takes an app password: Account info → Account security → Generate app password.',
  icloud: 'iCloud Mail takes an app-specific password: appleid.apple.com → Sign-In and Security → App-Specific Passwords.',
  zoho: ZOHO,
  'zoho-eu': ZOHO,
  'zoho-in': ZOHO,
  fastmail: 'Fastmail takes an app password: Settings → Privacy & Security → Integrations → New app password.',
};

/** The app-password guidance for the account's provider (by SMTP host, else by sender address), or null. */
export function appPasswordGuidance(smtpHost: string, email: string): string | null {
  const provider = providerOf({ address: email, host: smtpHost });
  return (provider && GUIDANCE[provider.id]) ?? null;
}
