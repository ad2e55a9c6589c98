import { raw, type EntitySchema, type FilterQuery, type RequiredEntityData } from '@mikro-orm/core';
import type { Em } from '../orm.js';
import { CompanySchema, type Company } from '../entities/company.entity.js';
import { ContactSchema, type Contact } from '../entities/contact.entity.js';
import { LeadSchema, type Lead } from '../entities/lead.entity.js';
import type { RecipientType } from '../../domain/recipient-types.js';
import { containsPattern } from './like.js';

export type RecipientEntity = { company: Company; contact: Contact; lead: Lead };

/** Each kind's schema, typed per kind so `recipientSchemas[kind]` is the schema of `RecipientEntity[kind]`. */
const recipientSchemas: { [K in RecipientType]: EntitySchema<RecipientEntity[K]> } = { company: CompanySchema, contact: ContactSchema, lead: LeadSchema };

/** An entity of any recipient kind: what queries over the columns the three kinds share work on. */
export type AnyRecipient = RecipientEntity[RecipientType];

/**
 * The schema of `kind`, typed over the union of the three kinds. MikroORM's filter and data types
 * cannot resolve a generic entity (`RecipientEntity[K]`), but resolve the union to the columns the
 * kinds share (recipient-columns.ts), which is all the shared queries use. `EntitySchema` is
 * invariant in its entity, hence this one cast in place of one per query.
 */
export function anyRecipientSchema(kind: RecipientType): EntitySchema<AnyRecipient> {
  return recipientSchemas[kind] as unknown as EntitySchema<AnyRecipient>;
}

/** Rows a query on `anyRecipientSchema(kind)` returned, typed back as that kind's entities. */
export function rowsOfKind<K extends RecipientType>(_kind: K, rows: AnyRecipient[]): RecipientEntity[K][] {
  return rows as RecipientEntity[K][];
}

/** An entity made from `anyRecipientSchema(kind)`, typed back as that kind's entity. */
export function entityOfKind<K extends RecipientType>(_kind: K, entity: AnyRecipient): RecipientEntity[K] {
  return entity as RecipientEntity[K];
}

/**
 * Field values of one recipient as entity data. The routes' zod input schemas (and the CSV
 * import) checked them against the kind, but reach here as plain records, typed by the
 * `ZodObject` of a generic kind spec: the one cast that stands for that check.
 */
export function recipientData(data: Record<string, unknown>): RequiredEntityData<AnyRecipient> {
  return data as RequiredEntityData<AnyRecipient>;
}

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
export function recipientWhere(kind: RecipientType, filter: RecipientFilter, scope: number | null): FilterQuery<AnyRecipient> {
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
  return (and.length ? { $and: and } : {}) as FilterQuery<AnyRecipient>;
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
    .createQueryBuilder(anyRecipientSchema(kind))
    .select([raw('max(id) as last')])
    .where(recipientWhere(kind, filter, null))
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
    .createQueryBuilder(anyRecipientSchema(kind))
    .select(['id', 'email', 'vip', 'massMailing', 'disqualified', ...names])
    .where({ $and: [recipientWhere(kind, filter, null), { id: { $gt: afterId, $lte: throughId } }] })
    .orderBy({ id: 'asc' })
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
  const [items, total] = await em.findAndCount(anyRecipientSchema(kind), recipientWhere(kind, filter, scope), {
    populate: kind === 'contact' ? ['owner', 'company'] : ['owner'],
    orderBy: { [paging.sort ?? 'id']: paging.dir ?? 'asc', ...(paging.sort && paging.sort !== 'id' ? { id: 'asc' } : {}) },
    limit: paging.pageSize,
    offset: (paging.page - 1) * paging.pageSize,
  });
  return { items: rowsOfKind(kind, items), total };
}

/** A company by id, for a contact that names it (the caller checks it may see it). */
export function companyById(em: Em, id: number): Promise<Company | null> {
  return em.findOne(CompanySchema, { id });
}
