import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError } from '../domain/errors.js';

const STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  precondition: 422,
  too_many_requests: 429,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS;

/** The one error every route throws; `onError` turns it into `{ error, details }`. */
export class ApiError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(STATUS[code], { message });
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
  if (err instanceof DomainError) return new ApiError(DOMAIN_TO_HTTP[err.code], err.message, err.details);
  if (err instanceof HTTPException && err.status < 500) return new ApiError(err.status === 413 ? 'payload_too_large' : 'bad_request', err.message || 'Bad request');
  // Unique-key violations are a client's conflict, not a server fault.
  const name = (err as { name?: string })?.name;
  if (name === 'UniqueConstraintViolationException') return new ApiError('conflict', 'A record with the same unique value already exists');
  if (name === 'ForeignKeyConstraintViolationException') return new ApiError('conflict', 'The record is still referenced by other records');
  return null;
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
