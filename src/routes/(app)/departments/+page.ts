import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => ({ departments: await loaded(call(client.api.departments.$get()), url) })) satisfies PageLoad;
