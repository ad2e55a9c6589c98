import type { Em } from '../db/orm.js';
import { canAssignOwner } from '../domain/visibility.js';
import type { User } from '../db/entities/user.entity.js';
import { userRepository } from '../db/repositories/user.repository.js';
import type { AuthUser } from '../security/session.js';
import { ApiError } from './errors.js';

/** The owner a new or re-assigned record gets: yourself unless you are an admin. */
export async function resolveOwner(em: Em, actor: AuthUser, ownerId: number | undefined): Promise<User> {
  const id = ownerId ?? actor.id;
  if (!canAssignOwner(actor, id)) throw new ApiError('forbidden', { reason: 'assign_admins_only', params: {} }, { field: 'ownerId' });
  const owner = await userRepository.byId(em, id);
  if (!owner || !owner.active) throw new ApiError('precondition', { reason: 'owner_unknown', params: { id } }, { field: 'ownerId' });
  if (!owner.department) throw new ApiError('precondition', { reason: 'owner_without_department', params: { name: owner.name } }, { field: 'ownerId' });
  return owner;
}
