import { formErrors, noErrors, type FormErrors } from './form-errors';
import { handleError } from './handle-error';

/**
 * One form's save cycle: `busy` while it runs, a refusal shown on the form (under the `known`
 * fields it names, the rest in `errors.form`), and anything else reported through handleError.
 */
export class FormSubmit {
  busy = $state(false);
  errors = $state<FormErrors>(noErrors());

  constructor(
    private readonly known: readonly string[],
    /** The context of the toast when the failure is not a refusal, e.g. "Saving the user failed". */
    private readonly failure: string,
  ) {}

  /** Runs `save`: the request and what follows it (toast, close, navigate), so a throw from any of it lands here. */
  async run(save: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.errors = noErrors();
    try {
      await save();
    } catch (err) {
      const mapped = formErrors(err, this.known);
      if (mapped) this.errors = mapped;
      else handleError(err, this.failure);
    } finally {
      this.busy = false;
    }
  }

  /** Forgets the last refusal, for a dialog that stays mounted while closed. */
  reset() {
    this.errors = noErrors();
  }
}
