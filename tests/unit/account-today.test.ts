import { describe, expect, it } from 'vitest';
import { accountToday } from '../../server/domain/account-health.js';

const settings = { timeZone: 'Europe/Berlin' };
const now = new Date('2026-03-02T23:30:00Z');

describe('accountToday', () => {
  // The daily limit counts from midnight where the account sends: its own zone, else the organisation's.
  it("starts an account's day at midnight in its own zone, else in the organisation's", () => {
    expect(accountToday({ timeZone: 'America/New_York' }, settings, now).start).toEqual(new Date('2026-03-02T05:00:00Z'));
    expect(accountToday({ timeZone: null }, settings, now).start).toEqual(new Date('2026-03-02T23:00:00Z'));
    expect(accountToday({}, settings, now).local.zoneName).toBe('Europe/Berlin');
  });
});
