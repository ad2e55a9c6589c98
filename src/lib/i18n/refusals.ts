import { REFUSALS, type Refusal, type RefusalParamKind, type RefusalParamTypes } from '$server/domain/refusals';
import type { Unsuccessful } from '$server/domain/mailing-notes';
import { m } from '$lib/paraglide/messages';
import { formatBytes, formatNumber, formatWait } from '$lib/utils/format';
import { templateProblemText } from './template-problems';
import { STATUS_LABELS } from '$lib/mailings/labels';
import { RECIPIENT_TYPE_LABELS, ROLE_LABELS } from '$lib/utils/labels';
import { locale } from './locale.svelte';

/**
 * The server's refusals in the reader's language: each reason is worded by `refusal_<reason>` in
 * the catalogue, its values formatted here by their kind (counts in the reader's digits, sizes
 * in their units, statuses and roles by their labels); names and servers' texts as written.
 */

const UNSUCCESSFUL: Record<Unsuccessful, () => string> = { failed: m.unsuccessful_failed, uncertain: m.unsuccessful_uncertain, soft_bounced: m.unsuccessful_soft_bounced };

/** Owned records by the label the server counts them under, each in the reader's plural. */
const OWNED_COUNTS: Record<string, (p: { count: number }) => string> = {
  companies: m.company_count, contacts: m.contact_count, leads: m.lead_count, 'email accounts': m.account_count,
  signatures: m.signature_count, messages: m.message_count, mailings: m.mailing_count, users: m.user_count,
};

const either = (items: string[]) => new Intl.ListFormat(locale.current, { type: 'disjunction' }).format(items);

const WORDED: { [K in RefusalParamKind]: (value: RefusalParamTypes[K]) => string } = {
  text: (v) => v,
  id: (v) => String(v),
  count: formatNumber,
  bytes: formatBytes,
  seconds: formatWait,
  ids: (ids) => ids.map((id) => `#${id}`).join(', '),
  list: (items) => items.join(', '),
  extensions: (exts) => either(exts.map((e) => `.${e}`)),
  variables: (names) => names.map((n) => `{{ ${n} }}`).join(', '),
  status: (s) => STATUS_LABELS[s],
  role: (r) => ROLE_LABELS[r],
  // German writes nouns with a capital inside a sentence too; English and French do not.
  recipients: (t) => (locale.current === 'de' ? RECIPIENT_TYPE_LABELS[t] : RECIPIENT_TYPE_LABELS[t].toLocaleLowerCase(locale.current)),
  unsuccessful: (groups) => either(groups.map((g) => UNSUCCESSFUL[g]())),
  owned: (counts) => Object.entries(counts).map(([label, n]) => OWNED_COUNTS[label]?.({ count: n }) ?? `${formatNumber(n)} ${label}`).join(', '),
  refusals: (list) => list.map((r) => refusalText(r) ?? '').join('; '),
  template: templateProblemText,
};

const MESSAGES = m as unknown as Record<string, ((params: Record<string, string>) => string) | undefined>;

/** The refusal in the reader's language, or null for a reason this UI does not know (a newer server's), or values of another shape. */
export function refusalText(refusal: Refusal): string | null {
  const word = MESSAGES[`refusal_${refusal.reason}`];
  if (!word || !Object.hasOwn(REFUSALS, refusal.reason)) return null;
  const kinds: Record<string, RefusalParamKind> = REFUSALS[refusal.reason].params;
  try {
    const values = Object.fromEntries(Object.entries(kinds).map(([name, kind]) => [name, (WORDED[kind] as (v: unknown) => string)((refusal.params as Record<string, unknown>)[name])]));
    return word(values);
  } catch {
    return null;
  }
}
