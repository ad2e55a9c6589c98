import { redirect } from '@sveltejs/kit';
import { session } from '$lib/state/session.svelte';
import type { PageLoad } from './$types';

/** Only `next` values inside this app are followed after sign-in. */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/companies');

export const load = (async ({ url }) => {
  const next = safeNext(url.searchParams.get('next'));
  if (await session.load()) redirect(307, next);
  return { next };
}) satisfies PageLoad;
