import { ApiError } from '$lib/api/client';
import { toasts } from '$lib/state/toasts.svelte';

/**
 * The single path from an error to the user: a toast that prefers the server's own words.
 * A 401 shows nothing, because the client is already on its way to the sign-in page.
 */
export function handleError(error: unknown, context: string): void {
  if (error instanceof ApiError) {
    if (error.status !== 401) toasts.error(`${context}: ${error.message}`);
    return;
  }
  // Not the server's refusal but a bug or a browser failure: keep the trace for the developer.
  console.error(context, error);
  toasts.error(`${context}: ${error instanceof Error ? error.message : String(error)}`);
}
