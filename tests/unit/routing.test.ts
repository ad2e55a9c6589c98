import { describe, expect, it } from 'vitest';
import { route } from '../../server/domain/routing.js';

const main = { id: 1, main: true, usable: true };
const r1 = { id: 2, main: false, usable: true };
const r2 = { id: 3, main: false, usable: true };

describe('route', () => {
  // Main accounts mail VIP recipients only; VIPs go through the main account when it can send.
  it('sends VIPs through the main account and deals the rest round-robin over regular accounts', () => {
    const routes = route([{ vip: true }, { vip: false }, { vip: false }, { vip: true }, { vip: false }], [main, r1, r2]);
    expect(routes.map((r) => r.accountId)).toEqual([1, 2, 3, 1, 2]);
  });

  it('spreads VIPs over regular accounts when the main account cannot send', () => {
    const routes = route([{ vip: true }, { vip: true }], [{ ...main, usable: false }, r1, r2]);
    expect(routes.map((r) => r.accountId)).toEqual([2, 3]);
  });

  it('never sends a non-VIP through a main account', () => {
    expect(route([{ vip: false }], [main])).toEqual([{ accountId: null, reason: 'no_regular_account' }]);
    expect(route([{ vip: false }], [])).toEqual([{ accountId: null, reason: 'no_account' }]);
  });

  // Moving a disabled account's recipients: the same rule over the remaining accounts.
  it('rebinds over the remaining usable accounts, continuing the rotation', () => {
    const routes = route([{ vip: false }, { vip: false }], [main, { ...r1, usable: false }, r2], 5);
    expect(routes.map((r) => r.accountId)).toEqual([3, 3]);
    expect(route([{ vip: false }, { vip: false }], [r1, r2], 1).map((r) => r.accountId)).toEqual([3, 2]);
  });
});
