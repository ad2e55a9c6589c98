import type { RecipientType } from '$server/domain/recipient-types';
import type { MailingRequestDto } from '$server/http/schemas/mailings';

/** Who a "Make Massmail" is for: per recipient type, chosen rows or everything a filter matches. */
export type Selections = MailingRequestDto['selections'];
export type RecipientFilter = NonNullable<NonNullable<Selections['contact']>['filter']>;

/** Recipients fixed by the page the dialog was opened from, with how to say them. */
export interface PresetRecipients {
  selections: Selections;
  description: string;
}

/** The list filters of the companies, contacts and leads pages that a mailing's selection accepts. */
const FILTER_KEYS = ['q', 'ownerId', 'vip', 'massMailing', 'disqualified', 'country', 'companyId'] as const;

/** The selected rows of a recipients page, or, with none selected, its whole current filter. */
export function selectionFrom(type: RecipientType, selected: readonly number[], url: URL): Selections {
  if (selected.length) return { [type]: { ids: [...selected] } };
  const filter: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = url.searchParams.get(key);
    if (value) filter[key] = value;
  }
  return { [type]: { filter: filter as RecipientFilter } };
}
