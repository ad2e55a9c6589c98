import { loaded } from '$lib/api/load';
import { signaturesOf } from '../signatures-of';
import type { PageLoad } from './$types';

export const load = (async ({ parent, url }) => {
  const { me } = await parent();
  return { signatures: await loaded(signaturesOf(me.id), url) };
}) satisfies PageLoad;
