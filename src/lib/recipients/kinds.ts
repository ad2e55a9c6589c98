import type { CompanyDto, CompanyInputDto, ContactDto, ContactInputDto, LeadDto, LeadInputDto } from '$server/http/schemas/recipients';
import type { RecipientType } from '$server/domain/recipient-types';
import type { Column } from '$lib/components/table';
import { client } from '$lib/api/client';
import { m } from '$lib/paraglide/messages';

/** What the companies, contacts and leads pages show and edit; everything else they share. Labels are
 * read when used (getters and functions), so they follow the UI's language. */

export interface RecipientKinds {
  company: { dto: CompanyDto; input: CompanyInputDto };
  contact: { dto: ContactDto; input: ContactInputDto };
  lead: { dto: LeadDto; input: LeadInputDto };
}

export interface TextField<K extends RecipientType> {
  key: keyof RecipientKinds[K]['input'] & string;
  label: () => string;
  type?: 'text' | 'email' | 'url';
  required?: boolean;
}

export interface KindView<K extends RecipientType> {
  type: K;
  title: () => string;
  /** The kind's own sentences: each language words and declines them its own way. */
  text: {
    count: (n: number) => string;
    selected: (n: number) => string;
    new: () => string;
    edit: () => string;
    delete: () => string;
    saved: () => string;
    created: () => string;
    saveFailed: () => string;
    deleteFailed: (id: number) => string;
    import: () => string;
    search: () => string;
    none: () => string;
    deleteSelected: () => string;
    noAnswers: () => string;
  };
  /** The kind's routes on the typed client (/api/companies, …). */
  endpoint: typeof client.api.companies | typeof client.api.contacts | typeof client.api.leads;
  columns: () => Column[];
  textFields: TextField<K>[];
  /** The CSV header names the import accepts (the input's fields in snake_case, plus owner_email). */
  importColumns: readonly string[];
  displayName(row: RecipientKinds[K]['dto']): string;
}

const FLAG_KEYS = ['vip', 'massMailing', 'disqualified'] as const;
const snake = (keys: readonly string[]) => keys.map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
const importColumns = <K extends RecipientType>(keys: (keyof RecipientKinds[K]['input'] & string)[]) => [...snake([...keys, ...FLAG_KEYS]), 'owner_email'];

/** A kind's sentences, each its own catalogue key (`company_new`, `contact_new`…). */
const textsOf = (k: RecipientType): KindView<RecipientType>['text'] => ({
  count: (count) => m[`${k}_count`]({ count }),
  selected: (count) => m[`${k}_selected`]({ count }),
  new: m[`${k}_new`],
  edit: m[`${k}_edit`],
  delete: m[`${k}_delete`],
  saved: m[`${k}_saved`],
  created: m[`${k}_created`],
  saveFailed: m[`${k}_save_failed`],
  deleteFailed: (id) => m[`${k}_delete_failed`]({ id }),
  import: m[`${k}_import`],
  search: m[`${k}_search`],
  none: m[`${k}_none`],
  deleteSelected: m[`${k}_delete_selected`],
  noAnswers: m[`${k}_no_answers`],
});

const personName = (p: { firstName: string; lastName: string | null }) => [p.firstName, p.lastName].filter(Boolean).join(' ');

const tail = (): Column[] => [
  { key: 'email', label: m.col_email(), sort: 'email' },
  { key: 'country', label: m.col_country(), sort: 'country' },
  { key: 'owner', label: m.col_owner() },
  { key: 'flags', label: m.col_flags(), sort: 'vip' },
  { key: 'createdAt', label: m.col_created(), sort: 'createdAt' },
];

const company: KindView<'company'> = {
  type: 'company',
  title: m.type_companies,
  text: textsOf('company'),
  endpoint: client.api.companies,
  columns: () => [{ key: 'name', label: m.col_name(), sort: 'name' }, ...tail()],
  textFields: [
    { key: 'name', label: m.col_name, required: true },
    { key: 'email', label: m.col_email, type: 'email' },
    { key: 'website', label: m.field_website, type: 'url' },
    { key: 'country', label: m.col_country },
  ],
  importColumns: importColumns<'company'>(['name', 'email', 'website', 'country']),
  displayName: (row) => row.name,
};

const contact: KindView<'contact'> = {
  type: 'contact',
  title: m.type_contacts,
  text: textsOf('contact'),
  endpoint: client.api.contacts,
  columns: () => [
    { key: 'name', label: m.col_name(), sort: 'lastName' },
    { key: 'company', label: m.col_company() },
    ...tail(),
  ],
  textFields: [
    { key: 'firstName', label: m.field_first_name, required: true },
    { key: 'lastName', label: m.field_last_name },
    { key: 'email', label: m.col_email, type: 'email' },
    { key: 'title', label: m.field_title },
    { key: 'country', label: m.col_country },
  ],
  importColumns: importColumns<'contact'>(['email', 'firstName', 'lastName', 'title', 'companyId', 'country']),
  displayName: personName,
};

const lead: KindView<'lead'> = {
  type: 'lead',
  title: m.type_leads,
  text: textsOf('lead'),
  endpoint: client.api.leads,
  columns: () => [
    { key: 'name', label: m.col_name(), sort: 'lastName' },
    { key: 'company', label: m.col_company(), sort: 'companyName' },
    ...tail(),
  ],
  textFields: [
    { key: 'firstName', label: m.field_first_name, required: true },
    { key: 'lastName', label: m.field_last_name },
    { key: 'email', label: m.col_email, type: 'email' },
    { key: 'title', label: m.field_title },
    { key: 'companyName', label: m.field_company_name },
    { key: 'country', label: m.col_country },
  ],
  importColumns: importColumns<'lead'>(['email', 'firstName', 'lastName', 'title', 'companyName', 'country']),
  displayName: personName,
};

export const KIND_VIEWS: { [K in RecipientType]: KindView<K> } = { company, contact, lead };

