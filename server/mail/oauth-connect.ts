import { createHash, randomBytes } from 'node:crypto';
import type { Em } from '../db/orm.js';
import type { Settings } from '../db/entities/settings.entity.js';
import { oauthGrantRepository, type StoredGrant } from '../db/repositories/oauth-grant.repository.js';
import { missingScopes, OAUTH_PROVIDER_TABLE, OAuthGrantError, oauthProviderOf, requestedScopes, type OAuthProvider, type OAuthProviderId } from '../domain/oauth-providers.js';
import { mailboxOf } from '../domain/oauth-identity.js';
import type { ConnectFailure } from '../domain/oauth-connect-failures.js';
import type { SecretBox } from '../security/secret-box.js';
import { oauthClientOf, tokenUrlOf, type OAuthIssuers } from './oauth-clients.js';
import { exchangeCode, revokeToken, type TokenGrant } from './oauth-token-endpoint.js';

/**
 * Connecting a mailbox with the authorisation-code flow, PKCE (S256) and state (RFC 7636, RFC
 * 6749 10.12). The state is sealed (AES-GCM with the server's key): it carries the PKCE verifier,
 * the account (none: the grant makes a new account), the user who started and a deadline, so no
 * table is needed, nobody can forge or read one, and the callback accepts it only for the user
 * who started it.
 */

const STATE_TTL_MS = 10 * 60_000;

export interface PendingConnect {
  /** The account to connect, or null to make a new account of the connected mailbox. */
  accountId: number | null;
  userId: number;
  provider: OAuthProviderId;
  verifier: string;
  expiresAt: number;
}

/** The provider's authorisation URL, or null when no client is registered. */
export function startConnect(settings: Settings, secrets: SecretBox, issuers: OAuthIssuers, start: { accountId: number | null; userId: number; provider: OAuthProviderId; redirectUri: string; loginHint?: string; now: Date }): string | null {
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
    scope: requestedScopes(provider).join(' '),
    state: secrets.encrypt(JSON.stringify(pending)),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(start.loginHint ? { login_hint: start.loginHint } : {}),
    ...provider.authorizeParams,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Why a callback cannot connect anything: its code goes to the accounts page, which words it; the message is for logs. */
export class ConnectError extends Error {
  constructor(
    readonly reason: ConnectFailure,
    message: string,
    /** The account the failure is about, when the page can name it. */
    readonly accountId?: number,
  ) {
    super(message);
  }
}

/** Opens the state of a callback; throws ConnectError when it is forged, stale or someone else's. */
export function openState(secrets: SecretBox, state: string, userId: number, now: Date): PendingConnect {
  let pending: PendingConnect;
  try {
    pending = JSON.parse(secrets.decrypt(state)) as PendingConnect;
  } catch {
    throw new ConnectError('forged', 'The answer from the provider is not one Mailroom asked for');
  }
  if (pending.userId !== userId) throw new ConnectError('not_yours', 'The connection was started by someone else');
  if (pending.expiresAt < now.getTime()) throw new ConnectError('expired', 'The connection took too long');
  return pending;
}

/** A grant the provider gave, checked, and the mailbox it is for. */
export interface ConnectedGrant {
  provider: OAuthProvider;
  grant: TokenGrant & { refreshToken: string };
  /** The mailbox's address, from the id_token. */
  address: string;
}

/**
 * Trades the code for a grant. Refuses a grant without the scopes sending and reading need,
 * without a refresh token, or without a mailbox address; such a grant is revoked again at once.
 */
export async function finishConnect(settings: Settings, secrets: SecretBox, issuers: OAuthIssuers, pending: PendingConnect, code: string, redirectUri: string, now: () => Date): Promise<ConnectedGrant> {
  const provider = OAUTH_PROVIDER_TABLE[pending.provider];
  const client = oauthClientOf(settings, pending.provider, secrets);
  if (!client) throw new ConnectError('no_client', `No ${provider.name} OAuth client is registered`);
  let grant;
  try {
    grant = await exchangeCode(tokenUrlOf(provider, client, issuers), client, { code, verifier: pending.verifier, redirectUri }, now);
  } catch (err) {
    if (err instanceof OAuthGrantError) throw new ConnectError('exchange_refused', `${provider.name} refused the code: ${err.message}`);
    throw err;
  }
  const { refreshToken } = grant;
  if (!refreshToken) throw new ConnectError('no_refresh_token', `${provider.name} gave no refresh token`);
  const missing = missingScopes(provider.scopes, grant.scope);
  const identity = mailboxOf(grant.idToken, client.clientId);
  const refusal = missing.length
    ? new ConnectError('missing_scopes', `${provider.name} did not grant ${missing.join(', ')}`)
    : !identity.ok
      ? new ConnectError('no_mailbox', `${provider.name} connected no usable mailbox: ${identity.reason}`)
      : null;
  if (refusal !== null || !identity.ok) {
    await revokeGrant(settings, secrets, issuers, provider.id, refreshToken);
    throw refusal ?? new ConnectError('no_mailbox', 'no mailbox');
  }
  return { provider, grant: { ...grant, refreshToken }, address: identity.address };
}

/**
 * Stores the grant on the account (replacing any earlier one: a reconnection). The tokens go only
 * to the account's SMTP server as it was when connected: changing it drops the grant (accounts.ts).
 */
export async function storeGrant(em: Em, secrets: SecretBox, accountId: number, connected: ConnectedGrant): Promise<void> {
  await oauthGrantRepository.connect(em, accountId, {
    provider: connected.provider.id,
    refreshTokenEnc: secrets.encrypt(connected.grant.refreshToken),
    accessTokenEnc: secrets.encrypt(connected.grant.accessToken),
    accessExpiresAt: connected.grant.expiresAt,
  });
}

/** Revokes a refresh token at its provider where it has a revocation endpoint; best effort (see revokeToken). */
export async function revokeGrant(settings: Settings, secrets: SecretBox, issuers: OAuthIssuers, providerId: string, refreshToken: string): Promise<boolean> {
  const provider = oauthProviderOf(providerId);
  const client = provider && oauthClientOf(settings, provider.id, secrets);
  if (!provider?.revokeUrl || !client) return false;
  return revokeToken(provider.revokeUrl(issuers[provider.id]), client, refreshToken);
}

/** Revokes a stored grant (an account deleted or turned into a password account). */
export function revokeStoredGrant(settings: Settings, secrets: SecretBox, issuers: OAuthIssuers, grant: StoredGrant | null): Promise<boolean> {
  if (!grant?.refreshTokenEnc) return Promise.resolve(false);
  return revokeGrant(settings, secrets, issuers, grant.provider, secrets.decrypt(grant.refreshTokenEnc));
}
