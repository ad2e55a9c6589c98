import type { Settings } from '../db/entities/settings.entity.js';
import type { OAuthClient, OAuthProvider, OAuthProviderId } from '../domain/oauth-providers.js';
import type { SecretBox } from '../security/secret-box.js';

/**
 * Where a provider's endpoints are: its own hosts, or (tests and on-premises proxies only) an
 * issuer URL set in the configuration, never by a user.
 */
export type OAuthIssuers = Partial<Record<OAuthProviderId, string>>;

/** A provider's registered client, as the admin set it in Settings, or null when there is none. */
export function oauthClientOf(settings: Settings, provider: OAuthProviderId, secrets: SecretBox): OAuthClient | null {
  if (provider === 'google') {
    if (!settings.googleClientId || !settings.googleClientSecretEnc) return null;
    return { clientId: settings.googleClientId, clientSecret: secrets.decrypt(settings.googleClientSecretEnc) };
  }
  if (!settings.microsoftClientId || !settings.microsoftClientSecretEnc) return null;
  return { clientId: settings.microsoftClientId, clientSecret: secrets.decrypt(settings.microsoftClientSecretEnc), tenant: settings.microsoftTenant };
}

/** The token endpoint of a provider for a client: the provider table's, or the configured issuer's. */
export function tokenUrlOf(provider: OAuthProvider, client: OAuthClient, issuers: OAuthIssuers): string {
  return provider.tokenUrl(client, issuers[provider.id]);
}

