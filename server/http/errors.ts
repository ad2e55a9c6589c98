import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError } from '../domain/errors.js';
import { RenderPoolBusy } from '../mail/render-pool.js';

/**
 * The closed list of error codes, each with its status (as Unkey's ErrorCode). Every error body
 * is `{ code, error, field?, details? }`. Most codes name a status; the finer ones exist because
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

/** What every error response of the API says. */
export interface ErrorBody {
  code: ErrorCode;
  error: string;
  field?: string;
  details?: unknown;
}

/** The one error every route throws; `onError` turns it into an ErrorBody. */
export class ApiError extends HTTPException {
  /** The path of the offending input, when one input is to blame. */
  readonly field?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options: { field?: string } = {},
  ) {
    super(ERROR_STATUS[code], { message });
    this.field = options.field;
  }

  /** A refusal of one input: the text reads "field: reason", as the API has always said it, and `field` names it. */
  static of(code: ErrorCode, field: string, reason: string, details?: unknown): ApiError {
    return new ApiError(code, `${field}: ${reason}`, details, { field });
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      error: this.message,
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
  if (err instanceof DomainError) return new ApiError(DOMAIN_TO_HTTP[err.code], err.message, err.details, { field: err.field });
  // The render queue is full: the server's load, not this request, is to blame; a retry soon may pass.
  if (err instanceof RenderPoolBusy) return new ApiError('too_many_requests', err.message);
  if (err instanceof HTTPException && err.status < 500) return new ApiError(err.status === 413 ? 'payload_too_large' : 'bad_request', err.message || 'Bad request');
  // Unique-key violations are a client's conflict, not a server fault.
  const name = (err as { name?: string })?.name;
  if (name === 'UniqueConstraintViolationException') return new ApiError('conflict', 'A record with the same unique value already exists');
  if (name === 'ForeignKeyConstraintViolationException') return new ApiError('conflict', 'The record is still referenced by other records');
  return null;
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
