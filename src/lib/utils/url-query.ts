import { goto } from '$app/navigation';
import type { Query } from '$lib/api/client';

/**
 * List pages keep their search, filters, sort and page in the URL, so a view can be reloaded,
 * shared and navigated back to. These two helpers read and change that state.
 */

/** The URL's values for `keys` (empty ones left out), ready to pass to api.get. */
export function queryFrom(url: URL, keys: readonly string[]): Query {
  const out: Query = {};
  for (const key of keys) {
    const value = url.searchParams.get(key);
    if (value) out[key] = value;
  }
  return out;
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
