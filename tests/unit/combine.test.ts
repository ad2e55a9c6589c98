import { describe, expect, it } from 'vitest';
import { combineProblems, type Combinable } from '../../server/domain/combine.js';

const m = (over: Partial<Combinable> = {}): Combinable => ({ id: 1, messageId: 10, recipientType: 'contact', ownerId: 5, status: 'active', ...over });

describe('combineProblems', () => {
  it('accepts mailings with the same message, type and owner', () => {
    expect(combineProblems([m(), m({ id: 2, status: 'paused' })])).toEqual([]);
  });

  // The seed's three rules, each reported by name so the UI can say which one is broken.
  it.each([
    [[m(), m({ id: 2, messageId: 11 })], /same newsletter message/],
    [[m(), m({ id: 2, recipientType: 'lead' })], /same recipient type/],
    [[m(), m({ id: 2, ownerId: 6 })], /same owner/],
    [[m()], /at least two/],
    [[m(), m({ id: 2, status: 'done' })], /Finished mailings cannot be combined: #2/],
  ])('refuses %#', (list, problem) => {
    expect(combineProblems(list).join('\n')).toMatch(problem);
  });
});
