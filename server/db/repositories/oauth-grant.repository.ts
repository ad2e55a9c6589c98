import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';

/**
 * An OAuth mailbox's grant as stored on its account (refresh and access token sealed), and the
 * guarded updates that let several processes share it: only the holder of the refresh lease
 * calls the provider, the others wait and read what it stored. Read straight from the table,
 * never from an entity manager's cache, because the point is to see another process's write.
 */

const T = 'email_accounts';

export interface StoredGrant {
  provider: string;
  refreshTokenEnc: string | null;
  accessTokenEnc: string | null;
  accessExpiresAt: Date | null;
  refreshingUntil: Date | null;
}

const dateOf = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | number | Date));

export const oauthGrantRepository = {
  /** The account's grant, or null when it signs in with a password. */
  async read(em: Em, accountId: number): Promise<StoredGrant | null> {
    const row = await knexOf(em)(T).where({ id: accountId }).first('oauth_provider', 'oauth_refresh_token_enc', 'oauth_access_token_enc', 'oauth_access_expires_at', 'oauth_refreshing_until');
    if (!row?.oauth_provider) return null;
    return {
      provider: row.oauth_provider,
      refreshTokenEnc: row.oauth_refresh_token_enc,
      accessTokenEnc: row.oauth_access_token_enc,
      accessExpiresAt: dateOf(row.oauth_access_expires_at),
      refreshingUntil: dateOf(row.oauth_refreshing_until),
    };
  },

  /**
   * Takes the refresh lease until `until`, if nobody holds an unexpired one: one guarded UPDATE,
   * so of two processes only one gets it. A lease left by a crashed process runs out by itself.
   */
  async takeRefreshLease(em: Em, accountId: number, now: Date, until: Date): Promise<boolean> {
    const n = await knexOf(em)(T)
      .where({ id: accountId })
      .whereNotNull('oauth_provider')
      .andWhere((q) => q.whereNull('oauth_refreshing_until').orWhere('oauth_refreshing_until', '<=', now))
      .update({ oauth_refreshing_until: until });
    return n === 1;
  },

  /** Stores a refreshed token and gives up the lease; a rotated refresh token replaces the old one in the same write. */
  async storeRefreshed(em: Em, accountId: number, token: { accessTokenEnc: string; accessExpiresAt: Date; refreshTokenEnc: string | null }): Promise<void> {
    await knexOf(em)(T)
      .where({ id: accountId })
      .update({
        oauth_access_token_enc: token.accessTokenEnc,
        oauth_access_expires_at: token.accessExpiresAt,
        ...(token.refreshTokenEnc ? { oauth_refresh_token_enc: token.refreshTokenEnc } : {}),
        oauth_refreshing_until: null,
      });
  },

  async releaseLease(em: Em, accountId: number): Promise<void> {
    await knexOf(em)(T).where({ id: accountId }).update({ oauth_refreshing_until: null });
  },

  /** Stores a new grant (a first connection or a reconnection): it replaces whatever was there. */
  async connect(em: Em, accountId: number, grant: { provider: string; refreshTokenEnc: string; accessTokenEnc: string; accessExpiresAt: Date }): Promise<void> {
    await knexOf(em)(T).where({ id: accountId }).update({
      oauth_provider: grant.provider,
      oauth_refresh_token_enc: grant.refreshTokenEnc,
      oauth_access_token_enc: grant.accessTokenEnc,
      oauth_access_expires_at: grant.accessExpiresAt,
      oauth_refreshing_until: null,
    });
  },
};
