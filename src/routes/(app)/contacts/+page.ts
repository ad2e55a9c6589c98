import { loadRecipients } from '$lib/recipients/load';
import type { PageLoad } from './$types';

export const load = (({ url }) => loadRecipients('contact', url)) satisfies PageLoad;
