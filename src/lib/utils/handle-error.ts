import { ApiError } from '$lib/api/client';
import { toasts } from '$lib/state/toasts.svelte';
import { m } from '$lib/paraglide/messages';

/**
 * The single path from an error to the user: a toast with the server's refusal in the UI's language.
 * A 401 shows nothing, because the client is already on its way to the sign-in page.
 */
export function handleError(error: unknown, context: string): void {
  if (error instanceof ApiError) {
    if (error.status !== 401) toasts.error(m.error_context({ context, text: error.text }));
    return;
  }
  // Not the server's refusal but a bug or a browser failure: keep the trace for the developer.
  console.error(context, error);
  toasts.error(m.error_context({ context, text: error instanceof Error ? error.message : String(error) }));
}
