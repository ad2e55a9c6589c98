import type { Page } from '$server/http/openapi';
import type { SignatureDto } from '$server/http/schemas/signatures';
import type { UserDto } from '$server/http/schemas/users';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => {
  const [signatures, users] = await Promise.all([
    loaded(api.get<Page<SignatureDto>>('/api/signatures', queryFrom(url, ['q', 'sort', 'dir', 'page', 'ownerId'])), url),
    loaded(api.get<UserDto[]>('/api/users'), url),
  ]);
  return { signatures, users };
}) satisfies PageLoad;
