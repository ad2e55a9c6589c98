/** A broken domain rule. `code` is stable; server/http maps it to a status. */
export class DomainError extends Error {
  constructor(
    readonly code: 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'precondition',
    message: string,
    readonly details?: unknown,
    /** The path of the input the rule refuses (`ownerId`, `selections.contact.filter.ownerId`), so a form can show it there. */
    readonly field?: string,
  ) {
    super(message);
  }

  /** A refusal of one input: the text reads "field: reason", as the API has always said it, and `field` names it. */
  static of(code: DomainError['code'], field: string, reason: string, details?: unknown): DomainError {
    return new DomainError(code, `${field}: ${reason}`, details, field);
  }
}
