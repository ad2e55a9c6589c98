import type { SettingsDto } from '$server/http/schemas/settings';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => ({ settings: await loaded(api.get<SettingsDto>('/api/settings'), url) })) satisfies PageLoad;
