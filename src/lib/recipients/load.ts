import type { RecipientType } from '$server/domain/recipient-types';
import type { Page } from '$server/http/openapi';
import { call, client } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { RecipientKinds } from './kinds';

/** One page of each kind as the URL asks, typed by its route. */
const PAGES: { [K in RecipientType]: (url: URL) => Promise<Page<RecipientKinds[K]['dto']>> } = {
  company: (url) => call(client.api.companies.$get({ query: queryFrom(url) })),
  contact: (url) => call(client.api.contacts.$get({ query: queryFrom(url) })),
  lead: (url) => call(client.api.leads.$get({ query: queryFrom(url) })),
};

/** One page of companies, contacts or leads as the URL asks, and the people they may belong to. */
export async function loadRecipients<K extends RecipientType>(type: K, url: URL) {
  const page: Promise<Page<RecipientKinds[K]['dto']>> = PAGES[type](url);
  const [rows, users] = await Promise.all([loaded(page, url), loaded(call(client.api.users.$get()), url)]);
  return { page: rows, users };
}
