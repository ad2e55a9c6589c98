import type { Em } from '../db/orm.js';
import { canAssignOwner, canChange, canSee, type Owned } from '../domain/visibility.js';
import { UserSchema, type User } from '../db/entities/user.entity.js';
import type { AuthUser } from '../security/session.js';
import { ApiError, notFound } from './errors.js';

/** Loading and guarding one owned record (account, signature, message) the same way in every route. */

interface OwnedEntity {
  owner: { id: number };
  department: { id: number };
}

export const ownership = (e: OwnedEntity): Owned => ({ ownerId: e.owner.id, departmentId: e.department.id });

/** The record, or 404 when it does not exist or lies in a department the actor cannot see. */
export async function loadVisible<T extends OwnedEntity>(em: Em, schema: unknown, actor: AuthUser, id: number, label: string, populate: string[] = ['owner']): Promise<T> {
  const entity = (await em.findOne(schema as never, { id } as never, { populate: populate as never[] })) as T | null;
  if (!entity || !canSee(actor, ownership(entity))) throw notFound(label);
  return entity;
}

/** As loadVisible, then 403 unless the actor owns it or is an admin. */
export async function loadChangeable<T extends OwnedEntity>(em: Em, schema: unknown, actor: AuthUser, id: number, label: string, populate?: string[]): Promise<T> {
  const entity = await loadVisible<T>(em, schema, actor, id, label, populate);
  if (!canChange(actor, ownership(entity))) throw new ApiError('forbidden', `Only the owner or an admin may change this ${label.toLowerCase()}`);
  return entity;
}

/** The owner a new or re-assigned record gets: yourself unless you are an admin. */
export async function resolveOwner(em: Em, actor: AuthUser, ownerId: number | undefined): Promise<User> {
  const id = ownerId ?? actor.id;
  if (!canAssignOwner(actor, id)) throw ApiError.of('forbidden', 'ownerId', 'only admins may assign records to other users');
  const owner = await em.findOne(UserSchema, { id }, { populate: ['department'] });
  if (!owner || !owner.active) throw ApiError.of('precondition', 'ownerId', `user ${id} not found`);
  if (!owner.department) throw ApiError.of('precondition', 'ownerId', `${owner.name} has no department and cannot own records`);
  return owner;
}
