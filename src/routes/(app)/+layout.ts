import { redirect } from '@sveltejs/kit';
import { withQuery } from '$lib/api/client';
import { session } from '$lib/state/session.svelte';
import type { LayoutLoad } from './$types';

/** Every page in this group needs a signed-in user; the session is asked once per app start. */
export const load = (async ({ url }) => {
  const me = session.me ?? (await session.load());
  if (!me) redirect(307, withQuery('/login', { next: url.pathname + url.search }));
  return { me };
}) satisfies LayoutLoad;
