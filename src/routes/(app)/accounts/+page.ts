import type { Page } from '$server/http/openapi';
import type { AccountDto } from '$server/http/schemas/accounts';
import type { UserDto } from '$server/http/schemas/users';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => {
  const [accounts, users] = await Promise.all([
    loaded(api.get<Page<AccountDto>>('/api/accounts', queryFrom(url, ['q', 'sort', 'dir', 'page', 'ownerId'])), url),
    loaded(api.get<UserDto[]>('/api/users'), url),
  ]);
  return { accounts, users };
}) satisfies PageLoad;
