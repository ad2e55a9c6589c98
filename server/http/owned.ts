import type { Em } from '../db/orm.js';
import { canAssignOwner } from '../domain/visibility.js';
import type { User } from '../db/entities/user.entity.js';
import { userRepository } from '../db/repositories/user.repository.js';
import type { AuthUser } from '../security/session.js';
import { ApiError } from './errors.js';

/** The owner a new or re-assigned record gets: yourself unless you are an admin. */
export async function resolveOwner(em: Em, actor: AuthUser, ownerId: number | undefined): Promise<User> {
  const id = ownerId ?? actor.id;
  if (!canAssignOwner(actor, id)) throw ApiError.of('forbidden', 'ownerId', 'only admins may assign records to other users');
  const owner = await userRepository.byId(em, id);
  if (!owner || !owner.active) throw ApiError.of('precondition', 'ownerId', `user ${id} not found`);
  if (!owner.department) throw ApiError.of('precondition', 'ownerId', `${owner.name} has no department and cannot own records`);
  return owner;
}
