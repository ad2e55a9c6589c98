import type { OutboxMessageDto } from '$server/http/schemas/outbox';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load = (async ({ params, url }) => ({
  message: await loaded(api.get<OutboxMessageDto>(`/api/outbox/${encodeURIComponent(params.id)}`), url),
})) satisfies PageLoad;
