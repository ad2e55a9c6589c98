import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { DomainError, refusalMessage, type RefusalOptions } from '../domain/errors.js';
import type { Refusal, RefusalReason } from '../domain/refusals.js';
import { RenderPoolBusy } from '../mail/render-pool.js';

/**
 * The closed list of error codes, each with its status (as Unkey's ErrorCode). Every error body
 * is `{ code, error, reason?, params?, field?, details? }`: `reason` and `params` say why in values,
 * so a client words the refusal in its own language. Most codes name a status; the finer ones exist because
 * the UI acts on them: `invalid_input` carries zod's issues in `details`, `preflight_refused` the
 * pre-flight reports, `import_rejected` the bad CSV rows.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  precondition: 422,
  preflight_refused: 422,
  import_rejected: 422,
  too_many_requests: 429,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/**
 * One refused input of an `invalid_input` error. `code` and the bounds are zod's (too_small with
 * `minimum`, invalid_format with `format`…), so a client can word the refusal in its own language;
 * `message` is the server's English.
 */
export interface InputIssue {
  path: string;
  message: string;
  code?: string;
  origin?: string;
  minimum?: number;
  maximum?: number;
  format?: string;
}

/** A zod issue as an error body carries it: its path, words, code and bounds. */
export function inputIssue(issue: ZodError['issues'][number]): InputIssue {
  const bounds = issue as { origin?: string; minimum?: number | bigint; maximum?: number | bigint; format?: string };
  return {
    path: issue.path.join('.'),
    message: issue.message,
    code: issue.code,
    ...(bounds.origin === undefined ? {} : { origin: bounds.origin }),
    ...(bounds.minimum === undefined ? {} : { minimum: Number(bounds.minimum) }),
    ...(bounds.maximum === undefined ? {} : { maximum: Number(bounds.maximum) }),
    ...(bounds.format === undefined ? {} : { format: bounds.format }),
  };
}

/** What every error response of the API says: a refusal carries its reason and values, invalid input its issues in `details`. */
export interface ErrorBody {
  code: ErrorCode;
  error: string;
  reason?: RefusalReason;
  params?: Refusal['params'];
  field?: string;
  details?: unknown;
}

/** Invalid input, told by zod's issues (or the input-hygiene check's) rather than by a reason. */
interface InvalidInput {
  issues: InputIssue[];
}

const issueMessage = (issue: InputIssue | undefined) => (!issue ? 'Invalid input' : issue.path ? `${issue.path}: ${issue.message}` : issue.message);

/**
 * The one error every route throws; `onError` turns it into an ErrorBody. It is made from a
 * reason (server/domain/refusals.ts), which words its English, or for invalid input from the
 * issues (`ApiError.invalid`), never from free text.
 */
export class ApiError extends HTTPException {
  /** The path of the offending input, when one input is to blame. */
  readonly field?: string;
  readonly details?: unknown;
  readonly refusal: Refusal | null;

  constructor(
    readonly code: ErrorCode,
    cause: Refusal | InvalidInput,
    options: RefusalOptions = {},
  ) {
    super(ERROR_STATUS[code], { message: 'issues' in cause ? issueMessage(cause.issues[0]) : refusalMessage(cause, options.field) });
    this.refusal = 'issues' in cause ? null : cause;
    this.field = options.field;
    this.details = 'issues' in cause ? cause.issues : options.details;
  }

  /** A validation refusal: the first issue words the message ("field: reason"), all of them go in `details`. */
  static invalid(issues: InputIssue[], field?: string): ApiError {
    return new ApiError('invalid_input', { issues }, { field });
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      error: this.message,
      ...(this.refusal ? { reason: this.refusal.reason, params: this.refusal.params } : {}),
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

const DOMAIN_TO_HTTP: Record<DomainError['code'], ErrorCode> = {
  not_found: 'not_found',
  forbidden: 'forbidden',
  conflict: 'conflict',
  invalid: 'bad_request',
  precondition: 'precondition',
};

export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) return new ApiError(DOMAIN_TO_HTTP[err.code], err.refusal, { field: err.field, details: err.details });
  // The render queue is full: the server's load, not this request, is to blame; a retry soon may pass.
  if (err instanceof RenderPoolBusy) return new ApiError('too_many_requests', { reason: 'templates_busy', params: {} });
  // hono's own refusals (a malformed body…) in its words, as the server's reply is shown as written.
  if (err instanceof HTTPException && err.status < 500) return new ApiError(err.status === 413 ? 'payload_too_large' : 'bad_request', { reason: 'request_refused', params: { error: err.message || 'Bad request' } });
  // Unique-key violations are a client's conflict, not a server fault.
  const name = (err as { name?: string })?.name;
  if (name === 'UniqueConstraintViolationException') return new ApiError('conflict', { reason: 'duplicate_value', params: {} });
  if (name === 'ForeignKeyConstraintViolationException') return new ApiError('conflict', { reason: 'still_referenced', params: {} });
  return null;
}
