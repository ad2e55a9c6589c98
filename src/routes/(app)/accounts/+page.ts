import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => {
  const [accounts, users, oauth] = await Promise.all([
    loaded(call(client.api.accounts.$get({ query: queryFrom(url) })), url),
    loaded(call(client.api.users.$get()), url),
    loaded(call(client.api.settings.oauth.$get()), url),
  ]);
  return { accounts, users, oauth };
}) satisfies PageLoad;
