import type { Me } from '$server/http/routes/session';
import type { UserDto } from '$server/http/schemas/users';
import { isAdmin } from '$server/domain/visibility';

/** Records, accounts and messages live in their owner's department, so only active users with one can own them. */
export const assignableOwners = (users: UserDto[]) => users.filter((u) => u.active && u.departmentId !== null);

/** Whether `me` may create things owned by someone: admins name an owner, others own what they create. */
export const canCreateOwned = (me: Me) => isAdmin(me) || me.departmentId !== null;

/** The owner an admin's form starts with: themselves when they can own, else the first who can. */
export const defaultOwnerId = (me: Me, owners: UserDto[]) => (me.departmentId !== null ? me.id : (owners[0]?.id ?? me.id));
