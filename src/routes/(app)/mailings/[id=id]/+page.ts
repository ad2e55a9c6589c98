import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

/** One mailing with its progress, and its notifications log; another department's mailing is a 404. */
export const load = (async ({ params, url, depends }) => {
  depends('app:mailing');
  const id = Number(params.id);
  const [mailing, notes] = await Promise.all([
    loaded(call(client.api.mailings[':id'].$get({ param: { id } })), url),
    loaded(call(client.api.mailings[':id'].notifications.$get({ param: { id }, query: { pageSize: 200 } })), url),
  ]);
  return { mailing, notes };
}) satisfies PageLoad;
