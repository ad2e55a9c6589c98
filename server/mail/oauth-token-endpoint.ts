import { OAuthGrantError, type OAuthClient } from '../domain/oauth-providers.js';

/**
 * The two calls Mailroom makes to a provider's token endpoint (RFC 6749): trading an
 * authorisation code (with its PKCE verifier) for a grant, and refreshing an access token.
 * The URL always comes from the provider table, never from a user.
 */

export interface TokenGrant {
  accessToken: string;
  expiresAt: Date;
  /** Present when the provider issues or rotates the refresh token. */
  refreshToken: string | null;
  /** The granted scopes as the provider listed them, when it did. */
  scope: string | undefined;
  /** The OpenID Connect id_token, which names the mailbox (code exchanges only). */
  idToken: string | null;
}

const TIMEOUT_MS = 15_000;

async function post(tokenUrl: string, client: OAuthClient, params: Record<string, string>, now: () => Date): Promise<TokenGrant> {
  const body = new URLSearchParams({ ...params, client_id: client.clientId, client_secret: client.clientSecret });
  let response: Response;
  try {
    response = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch (err) {
    throw new OAuthGrantError('unavailable', { cause: 'unreachable', reply: (err as Error).message });
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const code = typeof json.error === 'string' ? json.error : `HTTP ${response.status}`;
    const description = typeof json.error_description === 'string' ? `: ${json.error_description}` : '';
    // invalid_grant: revoked, expired or already used. Client errors need an admin, also a person.
    const revoked = ['invalid_grant', 'unauthorized_client', 'invalid_client'].includes(code);
    throw new OAuthGrantError(revoked ? 'revoked' : 'unavailable', { cause: 'refused', reply: `${code}${description}`.slice(0, 400) });
  }
  if (typeof json.access_token !== 'string') throw new OAuthGrantError('unavailable', { cause: 'no_access_token' });
  const expiresIn = Number(json.expires_in ?? 3600);
  return {
    accessToken: json.access_token,
    expiresAt: new Date(now().getTime() + expiresIn * 1000),
    refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : null,
    scope: typeof json.scope === 'string' ? json.scope : undefined,
    idToken: typeof json.id_token === 'string' ? json.id_token : null,
  };
}

export function exchangeCode(tokenUrl: string, client: OAuthClient, code: { code: string; verifier: string; redirectUri: string }, now: () => Date): Promise<TokenGrant> {
  return post(tokenUrl, client, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri }, now);
}

export function refreshGrant(tokenUrl: string, client: OAuthClient, refreshToken: string, now: () => Date): Promise<TokenGrant> {
  return post(tokenUrl, client, { grant_type: 'refresh_token', refresh_token: refreshToken }, now);
}

/** Someone waits on the delete: shorter than a token request may take. */
const REVOKE_TIMEOUT_MS = 5_000;

/**
 * Asks the provider to revoke a refresh token (RFC 7009), best effort: an account being deleted or
 * turned into a password account must not leave a live grant behind, but neither may a provider
 * out of reach stop it. Says whether the provider confirmed.
 */
export async function revokeToken(revokeUrl: string, client: OAuthClient, refreshToken: string): Promise<boolean> {
  const body = new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret });
  try {
    const response = await fetch(revokeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS), redirect: 'error' });
    return response.ok;
  } catch {
    return false;
  }
}
