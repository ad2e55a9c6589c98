import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => {
  const [users, departments] = await Promise.all([loaded(call(client.api.users.$get()), url), loaded(call(client.api.departments.$get()), url)]);
  return { users, departments };
}) satisfies PageLoad;
