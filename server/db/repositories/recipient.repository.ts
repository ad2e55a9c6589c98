import { raw, type FilterQuery } from '@mikro-orm/core';
import type { Em } from '../orm.js';
import { CompanySchema, type Company } from '../entities/company.entity.js';
import { ContactSchema, type Contact } from '../entities/contact.entity.js';
import { LeadSchema, type Lead } from '../entities/lead.entity.js';
import type { RecipientType } from '../../domain/recipient-types.js';
import { containsPattern } from './like.js';

export type RecipientEntity = { company: Company; contact: Contact; lead: Lead };

export const recipientSchemas = { company: CompanySchema, contact: ContactSchema, lead: LeadSchema } as const;

/** Columns a keyword search looks in, per recipient type. */
const SEARCH_FIELDS: Record<RecipientType, string[]> = {
  company: ['name', 'email', 'country', 'website'],
  contact: ['firstName', 'lastName', 'email', 'title'],
  lead: ['firstName', 'lastName', 'email', 'companyName', 'title'],
};

export interface RecipientFilter {
  q?: string;
  ownerId?: number;
  departmentId?: number;
  vip?: boolean;
  massMailing?: boolean;
  disqualified?: boolean;
  country?: string;
  companyId?: number;
  ids?: number[];
}

export interface Paging {
  sort?: string;
  dir?: 'asc' | 'desc';
  page: number;
  pageSize: number;
}


/**
 * The WHERE clause of a recipient list: the caller's department scope (null = all departments)
 * and the user's filters. Also the source of "mail everyone in this filter".
 */
export function recipientWhere<K extends RecipientType>(kind: K, filter: RecipientFilter, scope: number | null): FilterQuery<RecipientEntity[K]> {
  const and: Record<string, unknown>[] = [];
  if (scope !== null) and.push({ department: scope });
  if (filter.departmentId) and.push({ department: filter.departmentId });
  if (filter.ownerId) and.push({ owner: filter.ownerId });
  for (const flag of ['vip', 'massMailing', 'disqualified'] as const) {
    if (filter[flag] !== undefined) and.push({ [flag]: filter[flag] });
  }
  if (filter.country) and.push({ country: filter.country });
  if (filter.companyId && kind === 'contact') and.push({ company: filter.companyId });
  if (filter.ids) and.push({ id: { $in: filter.ids } });
  if (filter.q) {
    const like = containsPattern(filter.q);
    const or: Record<string, unknown>[] = SEARCH_FIELDS[kind].map((f) => ({ [f]: { $like: like } }));
    if (/^\d+$/.test(filter.q)) or.push({ id: Number(filter.q) });
    and.push({ $or: or });
  }
  return (and.length ? { $and: and } : {}) as FilterQuery<RecipientEntity[K]>;
}

/** What a mailing needs of one CRM row: where to send, what to call it, and whether it may be mailed. */
export interface MailableRow {
  id: number;
  email: string | null;
  name: string;
  vip: boolean;
  massMailing: boolean;
  disqualified: boolean;
}

/** The highest id a selection matches (0 when none): where reading it page by page stops. */
export async function lastSelectedId(em: Em, kind: RecipientType, filter: RecipientFilter): Promise<number> {
  const [row] = (await em
    .createQueryBuilder(recipientSchemas[kind] as never)
    .select([raw('max(id) as last')] as never)
    .where(recipientWhere(kind, filter, null) as never)
    .execute('all')) as { last: number | null }[];
  return Number(row?.last ?? 0);
}

/**
 * One page of a selection: its rows with `afterId < id <= throughId`, in id order. Reading a
 * selection in such pages keeps memory to one page however many rows it matches. The page is a
 * range of the primary key, not `id > ? limit n`: MariaDB serves that through the owner index,
 * which it reads from the owner's first row for every page (a pre-flight of a million took 92 s
 * instead of 16), while a bounded id range is read straight from the primary key.
 */
export async function mailablePage(em: Em, kind: RecipientType, filter: RecipientFilter, afterId: number, throughId: number): Promise<MailableRow[]> {
  const names = kind === 'company' ? ['name'] : ['firstName', 'lastName'];
  const rows = (await em
    .createQueryBuilder(recipientSchemas[kind] as never)
    .select(['id', 'email', 'vip', 'massMailing', 'disqualified', ...names] as never)
    .where({ $and: [recipientWhere(kind, filter, null), { id: { $gt: afterId, $lte: throughId } }] } as never)
    .orderBy({ id: 'asc' } as never)
    .execute('all')) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: Number(r.id),
    email: typeof r.email === 'string' ? r.email : null,
    name: kind === 'company' ? String(r.name) : [r.firstName, r.lastName].filter(Boolean).join(' '),
    vip: Boolean(r.vip),
    massMailing: Boolean(r.massMailing),
    disqualified: Boolean(r.disqualified),
  }));
}

export async function listRecipients<K extends RecipientType>(em: Em, kind: K, filter: RecipientFilter, scope: number | null, paging: Paging) {
  const schema = recipientSchemas[kind];
  const populate = (kind === 'contact' ? ['owner', 'company'] : ['owner']) as never[];
  const [items, total] = await em.findAndCount(schema as never, recipientWhere(kind, filter, scope) as never, {
    populate,
    orderBy: { [paging.sort ?? 'id']: paging.dir ?? 'asc', ...(paging.sort && paging.sort !== 'id' ? { id: 'asc' } : {}) } as never,
    limit: paging.pageSize,
    offset: (paging.page - 1) * paging.pageSize,
  });
  return { items: items as RecipientEntity[K][], total };
}

/** A company by id, for a contact that names it (the caller checks it may see it). */
export function companyById(em: Em, id: number): Promise<Company | null> {
  return em.findOne(CompanySchema, { id });
}
