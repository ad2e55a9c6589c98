import { invalidate, invalidateAll } from '$app/navigation';
import { navigating, page } from '$app/state';

/**
 * Reloading a page's data without undoing the user's clicks. SvelteKit lets an invalidation abort
 * a navigation under way, so a reload started while the user sorts, filters or opens a record
 * would silently cancel that click.
 */

/** A live push's reload of what `depends` on `key`: at once, or once the navigation under way has landed. */
export function reloadWhenSettled(key: string): void {
  if (navigating.to) setTimeout(() => reloadWhenSettled(key), 100);
  else void invalidate(key);
}

/**
 * Reloads the page's data once an action's answer is in, unless the user has moved on meanwhile
 * (`from` is the page's URL when the action began): a page they left needs no fresh data.
 */
export async function reloadUnlessLeft(from: string): Promise<void> {
  if (navigating.to || page.url.href !== from) return;
  await invalidateAll();
}
