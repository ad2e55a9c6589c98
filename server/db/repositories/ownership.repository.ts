import type { EntitySchema, FilterQuery } from '@mikro-orm/core';
import type { Em } from '../orm.js';
import { containsPattern } from './like.js';
import {
  CompanySchema,
  ContactSchema,
  EmailAccountSchema,
  LeadSchema,
  MailingSchema,
  MessageSchema,
  SignatureSchema,
} from '../entities/index.js';
import type { Paging } from './recipient.repository.js';

/** Queries shared by everything a user owns inside a department (accounts, signatures, messages, CRM objects, mailings). */

/** Each owned table under the label a refusal counts it under (`owned` values of server/domain/refusals.ts). */
const OWNED = {
  companies: CompanySchema,
  contacts: ContactSchema,
  leads: LeadSchema,
  'email accounts': EmailAccountSchema,
  signatures: SignatureSchema,
  messages: MessageSchema,
  mailings: MailingSchema,
} as const;

type OwnedSchema = (typeof OWNED)[keyof typeof OWNED];

type EntityOf<S> = S extends EntitySchema<infer E> ? E : never;
/** An entity of any owned kind: all have an id, an owner and a department. */
type Owned = EntityOf<OwnedSchema>;

/**
 * One owned table's schema typed over the union of the owned kinds, which MikroORM's filter and
 * data types resolve to their shared columns. `EntitySchema` is invariant in its entity, hence
 * this one cast in place of one per query.
 */
const asOwned = (schema: OwnedSchema) => schema as unknown as EntitySchema<Owned>;

/** How many records of each kind `where` matches (only kinds with any), e.g. `{ companies: 3 }`. */
export async function ownedRecordCounts(em: Em, where: { owner: number } | { department: number }): Promise<Record<string, number>> {
  const counts = await Promise.all(Object.entries(OWNED).map(async ([label, schema]) => [label, await em.count(asOwned(schema), where)] as const));
  return Object.fromEntries(counts.filter(([, n]) => n > 0));
}

/**
 * Moves everything a user owns to their new department, so every record stays in its owner's
 * department (the visibility rules rely on it). One UPDATE per table, in one transaction.
 */
export async function moveOwnedRecords(em: Em, ownerId: number, departmentId: number): Promise<void> {
  await em.transactional(async (tx) => {
    for (const schema of Object.values(OWNED)) await tx.nativeUpdate(asOwned(schema), { owner: ownerId }, { department: departmentId });
  });
}

export interface OwnedFilter {
  q?: string;
  ownerId?: number;
  departmentId?: number;
}


/**
 * One page of owned records: the caller's department scope (null = all departments), the
 * owner/department filters and a keyword over `searchFields` (or an exact id).
 */
export async function listOwned<T extends Owned>(em: Em, schema: OwnedSchema, searchFields: string[], filter: OwnedFilter, scope: number | null, paging: Paging): Promise<{ items: T[]; total: number }> {
  const and: Record<string, unknown>[] = [];
  if (scope !== null) and.push({ department: scope });
  if (filter.departmentId) and.push({ department: filter.departmentId });
  if (filter.ownerId) and.push({ owner: filter.ownerId });
  if (filter.q) {
    const like = containsPattern(filter.q);
    const or: Record<string, unknown>[] = searchFields.map((f) => ({ [f]: { $like: like } }));
    if (/^\d+$/.test(filter.q)) or.push({ id: Number(filter.q) });
    and.push({ $or: or });
  }
  const [items, total] = await em.findAndCount(asOwned(schema), (and.length ? { $and: and } : {}) as FilterQuery<Owned>, {
    populate: ['owner'],
    orderBy: { [paging.sort ?? 'id']: paging.dir ?? 'asc', ...(paging.sort && paging.sort !== 'id' ? { id: 'asc' } : {}) },
    limit: paging.pageSize,
    offset: (paging.page - 1) * paging.pageSize,
  });
  return { items: items as T[], total };
}
