import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => ({ settings: await loaded(call(client.api.settings.$get()), url) })) satisfies PageLoad;
