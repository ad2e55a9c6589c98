import type { DepartmentDto } from '$server/http/schemas/departments';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load = (async ({ url }) => ({ departments: await loaded(api.get<DepartmentDto[]>('/api/departments'), url) })) satisfies PageLoad;
