import type { RecipientType } from '$server/domain/recipient-types';
import type { Page } from '$server/http/openapi';
import type { UserDto } from '$server/http/schemas/users';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import { KIND_VIEWS, LIST_KEYS, type RecipientKinds } from './kinds';

/** One page of companies, contacts or leads as the URL asks, and the people they may belong to. */
export async function loadRecipients<K extends RecipientType>(type: K, url: URL) {
  const [page, users] = await Promise.all([
    loaded(api.get<Page<RecipientKinds[K]['dto']>>(KIND_VIEWS[type].apiPath, queryFrom(url, LIST_KEYS)), url),
    loaded(api.get<UserDto[]>('/api/users'), url),
  ]);
  return { page, users };
}
