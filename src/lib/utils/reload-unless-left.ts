import { invalidateAll } from '$app/navigation';
import { navigating, page } from '$app/state';

/**
 * Reloads the page's data once an action's answer is in, unless the user has moved on meanwhile
 * (`from` is the page's URL when the action began). SvelteKit lets an invalidation abort a
 * navigation under way, so a late answer would undo the click that was taking the user elsewhere,
 * and a page they left needs no fresh data.
 */
export async function reloadUnlessLeft(from: string): Promise<void> {
  if (navigating.to || page.url.href !== from) return;
  await invalidateAll();
}
