import type { RecipientType } from './recipient-types.js';

/**
 * The variables a message template may use, per recipient type, and their values for one
 * recipient. Pure: the caller supplies the recipient's fields and the sender's context.
 */

const COMMON = ['name', 'email', 'country', 'unsubscribe_url', 'sender_name'] as const;
const PERSON = ['first_name', 'last_name', 'full_name', 'title', 'company_name'] as const;

export const TEMPLATE_VARIABLES: Record<RecipientType, readonly string[]> = {
  company: [...COMMON, 'company_name', 'website'],
  contact: [...COMMON, ...PERSON],
  lead: [...COMMON, ...PERSON],
};

/** The recipient's own fields, as the CRM stores them (null where empty). */
interface Common {
  email: string | null;
  country: string | null;
}
export interface CompanyFields extends Common {
  name: string;
  website: string | null;
}
export interface PersonFields extends Common {
  firstName: string;
  lastName: string | null;
  title: string | null;
  companyName: string | null;
}
export type RecipientFields = { company: CompanyFields; contact: PersonFields; lead: PersonFields };

/** What the message's sending side adds: the recipient's own unsubscribe link and the sender. */
export interface SenderContext {
  unsubscribeUrl: string;
  senderName: string;
}

/** The variables for one recipient; every offered name is present, empty fields are ''. */
export function variablesFor<T extends RecipientType>(type: T, recipient: RecipientFields[T], sender: SenderContext): Record<string, string> {
  const common = { email: recipient.email ?? '', country: recipient.country ?? '', unsubscribe_url: sender.unsubscribeUrl, sender_name: sender.senderName };
  if (type === 'company') {
    const company = recipient as CompanyFields;
    return { ...common, name: company.name, company_name: company.name, website: company.website ?? '' };
  }
  const person = recipient as PersonFields;
  const fullName = [person.firstName, person.lastName].filter(Boolean).join(' ');
  return {
    ...common,
    name: fullName,
    first_name: person.firstName,
    last_name: person.lastName ?? '',
    full_name: fullName,
    title: person.title ?? '',
    company_name: person.companyName ?? '',
  };
}

/** The names a template uses that the recipient type does not offer, sorted and without repeats. */
export function unknownVariables(usedNames: Iterable<string>, type: RecipientType): string[] {
  const offered = new Set(TEMPLATE_VARIABLES[type]);
  return [...new Set(usedNames)].filter((name) => !offered.has(name)).sort();
}

/** Made-up recipients for previews, one per type. */
export const SAMPLE_RECIPIENTS: RecipientFields = {
  company: { name: 'Acme Ltd', email: 'info@acme.example', country: 'United Kingdom', website: 'https://acme.example' },
  contact: { firstName: 'Jane', lastName: 'Doe', title: 'Marketing Lead', companyName: 'Acme Ltd', email: 'jane.doe@acme.example', country: 'United Kingdom' },
  lead: { firstName: 'John', lastName: 'Smith', title: 'Head of Sales', companyName: 'Globex Corp', email: 'john.smith@globex.example', country: 'Germany' },
};
