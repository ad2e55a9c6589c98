import type { Page } from '$server/http/openapi';
import type { DepartmentDto } from '$server/http/schemas/departments';
import type { MailingDto } from '$server/http/schemas/mailings';
import type { UserDto } from '$server/http/schemas/users';
import { seesAllDepartments } from '$server/domain/visibility';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import { queryFrom } from '$lib/utils/url-query';
import type { PageLoad } from './$types';

/** The list's URL parameters the API understands. */
const LIST_KEYS = ['q', 'sort', 'dir', 'page', 'departmentId', 'ownerId', 'vip', 'status', 'recipientType'] as const;

/** One page of mailings as the URL asks, with what the filters offer; 'app:mailings' reloads it when pushes say the list changed. */
export const load = (async ({ url, parent, depends }) => {
  depends('app:mailings');
  const { me } = await parent();
  const [page, users, departments] = await Promise.all([
    loaded(api.get<Page<MailingDto>>('/api/mailings', queryFrom(url, LIST_KEYS)), url),
    loaded(api.get<UserDto[]>('/api/users'), url),
    seesAllDepartments(me) ? loaded(api.get<DepartmentDto[]>('/api/departments'), url) : Promise.resolve([] as DepartmentDto[]),
  ]);
  return { page, users, departments };
}) satisfies PageLoad;
