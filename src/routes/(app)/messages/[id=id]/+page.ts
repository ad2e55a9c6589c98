import type { MessageDto } from '$server/http/schemas/messages';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { signaturesOf } from '../signatures-of';
import type { PageLoad } from './$types';

export const load = (async ({ params, url }) => {
  const message = await loaded(api.get<MessageDto>(`/api/messages/${params.id}`), url);
  return { message, signatures: await loaded(signaturesOf(message.ownerId), url) };
}) satisfies PageLoad;
