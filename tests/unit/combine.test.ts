import { describe, expect, it } from 'vitest';
import { combineProblems, type Combinable } from '../../server/domain/combine.js';
import { refusalText } from '../../server/domain/refusals.js';

const m = (over: Partial<Combinable> = {}): Combinable => ({ id: 1, messageId: 10, recipientType: 'contact', ownerId: 5, status: 'active', ...over });

describe('combineProblems', () => {
  it('accepts mailings with the same message, type and owner', () => {
    expect(combineProblems([m(), m({ id: 2, status: 'paused' })])).toEqual([]);
  });

  // The seed's three rules, each reported as a reason so the UI can say which one is broken, in its language.
  it.each([
    [[m(), m({ id: 2, messageId: 11 })], { reason: 'combine_other_message', params: {} }, /same newsletter message/],
    [[m(), m({ id: 2, recipientType: 'lead' })], { reason: 'combine_other_type', params: {} }, /same recipient type/],
    [[m(), m({ id: 2, ownerId: 6 })], { reason: 'combine_other_owner', params: {} }, /same owner/],
    [[m()], { reason: 'combine_too_few', params: {} }, /at least two/],
    [[m(), m({ id: 2, status: 'done' }), m({ id: 3, status: 'cancelled' })], { reason: 'combine_finished', params: { ids: [2, 3] } }, /Finished mailings cannot be combined: #2, #3/],
  ])('refuses %#', (list, refusal, english) => {
    expect(combineProblems(list)).toEqual([refusal]);
    expect(refusalText(combineProblems(list)[0])).toMatch(english);
  });
});
