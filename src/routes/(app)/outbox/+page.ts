import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => ({
  outbox: await loaded(call(client.api.outbox.$get({ query: queryFrom(url) })), url),
})) satisfies PageLoad;
