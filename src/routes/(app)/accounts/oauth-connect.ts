import type { OAuthClientDto } from '$server/http/schemas/oauth';
import type { OAuthProviderId } from '$server/domain/oauth-providers';
import { call, client } from '$lib/api/client';

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
