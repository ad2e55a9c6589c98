import type { Page } from '$server/http/openapi';
import type { OutboxEntryDto } from '$server/http/schemas/outbox';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => ({
  outbox: await loaded(api.get<Page<OutboxEntryDto>>('/api/outbox', queryFrom(url, ['q', 'page'])), url),
})) satisfies PageLoad;
