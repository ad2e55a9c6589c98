import { describe, expect, it } from 'vitest';
import { MAILING_STATUSES, nextStatus, type MailingStatus, type MailingTransition } from '../../server/domain/mailing-status.js';
import { light } from '../../server/domain/account-health.js';

describe('nextStatus', () => {
  const table: [MailingStatus, MailingTransition, MailingStatus | null][] = [
    ['active', 'pause', 'paused'],
    ['active_error', 'pause', 'paused'],
    ['paused', 'pause', null],
    ['paused', 'resume', 'active'],
    ['active', 'resume', null],
    ['interrupted', 'resume', 'active'],
    ['done', 'resume', null],
    ['active', 'recipient_failed', 'active_error'],
    ['active_error', 'recipient_failed', null],
    ['paused', 'recipient_failed', null],
    ['active', 'interrupt', 'interrupted'],
    ['paused', 'interrupt', 'interrupted'],
    ['done', 'interrupt', null],
    ['active_error', 'finish', 'done'],
    ['paused', 'finish', null],
    ['done', 'restart', 'active'],
    ['interrupted', 'restart', 'active'],
    ['cancelled', 'restart', null],
    ['done', 'cancel', null],
    ['paused', 'cancel', 'cancelled'],
  ];
  it.each(table)('%s --%s--> %s', (from, t, to) => expect(nextStatus(from, t)).toBe(to));

  // Every pair has an answer: a status, or null for a transition that does not apply.
  it('answers every status and transition', () => {
    const transitions = ['pause', 'resume', 'cancel', 'restart', 'recipient_failed', 'interrupt', 'finish'] as const;
    const answers = MAILING_STATUSES.flatMap((s) => transitions.map((t) => nextStatus(s, t)));
    expect(answers).toHaveLength(MAILING_STATUSES.length * transitions.length);
    expect(answers.filter((to) => to !== null && !MAILING_STATUSES.includes(to))).toEqual([]);
  });
});

describe('light', () => {
  const ok = { massMailEnabled: true, health: 'ok' as const, healthReason: null, healthDetail: null };
  it('is green only when enabled, healthy and inside window and quota', () => {
    expect(light(ok, { ok: true })).toEqual({ green: true });
    expect(light({ ...ok, massMailEnabled: false }, { ok: true })).toMatchObject({ green: false, reason: 'disabled' });
    expect(light({ ...ok, health: 'auth_failed', healthReason: '535 bad credentials' }, { ok: true })).toEqual({ green: false, reason: 'auth_failed', detail: '535 bad credentials', why: null });
    // Mailroom's own verdict travels as values for the UI to word, beside its English copy.
    const rate = { code: 'bounce_rate', events: 10, sends: 100, limit: 5 } as const;
    expect(light({ ...ok, health: 'bounce_rate', healthReason: '10 hard bounces…', healthDetail: rate }, { ok: true })).toEqual({ green: false, reason: 'bounce_rate', detail: '10 hard bounces…', why: rate });
    expect(light(ok, { ok: false, reason: 'daily_limit' })).toMatchObject({ green: false, reason: 'daily_limit' });
    expect(light(ok, { ok: false, reason: 'after_window' })).toMatchObject({ green: false, reason: 'outside_window' });
  });
});
