import type { Page } from '$server/http/openapi';
import type { MessageDto } from '$server/http/schemas/messages';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => ({
  messages: await loaded(api.get<Page<MessageDto>>('/api/messages', queryFrom(url, ['q', 'sort', 'dir', 'page', 'ownerId'])), url),
})) satisfies PageLoad;
