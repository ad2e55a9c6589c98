import type { OAuthClientDto } from '$server/http/schemas/oauth';
import type { OAuthProviderId } from '$server/domain/oauth-providers';
import type { ConnectFailure } from '$server/domain/oauth-connect-failures';
import { call, client } from '$lib/api/client';
import { m } from '$lib/paraglide/messages';

/** The providers an admin registered a client for: only those can be connected. */
export const connectableProviders = (clients: OAuthClientDto[]): OAuthProviderId[] => clients.filter((c) => c.clientId && c.hasSecret).map((c) => c.provider);

/**
 * Sends the browser to the provider's consent screen: to connect (or reconnect) `accountId`, or
 * without one to add the connected mailbox as a new account. The provider sends it back to the
 * accounts page with the outcome in the URL.
 */
export async function goConnect(provider: OAuthProviderId, accountId?: number): Promise<void> {
  const { url } =
    accountId === undefined
      ? await call(client.api.accounts.oauth[':provider'].$post({ param: { provider } }))
      : await call(client.api.accounts[':id'].oauth[':provider'].$post({ param: { id: accountId, provider } }));
  window.location.assign(url);
}

const FAILURES: Record<ConnectFailure, (account: string | null) => string> = {
  denied: () => m.oauth_failed_denied(),
  provider_refused: () => m.oauth_failed_provider_refused(),
  forged: () => m.oauth_failed_forged(),
  not_yours: () => m.oauth_failed_not_yours(),
  expired: () => m.oauth_failed_expired(),
  no_client: () => m.oauth_failed_no_client(),
  exchange_refused: () => m.oauth_failed_exchange_refused(),
  no_refresh_token: () => m.oauth_failed_no_refresh_token(),
  missing_scopes: () => m.oauth_failed_missing_scopes(),
  no_mailbox: () => m.oauth_failed_no_mailbox(),
  wrong_mailbox: (name) => (name ? m.oauth_failed_wrong_mailbox_of({ name }) : m.oauth_failed_wrong_mailbox()),
  duplicate_mailbox: (name) => (name ? m.oauth_failed_duplicate_mailbox_of({ name }) : m.oauth_failed_duplicate_mailbox()),
  not_allowed: () => m.oauth_failed_not_allowed(),
};

/** The sentence for a failed connection: by its code (null: unknown, the generic sentence), naming the account when the page knows it. */
export const connectFailureText = (reason: ConnectFailure | null, account: string | null): string =>
  reason ? FAILURES[reason](account) : m.oauth_failed_unknown();
