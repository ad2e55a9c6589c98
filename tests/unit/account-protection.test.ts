import { describe, expect, it } from 'vitest';
import { crosses, HARD_BOUNCE_RULE, COMPLAINT_RULE, protectionVerdict, softBouncesSuppress } from '../../server/domain/account-protection.js';

describe('account protection', () => {
  it('stops an account above 5% hard bounces over its last 300 sends, from 5 bounces on', () => {
    expect(crosses(HARD_BOUNCE_RULE, { sends: 300, events: 15 })).toBe(false);
    expect(crosses(HARD_BOUNCE_RULE, { sends: 300, events: 16 })).toBe(true);
    // A young account: 4 bounces of 20 sends is 20%, but too few to judge.
    expect(crosses(HARD_BOUNCE_RULE, { sends: 20, events: 4 })).toBe(false);
    expect(crosses(HARD_BOUNCE_RULE, { sends: 20, events: 5 })).toBe(true);
  });

  it('stops it above 0.3% complaints, from 2 complaints on', () => {
    expect(crosses(COMPLAINT_RULE, { sends: 1000, events: 3 })).toBe(false);
    expect(crosses(COMPLAINT_RULE, { sends: 1000, events: 4 })).toBe(true);
    expect(crosses(COMPLAINT_RULE, { sends: 50, events: 1 })).toBe(false);
    expect(crosses(COMPLAINT_RULE, { sends: 50, events: 2 })).toBe(true);
  });

  it('names the rule it broke, complaints first', () => {
    expect(protectionVerdict({ sends: 100, events: 0 }, { sends: 100, events: 0 })).toBeNull();
    expect(protectionVerdict({ sends: 100, events: 10 }, { sends: 100, events: 0 })).toEqual({ health: 'bounce_rate', detail: { code: 'bounce_rate', events: 10, sends: 100, limit: 5 } });
    expect(protectionVerdict({ sends: 100, events: 10 }, { sends: 100, events: 2 })).toMatchObject({ health: 'complaint_rate' });
  });

  it('suppresses an address after 5 soft bounces spread over a week, not over a bad day', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    expect(softBouncesSuppress({ count: 9, first: daysAgo(1) }, now)).toBe(false);
    expect(softBouncesSuppress({ count: 4, first: daysAgo(30) }, now)).toBe(false);
    expect(softBouncesSuppress({ count: 5, first: daysAgo(7) }, now)).toBe(true);
    expect(softBouncesSuppress({ count: 5, first: null }, now)).toBe(false);
  });
});
