import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => ({
  messages: await loaded(call(client.api.messages.$get({ query: queryFrom(url) })), url),
})) satisfies PageLoad;
