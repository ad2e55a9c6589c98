import type { Page } from '$server/http/openapi';
import type { MailingDetailDto } from '$server/http/schemas/mailings';
import { api } from '$lib/api/client';
import { loaded } from '$lib/api/load';
import type { MailingNote } from '$lib/mailings/live-updates';
import type { PageLoad } from './$types';

/** One mailing with its progress, and its notifications log; another department's mailing is a 404. */
export const load = (async ({ params, url, depends }) => {
  depends('app:mailing');
  const id = Number(params.id);
  const [mailing, notes] = await Promise.all([
    loaded(api.get<MailingDetailDto>(`/api/mailings/${id}`), url),
    loaded(api.get<Page<MailingNote>>(`/api/mailings/${id}/notifications`, { pageSize: 200 }), url),
  ]);
  return { mailing, notes };
}) satisfies PageLoad;
