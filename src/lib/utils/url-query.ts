import { goto } from '$app/navigation';
import type { Query } from '$lib/api/client';

/**
 * List pages keep their search, filters, sort and page in the URL, so a view can be reloaded,
 * shared and navigated back to. These two helpers read and change that state.
 */

/**
 * The URL's parameters (empty ones left out) as the query of the list it shows. The URL is
 * outside input like any other: the server checks every value and ignores names it does not know,
 * so the page needs no list of its own.
 */
export function queryFrom<Q extends object>(url: URL): Q {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) if (value) out[key] = value;
  return out as Q;
}

/** Navigates to the same page with `changes` applied; any change but paging goes back to page 1. */
export function updateQuery(url: URL, changes: Query): Promise<void> {
  const next = new URL(url);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === null || value === '') next.searchParams.delete(key);
    else next.searchParams.set(key, String(value));
  }
  if (!('page' in changes)) next.searchParams.delete('page');
  return goto(next, { keepFocus: true, noScroll: true, replaceState: true });
}
