import { providerOf, type MailProviderId } from '$server/domain/mail-providers';
import { m } from '$lib/paraglide/messages';

/**
 * Where a provider refuses the account's own password on SMTP and IMAP, how to get the app
 * password it takes instead (or, for Google and Microsoft, to connect with OAuth). Keyed by the
 * provider ids of server/domain/mail-providers.ts; the texts are in the UI's language.
 */
const GUIDANCE: Readonly<Partial<Record<MailProviderId, () => string>>> = {
  gmail: m.app_password_google,
  'google-workspace': m.app_password_google,
  outlook: m.app_password_outlook,
  microsoft365: m.app_password_microsoft365,
  yahoo: () => m.app_password_account_security({ provider: 'Yahoo Mail' }),
  aol: () => m.app_password_account_security({ provider: 'AOL Mail' }),
  icloud: m.app_password_icloud,
  zoho: m.app_password_zoho,
  'zoho-eu': m.app_password_zoho,
  'zoho-in': m.app_password_zoho,
  fastmail: m.app_password_fastmail,
};

/** The app-password guidance for the account's provider (by SMTP host, else by sender address), or null. */
export function appPasswordGuidance(smtpHost: string, email: string): string | null {
  const provider = providerOf({ address: email, host: smtpHost });
  return provider ? (GUIDANCE[provider.id]?.() ?? null) : null;
}
