import type { Em } from '../db/orm.js';
import { oauthGrantRepository as grants } from '../db/repositories/oauth-grant.repository.js';
import { settingsRepository } from '../db/repositories/settings.repository.js';
import { accessTokenFresh, missingScopes, OAuthGrantError, oauthProviderOf, type OAuthProviderId } from '../domain/oauth-providers.js';
import type { SecretBox } from '../security/secret-box.js';
import { oauthClientOf, tokenUrlOf, type OAuthIssuers } from './oauth-clients.js';
import { refreshGrant } from './oauth-token-endpoint.js';

export interface AccessTokensOptions {
  secrets: SecretBox;
  now: () => Date;
  issuers?: OAuthIssuers;
  /** How long one process may hold the refresh lease; above the token request's own timeout. */
  leaseMs?: number;
  /** How a waiting process waits before it looks again (tests pass a shorter one). */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Access tokens for OAuth mailboxes, refreshed before they expire. Several processes share one
 * grant: the one that takes the refresh lease (a guarded UPDATE) asks the provider, the others
 * wait and reuse what it stored. So one refresh token is never spent twice, which matters where
 * the provider rotates it (Microsoft): the loser of the race would otherwise send a refresh
 * token that is already spent, or store a stale one over the new. Within a process, concurrent
 * callers share one request.
 */
export class AccessTokens {
  private readonly inFlight = new Map<number, Promise<string>>();
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(private readonly options: AccessTokensOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 250;
  }

  /** A usable access token for the account; throws OAuthGrantError (`revoked`: a person must reconnect). */
  accessToken(em: Em, accountId: number): Promise<string> {
    const running = this.inFlight.get(accountId);
    if (running) return running;
    const started = this.obtain(em, accountId).finally(() => this.inFlight.delete(accountId));
    this.inFlight.set(accountId, started);
    return started;
  }

  private async obtain(em: Em, accountId: number): Promise<string> {
    const { secrets, now } = this.options;
    const deadline = now().getTime() + 2 * this.leaseMs;
    for (;;) {
      const grant = await grants.read(em, accountId);
      if (!grant) throw new OAuthGrantError('revoked', { cause: 'not_connected' });
      if (grant.accessTokenEnc && accessTokenFresh(grant.accessExpiresAt, now())) return secrets.decrypt(grant.accessTokenEnc);
      if (await grants.takeRefreshLease(em, accountId, now(), new Date(now().getTime() + this.leaseMs))) return this.refresh(em, accountId);
      // Another process is refreshing: its token lands in the row.
      if (now().getTime() > deadline) throw new OAuthGrantError('unavailable', { cause: 'refresh_stalled' });
      await sleep(this.pollMs);
    }
  }

  /** Holding the lease: asks the provider and stores the answer, or gives the lease back. */
  private async refresh(em: Em, accountId: number): Promise<string> {
    const { secrets, now, issuers = {} } = this.options;
    try {
      // Read again under the lease: a refresh that finished just before it was taken stored a newer refresh token.
      const grant = await grants.read(em, accountId);
      const provider = grant && oauthProviderOf(grant.provider);
      if (!grant?.refreshTokenEnc || !provider) throw new OAuthGrantError('revoked', { cause: 'no_refresh_token' });
      if (grant.accessTokenEnc && accessTokenFresh(grant.accessExpiresAt, now())) {
        await grants.releaseLease(em, accountId);
        return secrets.decrypt(grant.accessTokenEnc);
      }
      const client = oauthClientOf(await settingsRepository.get(em, ''), provider.id as OAuthProviderId, secrets);
      if (!client) throw new OAuthGrantError('revoked', { cause: 'no_client', provider: provider.name });
      const fresh = await refreshGrant(tokenUrlOf(provider, client, issuers), client, secrets.decrypt(grant.refreshTokenEnc), now);
      const missing = missingScopes(provider.scopes, fresh.scope);
      if (missing.length) throw new OAuthGrantError('revoked', { cause: 'missing_scopes', scopes: missing });
      await grants.storeRefreshed(em, accountId, {
        accessTokenEnc: secrets.encrypt(fresh.accessToken),
        accessExpiresAt: fresh.expiresAt,
        refreshTokenEnc: fresh.refreshToken ? secrets.encrypt(fresh.refreshToken) : null,
      });
      return fresh.accessToken;
    } catch (err) {
      await grants.releaseLease(em, accountId);
      throw err;
    }
  }
}
