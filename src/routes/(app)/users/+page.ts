import type { DepartmentDto } from '$server/http/schemas/departments';
import type { UserDto } from '$server/http/schemas/users';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => {
  const [users, departments] = await Promise.all([loaded(api.get<UserDto[]>('/api/users'), url), loaded(api.get<DepartmentDto[]>('/api/departments'), url)]);
  return { users, departments };
}) satisfies PageLoad;
