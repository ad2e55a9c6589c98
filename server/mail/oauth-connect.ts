import { createHash, randomBytes } from 'node:crypto';
import type { Em } from '../db/orm.js';
import type { Settings } from '../db/entities/settings.entity.js';
import { oauthGrantRepository } from '../db/repositories/oauth-grant.repository.js';
import { missingScopes, OAUTH_PROVIDER_TABLE, OAuthGrantError, type OAuthProviderId } from '../domain/oauth-providers.js';
import type { SecretBox } from '../security/secret-box.js';
import { oauthClientOf, tokenUrlOf, type OAuthIssuers } from './oauth-clients.js';
import { exchangeCode } from './oauth-token-endpoint.js';

/**
 * Connecting a mailbox with the authorisation-code flow, PKCE (S256) and state (RFC 7636, RFC
 * 6749 10.12). The state is sealed (AES-GCM with the server's key): it carries the PKCE verifier,
 * the account, the user who started and a deadline, so no table is needed, nobody can forge or
 * read one, and the callback accepts it only for the user who started it.
 */

const STATE_TTL_MS = 10 * 60_000;

interface PendingConnect {
  accountId: number;
  userId: number;
  provider: OAuthProviderId;
  verifier: string;
  expiresAt: number;
}

/** The provider's authorisation URL for connecting `accountId`, or null when no client is registered. */
export function startConnect(settings: Settings, secrets: SecretBox, issuers: OAuthIssuers, start: { accountId: number; userId: number; provider: OAuthProviderId; redirectUri: string; loginHint: string; now: Date }): string | null {
  const provider = OAUTH_PROVIDER_TABLE[start.provider];
  const client = oauthClientOf(settings, start.provider, secrets);
  if (!client) return null;
  const verifier = randomBytes(32).toString('base64url');
  const pending: PendingConnect = { accountId: start.accountId, userId: start.userId, provider: start.provider, verifier, expiresAt: start.now.getTime() + STATE_TTL_MS };
  const url = new URL(provider.authorizeUrl(client, issuers[start.provider]));
  const params = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: start.redirectUri,
    scope: provider.scopes.join(' '),
    state: secrets.encrypt(JSON.stringify(pending)),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    login_hint: start.loginHint,
    ...provider.authorizeParams,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Why a callback cannot connect anything (shown to the user on the accounts page). */
export class ConnectError extends Error {}

/** Opens the state of a callback; throws ConnectError when it is forged, stale or someone else's. */
export function openState(secrets: SecretBox, state: string, userId: number, now: Date): PendingConnect {
  let pending: PendingConnect;
  try {
    pending = JSON.parse(secrets.decrypt(state)) as PendingConnect;
  } catch {
    throw new ConnectError('The answer from the provider is not one Mailroom asked for');
  }
  if (pending.userId !== userId) throw new ConnectError('The connection was started by someone else; start it again');
  if (pending.expiresAt < now.getTime()) throw new ConnectError('The connection took too long; start it again');
  return pending;
}

/**
 * Trades the code for a grant and stores it on the account (replacing any earlier one: a
 * reconnection). Refuses a grant without the scopes sending and reading need. The tokens go only
 * to the account's SMTP server as it was when connected: changing it drops the grant (accounts.ts).
 */
export async function finishConnect(em: Em, settings: Settings, secrets: SecretBox, issuers: OAuthIssuers, pending: PendingConnect, code: string, redirectUri: string, now: () => Date): Promise<void> {
  const provider = OAUTH_PROVIDER_TABLE[pending.provider];
  const client = oauthClientOf(settings, pending.provider, secrets);
  if (!client) throw new ConnectError(`No ${provider.name} OAuth client is registered in Settings`);
  let grant;
  try {
    grant = await exchangeCode(tokenUrlOf(provider, client, issuers), client, { code, verifier: pending.verifier, redirectUri }, now);
  } catch (err) {
    if (err instanceof OAuthGrantError) throw new ConnectError(`${provider.name} refused the connection: ${err.message}`);
    throw err;
  }
  const missing = missingScopes(provider.scopes, grant.scope);
  if (missing.length) throw new ConnectError(`${provider.name} did not grant ${missing.join(', ')}; connect again and allow Mailroom to send and read mail`);
  if (!grant.refreshToken) throw new ConnectError(`${provider.name} gave no refresh token; remove Mailroom's access in your ${provider.name} account and connect again`);
  await oauthGrantRepository.connect(em, pending.accountId, {
    provider: provider.id,
    refreshTokenEnc: secrets.encrypt(grant.refreshToken),
    accessTokenEnc: secrets.encrypt(grant.accessToken),
    accessExpiresAt: grant.expiresAt,
  });
}
