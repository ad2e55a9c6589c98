import type { ErrorCode, InputIssue } from '$server/http/errors';
import type { RowProblem } from '$server/http/schemas/recipients';
import type { ApiError } from '$lib/api/client';
import { m } from '$lib/paraglide/messages';
import { locale } from './locale.svelte';
import { refusalText } from './refusals';

/**
 * The server's refusals in the UI's language. Every error body carries a stable `code` and either
 * a `reason` with its values (worded by ./refusals in any language) or, for invalid input, zod's
 * issue codes and bounds; the server's `message` is English for API clients. A reason this UI
 * does not know reads as the server's English in English, else as its code's sentence.
 */

const CODE_TEXT: Record<ErrorCode, () => string> = {
  bad_request: m.err_bad_request,
  invalid_input: m.err_invalid_input,
  unauthorized: m.err_unauthorized,
  forbidden: m.err_forbidden,
  not_found: m.err_not_found,
  conflict: m.err_conflict,
  payload_too_large: m.err_payload_too_large,
  precondition: m.err_precondition,
  preflight_refused: m.err_preflight_refused,
  import_rejected: m.err_import_rejected,
  too_many_requests: m.err_too_many_requests,
  internal: m.err_internal,
};

const isText = (origin: string | undefined) => origin === 'string';

/** One refused input, as it reads under its field. */
export function issueText(issue: InputIssue): string {
  if (locale.current === 'en') return issue.message;
  switch (issue.code) {
    case 'too_small':
      if (isText(issue.origin) && issue.minimum === 1) return m.err_required();
      return isText(issue.origin) ? m.err_too_short({ minimum: issue.minimum ?? 0 }) : m.err_too_small({ minimum: issue.minimum ?? 0 });
    case 'too_big':
      return isText(issue.origin) ? m.err_too_long({ maximum: issue.maximum ?? 0 }) : m.err_too_big({ maximum: issue.maximum ?? 0 });
    case 'invalid_format':
      return issue.format === 'email' ? m.err_invalid_email() : issue.format === 'url' ? m.err_invalid_url() : m.err_invalid_format();
    case 'invalid_type':
      return m.err_invalid_type();
    default:
      return m.err_invalid_value();
  }
}

/** The issues of a validation refusal, when it carries them. */
export const inputIssues = (error: ApiError): InputIssue[] => (error.code === 'invalid_input' && Array.isArray(error.details) ? (error.details as InputIssue[]) : []);

/**
 * The refusal without the input it names, as it reads under that input: a known reason worded
 * from its values, else the server's English (in English) or the code's sentence.
 */
export function refusalWords(error: ApiError): string {
  const worded = error.refusal ? refusalText(error.refusal) : null;
  if (worded !== null) return worded;
  if (locale.current !== 'en' && error.code !== null) return CODE_TEXT[error.code]();
  return error.field !== null && error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
}

/** A whole refusal in one sentence: the first issue for invalid input, else the reason (each naming its field), else the code's text. */
export function errorText(error: ApiError): string {
  if (error.status === 0) return m.err_network();
  const [first] = inputIssues(error);
  if (first) {
    if (locale.current === 'en') return error.message;
    return first.path ? m.err_field({ field: first.path, text: issueText(first) }) : issueText(first);
  }
  const specific = (error.refusal !== null && refusalText(error.refusal) !== null) || locale.current === 'en' || error.code === null;
  return error.field !== null && specific ? m.err_field({ field: error.field, text: refusalWords(error) }) : refusalWords(error);
}

/** One thing wrong with an imported CSV row ("column: reason"), or null for a reason this UI does not know. */
export function rowProblemText(problem: RowProblem): string | null {
  if ('issue' in problem) return problem.issue.path ? m.err_field({ field: problem.issue.path, text: issueText(problem.issue) }) : issueText(problem.issue);
  const text = refusalText(problem.refusal);
  return text !== null && problem.field !== undefined ? m.err_field({ field: problem.field, text }) : text;
}
