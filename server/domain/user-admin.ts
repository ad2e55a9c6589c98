import type { Role } from './roles.js';
import { DomainError } from './errors.js';

/** Rules for managing user records (what an admin may set). */

/** Sales managers and team leads work inside one department; admins and company managers may have none. */
export function needsDepartment(role: Role): boolean {
  return role === 'sales_manager' || role === 'team_lead';
}

/** An admin cannot lock themselves out: no self-demotion, self-deactivation or self-deletion. */
export function assertNotSelfLockout(actorId: number, targetId: number, change: { role?: Role; active?: boolean; delete?: boolean }): void {
  if (actorId !== targetId) return;
  if (change.delete) throw new DomainError('precondition', { reason: 'self_delete', params: {} });
  if (change.role !== undefined && change.role !== 'admin') throw new DomainError('precondition', { reason: 'self_demote', params: {} }, { field: 'role' });
  if (change.active === false) throw new DomainError('precondition', { reason: 'self_deactivate', params: {} }, { field: 'active' });
}
