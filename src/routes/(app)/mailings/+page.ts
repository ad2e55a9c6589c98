import { seesAllDepartments } from '$server/domain/visibility';
import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

/** One page of mailings as the URL asks, with what the filters offer; 'app:mailings' reloads it when pushes say the list changed. */
export const load = (async ({ url, parent, depends }) => {
  depends('app:mailings');
  const { me } = await parent();
  const [page, users, departments] = await Promise.all([
    loaded(call(client.api.mailings.$get({ query: queryFrom(url) })), url),
    loaded(call(client.api.users.$get()), url),
    seesAllDepartments(me) ? loaded(call(client.api.departments.$get()), url) : Promise.resolve([]),
  ]);
  return { page, users, departments };
}) satisfies PageLoad;
