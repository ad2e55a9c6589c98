/** A broken domain rule. `code` is stable; server/http maps it to a status. */
export class DomainError extends Error {
  constructor(
    readonly code: 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'precondition',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
