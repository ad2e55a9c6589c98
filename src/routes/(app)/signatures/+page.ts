import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => {
  const [signatures, users] = await Promise.all([
    loaded(call(client.api.signatures.$get({ query: queryFrom(url) })), url),
    loaded(call(client.api.users.$get()), url),
  ]);
  return { signatures, users };
}) satisfies PageLoad;
