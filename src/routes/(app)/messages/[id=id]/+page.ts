import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { signaturesOf } from '../signatures-of';
import type { PageLoad } from './$types';

export const load = (async ({ params, url }) => {
  const message = await loaded(call(client.api.messages[':id'].$get({ param: { id: params.id } })), url);
  return { message, signatures: await loaded(signaturesOf(message.ownerId), url) };
}) satisfies PageLoad;
