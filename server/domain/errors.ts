import { refusalText, type Refusal } from './refusals.js';

/** Where a refusal points, and what more it carries for the UI (the records in the way, the rules broken…). */
export interface RefusalOptions {
  /** The path of the input the rule refuses (`ownerId`, `selections.contact.filter.ownerId`), so a form can show it there. */
  field?: string;
  details?: unknown;
}

/**
 * The English of a refusal as the API has always said it: "field: reason" when one input is to
 * blame, else the reason alone.
 */
export const refusalMessage = (refusal: Refusal, field?: string) => (field === undefined ? refusalText(refusal) : `${field}: ${refusalText(refusal)}`);

/** A broken domain rule, made only from a reason (server/domain/refusals.ts). `code` is stable; server/http maps it to a status. */
export class DomainError extends Error {
  readonly details?: unknown;
  readonly field?: string;

  constructor(
    readonly code: 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'precondition',
    readonly refusal: Refusal,
    options: RefusalOptions = {},
  ) {
    super(refusalMessage(refusal, options.field));
    this.details = options.details;
    this.field = options.field;
  }
}
