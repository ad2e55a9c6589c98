import { describe, expect, it } from 'vitest';
import { canAssignOwner, canChange, canMailRecipientsOf, canSee, departmentScope, type Actor } from '../../server/domain/visibility.js';

const actor = (role: Actor['role'], departmentId: number | null, id = 1): Actor => ({ id, role, departmentId });
const ownItem = { ownerId: 1, departmentId: 10 };
const colleagueItem = { ownerId: 2, departmentId: 10 };
const foreignItem = { ownerId: 3, departmentId: 20 };

describe('visibility', () => {
  // The seed: sales managers see only their own department; company managers see all.
  it.each([
    ['sales_manager', [true, true, false]],
    ['team_lead', [true, true, false]],
    ['company_manager', [true, true, true]],
    ['admin', [true, true, true]],
  ] as const)('%s sees own, colleague, foreign = %o', (role, expected) => {
    const a = actor(role, 10);
    expect([ownItem, colleagueItem, foreignItem].map((i) => canSee(a, i))).toEqual(expected);
  });

  it('only the owner or an admin changes an object', () => {
    expect(canChange(actor('sales_manager', 10), ownItem)).toBe(true);
    expect(canChange(actor('sales_manager', 10), colleagueItem)).toBe(false);
    expect(canChange(actor('team_lead', 10, 9), colleagueItem)).toBe(false);
    expect(canChange(actor('company_manager', null, 9), colleagueItem)).toBe(false);
    expect(canChange(actor('admin', null, 9), foreignItem)).toBe(true);
  });

  it('scopes lists to the department, and a user without one to nothing', () => {
    expect(departmentScope(actor('sales_manager', 10))).toBe(10);
    expect(departmentScope(actor('team_lead', null))).toBe(-1);
    expect(departmentScope(actor('company_manager', null))).toBeNull();
  });

  it('lets only admins assign records to others', () => {
    expect(canAssignOwner(actor('sales_manager', 10), 1)).toBe(true);
    expect(canAssignOwner(actor('sales_manager', 10), 2)).toBe(false);
    expect(canAssignOwner(actor('admin', null), 2)).toBe(true);
  });

  // A mailing goes through its owner's own accounts: nobody, whatever the role, mails another owner's recipients.
  it('lets everyone mail only their own recipients', () => {
    expect(canMailRecipientsOf(actor('sales_manager', 10), 1)).toBe(true);
    expect(canMailRecipientsOf(actor('sales_manager', 10), 2)).toBe(false);
    expect(canMailRecipientsOf(actor('company_manager', null), 2)).toBe(false);
    expect(canMailRecipientsOf(actor('admin', null), 2)).toBe(false);
  });
});
