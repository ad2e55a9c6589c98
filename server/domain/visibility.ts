import type { Role } from './roles.js';

/** Who is asking: enough to decide what they may see and change. */
export interface Actor {
  id: number;
  role: Role;
  departmentId: number | null;
}

/** Anything that belongs to a user in a department (CRM objects, accounts, messages, mailings). */
export interface Owned {
  ownerId: number;
  departmentId: number;
}

/** Company managers and admins see every department; everyone else sees only their own. */
export function seesAllDepartments(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'company_manager';
}

/** The department filter a list query must apply, or null for "all departments". */
export function departmentScope(actor: Actor): number | null {
  if (seesAllDepartments(actor)) return null;
  // A user without a department sees nothing rather than everything.
  return actor.departmentId ?? -1;
}

export function canSee(actor: Actor, item: Owned): boolean {
  return seesAllDepartments(actor) || item.departmentId === actor.departmentId;
}

/** Only the owner changes an object; admins change anything. */
export function canChange(actor: Actor, item: Owned): boolean {
  return actor.role === 'admin' || item.ownerId === actor.id;
}

/** Only admins manage users, departments, settings and other people's accounts. */
export function isAdmin(actor: Actor): boolean {
  return actor.role === 'admin';
}

/** Whom may this actor name as the owner of a new object? Admins anyone; others only themselves. */
export function canAssignOwner(actor: Actor, ownerId: number): boolean {
  return actor.role === 'admin' || ownerId === actor.id;
}

/**
 * Whose recipients may this actor mail? Only their own: a mailing goes out through its owner's
 * accounts to the recipients assigned to that owner, so admins and company managers too mail only
 * what is theirs.
 */
export function canMailRecipientsOf(actor: Actor, ownerId: number): boolean {
  return ownerId === actor.id;
}
