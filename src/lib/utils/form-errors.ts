import { ApiError } from '$lib/api/client';

/** What a refused form shows: a message under each field the server named, and one for the rest. */
export interface FormErrors {
  fields: Record<string, string>;
  form: string | null;
}

export const noErrors = (): FormErrors => ({ fields: {}, form: null });

/**
 * Maps a 4xx answer onto the form's fields: validation `details: [{ path, message }]`, or a
 * rule's message written as "field: reason". Returns null for anything else (server down,
 * 401, 5xx), which belongs to handleError.
 */
export function formErrors(error: unknown, known: readonly string[]): FormErrors | null {
  if (!(error instanceof ApiError) || error.status < 400 || error.status >= 500 || error.status === 401) return null;
  const fields: Record<string, string> = {};
  let unmapped = false;
  const issues = Array.isArray(error.details) ? (error.details as { path?: unknown; message?: unknown }[]) : [];
  for (const issue of issues) {
    const field = typeof issue?.path === 'string' ? issue.path.split('.')[0] : '';
    if (known.includes(field) && typeof issue.message === 'string') fields[field] ??= issue.message;
    else unmapped = true;
  }
  if (issues.length === 0) {
    const prefixed = /^([A-Za-z]+): (.+)$/.exec(error.message);
    if (prefixed && known.includes(prefixed[1])) fields[prefixed[1]] = prefixed[2];
    else unmapped = true;
  }
  const form = unmapped ? error.message : null;
  return { fields, form };
}
