import type { CompanyDto, CompanyInputDto, ContactDto, ContactInputDto, LeadDto, LeadInputDto } from '$server/http/schemas/recipients';
import type { RecipientType } from '$server/domain/recipient-types';
import type { Column } from '$lib/components/table';
import { client } from '$lib/api/client';

/** What the companies, contacts and leads pages show and edit; everything else they share. */

export interface RecipientKinds {
  company: { dto: CompanyDto; input: CompanyInputDto };
  contact: { dto: ContactDto; input: ContactInputDto };
  lead: { dto: LeadDto; input: LeadInputDto };
}

export interface TextField<K extends RecipientType> {
  key: keyof RecipientKinds[K]['input'] & string;
  label: string;
  type?: 'text' | 'email' | 'url';
  required?: boolean;
}

export interface KindView<K extends RecipientType> {
  type: K;
  title: string;
  singular: string;
  /** The kind's routes on the typed client (/api/companies, …). */
  endpoint: typeof client.api.companies | typeof client.api.contacts | typeof client.api.leads;
  columns: Column[];
  textFields: TextField<K>[];
  /** The CSV header names the import accepts (the input's fields in snake_case, plus owner_email). */
  importColumns: readonly string[];
  displayName(row: RecipientKinds[K]['dto']): string;
}

const FLAG_KEYS = ['vip', 'massMailing', 'disqualified'] as const;
const snake = (keys: readonly string[]) => keys.map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
const importColumns = <K extends RecipientType>(keys: (keyof RecipientKinds[K]['input'] & string)[]) => [...snake([...keys, ...FLAG_KEYS]), 'owner_email'];

const personName = (p: { firstName: string; lastName: string | null }) => [p.firstName, p.lastName].filter(Boolean).join(' ');

const tail: Column[] = [
  { key: 'email', label: 'E-mail', sort: 'email' },
  { key: 'country', label: 'Country', sort: 'country' },
  { key: 'owner', label: 'Owner' },
  { key: 'flags', label: 'Flags', sort: 'vip' },
  { key: 'createdAt', label: 'Created', sort: 'createdAt' },
];

const company: KindView<'company'> = {
  type: 'company',
  title: 'Companies',
  singular: 'company',
  endpoint: client.api.companies,
  columns: [{ key: 'name', label: 'Name', sort: 'name' }, ...tail],
  textFields: [
    { key: 'name', label: 'Name', required: true },
    { key: 'email', label: 'E-mail', type: 'email' },
    { key: 'website', label: 'Website', type: 'url' },
    { key: 'country', label: 'Country' },
  ],
  importColumns: importColumns<'company'>(['name', 'email', 'website', 'country']),
  displayName: (row) => row.name,
};

const contact: KindView<'contact'> = {
  type: 'contact',
  title: 'Contacts',
  singular: 'contact',
  endpoint: client.api.contacts,
  columns: [
    { key: 'name', label: 'Name', sort: 'lastName' },
    { key: 'company', label: 'Company' },
    ...tail,
  ],
  textFields: [
    { key: 'firstName', label: 'First name', required: true },
    { key: 'lastName', label: 'Last name' },
    { key: 'email', label: 'E-mail', type: 'email' },
    { key: 'title', label: 'Title' },
    { key: 'country', label: 'Country' },
  ],
  importColumns: importColumns<'contact'>(['email', 'firstName', 'lastName', 'title', 'companyId', 'country']),
  displayName: personName,
};

const lead: KindView<'lead'> = {
  type: 'lead',
  title: 'Leads',
  singular: 'lead',
  endpoint: client.api.leads,
  columns: [
    { key: 'name', label: 'Name', sort: 'lastName' },
    { key: 'company', label: 'Company', sort: 'companyName' },
    ...tail,
  ],
  textFields: [
    { key: 'firstName', label: 'First name', required: true },
    { key: 'lastName', label: 'Last name' },
    { key: 'email', label: 'E-mail', type: 'email' },
    { key: 'title', label: 'Title' },
    { key: 'companyName', label: 'Company name' },
    { key: 'country', label: 'Country' },
  ],
  importColumns: importColumns<'lead'>(['email', 'firstName', 'lastName', 'title', 'companyName', 'country']),
  displayName: personName,
};

export const KIND_VIEWS: { [K in RecipientType]: KindView<K> } = { company, contact, lead };

