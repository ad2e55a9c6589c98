import type { RecipientOutcome } from '$server/domain/recipient-outcomes';
import { m } from '$lib/paraglide/messages';
import { formatDate } from '$lib/utils/format';

/** Why Mailroom itself ended a recipient, in the reader's language. */
export function outcomeText(o: RecipientOutcome): string {
  switch (o.code) {
    case 'opted_out':
      return m.outcome_opted_out();
    case 'record_deleted':
      return m.outcome_record_deleted();
    case 'suppressed':
      return m.outcome_suppressed();
    case 'cancelled':
      return m.outcome_cancelled();
    case 'already_mailed':
      return m.outcome_already_mailed({ into: o.into });
    case 'replied':
      // A calendar day, not an instant: read in UTC so no time zone moves it.
      return m.outcome_replied({ email: o.email, on: formatDate(o.on, 'UTC') });
    case 'worker_stopped':
      return m.outcome_worker_stopped();
  }
}
