import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load = (async ({ params, url }) => ({
  message: await loaded(call(client.api.outbox[':id'].$get({ param: { id: encodeURIComponent(params.id) } })), url),
})) satisfies PageLoad;
