import type { RecipientType } from '$server/domain/recipient-types';
import type { Page } from '$server/http/openapi';
import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import { KIND_VIEWS, type RecipientKinds } from './kinds';

/** One page of companies, contacts or leads as the URL asks, and the people they may belong to. */
export async function loadRecipients<K extends RecipientType>(type: K, url: URL) {
  const [page, users] = await Promise.all([
    // The recipient routes are built by one generic function whose answers the server does not type
    // per kind yet, so this one place names the kind's DTO.
    loaded(call(KIND_VIEWS[type].endpoint.$get({ query: queryFrom(url) })) as Promise<Page<RecipientKinds[K]['dto']>>, url),
    loaded(call(client.api.users.$get()), url),
  ]);
  return { page, users };
}
