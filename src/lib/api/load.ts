import { error, redirect } from '@sveltejs/kit';
import { ApiError, withQuery } from './client';

/**
 * For `load` functions: an API failure becomes SvelteKit's error page with the server's refusal
 * and status, and a lost session goes to the sign-in page.
 */
export async function loaded<T>(request: Promise<T>, url?: URL): Promise<T> {
  try {
    return await request;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) redirect(307, withQuery('/login', { next: url ? url.pathname + url.search : undefined }));
    error(err.status || 503, err.text);
  }
}
