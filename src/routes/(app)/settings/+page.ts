import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => {
  const [settings, oauth] = await Promise.all([loaded(call(client.api.settings.$get()), url), loaded(call(client.api.settings.oauth.$get()), url)]);
  return { settings, oauth };
}) satisfies PageLoad;
