import { ApiError } from '$lib/api/client';
import { inputIssues, issueText, refusalWords } from '$lib/i18n/errors';

/** What a refused form shows: a message under each field the server named, and one for the rest. */
export interface FormErrors {
  fields: Record<string, string>;
  form: string | null;
}

export const noErrors = (): FormErrors => ({ fields: {}, form: null });

/** The form's input a path belongs to ("selections.contact" → "selections"). */
const inputOf = (path: string) => path.split('.')[0];

/**
 * Maps a refusal onto the form's fields by the `field` the server names: every issue of a
 * validation error (`invalid_input`, issues in `details`), or the one field of a rule's refusal,
 * worded without the field it names. Returns null for anything else (server down, 401, 5xx), which
 * belongs to handleError.
 */
export function formErrors(error: unknown, known: readonly string[]): FormErrors | null {
  if (!(error instanceof ApiError) || !error.refused) return null;
  const fields: Record<string, string> = {};
  let unmapped = false;
  const issues = inputIssues(error);
  for (const issue of issues) {
    if (known.includes(inputOf(issue.path))) fields[inputOf(issue.path)] ??= issueText(issue);
    else unmapped = true;
  }
  if (issues.length === 0) {
    const { field } = error;
    if (field !== null && known.includes(inputOf(field))) fields[inputOf(field)] = refusalWords(error);
    else unmapped = true;
  }
  return { fields, form: unmapped ? error.text : null };
}
