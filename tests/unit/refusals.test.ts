import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../server/domain/locales.js';
import { REFUSAL_REASONS, REFUSALS, refusalText, type Refusal } from '../../server/domain/refusals.js';
import { DomainError } from '../../server/domain/errors.js';
import { ApiError, toApiError } from '../../server/http/errors.js';

/**
 * The server's refusals and the UI's catalogues: every reason is worded in every language with
 * exactly its values, English as the API says it; and an error is only ever made from a reason.
 */

const load = (locale: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, `../../messages/${locale}.json`), 'utf8')) as Record<string, unknown>;
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('the catalogue of refusals', () => {
  it.for(LOCALES)('%s words every reason with exactly its values', (locale) => {
    const catalogue = load(locale);
    const wrong = REFUSAL_REASONS.flatMap((reason) => {
      const text = catalogue[`refusal_${reason}`];
      const expected = Object.keys(REFUSALS[reason].params).sort();
      return typeof text === 'string' && JSON.stringify(placeholders(text)) === JSON.stringify(expected) ? [] : [{ reason, text, expected }];
    });
    expect(wrong).toEqual([]);
  });

  // The UI's English is the API's English: the same wording with the same placeholders.
  it('says in English what the API says', () => {
    const english = load('en');
    expect(REFUSAL_REASONS.filter((reason) => english[`refusal_${reason}`] !== REFUSALS[reason].en)).toEqual([]);
  });

  // A `refusal_` key no reason uses would be a translation nobody reads.
  it('has no wording of a reason the server does not have', () => {
    const stale = Object.keys(load('en')).filter((key) => key.startsWith('refusal_') && !(REFUSAL_REASONS as string[]).includes(key.slice('refusal_'.length)));
    expect(stale).toEqual([]);
  });
});

describe('refusalText', () => {
  it.each<[Refusal, string]>([
    [{ reason: 'department_name_taken', params: { name: 'Sales' } }, 'a department named Sales already exists'],
    [{ reason: 'cannot_resume', params: { id: 4, status: 'active_error' } }, 'Mailing #4 is active error; it cannot be resumed'],
    [{ reason: 'nothing_to_restart', params: { id: 4, groups: ['failed', 'uncertain', 'soft_bounced'] } }, 'Mailing #4 has no failed, uncertain or soft-bounced recipients to send again'],
    [{ reason: 'file_too_large', params: { limit: 10 * 1024 * 1024, provider: 25 * 1024 * 1024 } }, 'a file may be at most 10 MB: providers refuse messages over about 25 MB once encoded, and encoding adds a third'],
    [{ reason: 'file_extension_mismatch', params: { type: 'image/jpeg', extension: 'png', expected: ['jpg', 'jpeg'] } }, 'the content is image/jpeg, which does not match the name\'s extension ".png" (expected .jpg or .jpeg)'],
    [{ reason: 'user_owns_records_delete', params: { name: 'Anna', owned: { contacts: 3, mailings: 1 } } }, 'Anna still owns 3 contacts, 1 mailings; deactivate the user instead, or reassign the records first'],
    [{ reason: 'too_many_sign_ins', params: { wait: 300 } }, 'Too many failed sign-ins; try again in 5 min'],
    [{ reason: 'preflight_unknown_variables', params: { variables: ['first_name', 'vat'], type: 'company' } }, 'The message uses {{ first_name }}, {{ vat }}, which companies do not have'],
    [
      { reason: 'combine_refused', params: { problems: [{ reason: 'combine_other_owner', params: {} }, { reason: 'combine_finished', params: { ids: [2, 3] } }] } },
      'The mailings must have the same owner (sales manager); Finished mailings cannot be combined: #2, #3',
    ],
  ])('words %j in English', (refusal, english) => {
    expect(refusalText(refusal)).toBe(english);
  });
});

describe('errors made from reasons', () => {
  // The English, the reason and the values come from one refusal, so they cannot disagree.
  it('carries the reason and its values in the body, the English worded from them', () => {
    const err = new ApiError('conflict', { reason: 'department_name_taken', params: { name: 'Sales' } }, { field: 'name' });
    expect(err.toBody()).toEqual({ code: 'conflict', error: 'name: a department named Sales already exists', reason: 'department_name_taken', params: { name: 'Sales' }, field: 'name' });
  });

  it("keeps a domain rule's reason on its way to the API", () => {
    const err = toApiError(new DomainError('precondition', { reason: 'self_delete', params: {} }, { details: { id: 1 } }));
    expect(err?.toBody()).toEqual({ code: 'precondition', error: 'You cannot delete your own user', reason: 'self_delete', params: {}, details: { id: 1 } });
  });

  // Invalid input is told by its issues, which the UI words itself; it has no reason.
  it('words invalid input from its first issue', () => {
    const err = ApiError.invalid([{ path: 'name', message: 'Too small', code: 'too_small' }], 'name');
    expect(err.toBody()).toEqual({ code: 'invalid_input', error: 'name: Too small', field: 'name', details: [{ path: 'name', message: 'Too small', code: 'too_small' }] });
  });

  // Not a runtime check: `npm run check` type-checks tests/, and each line below must fail to compile.
  it('cannot be made from free text', () => {
    // @ts-expect-error an ApiError takes a reason, not words
    const api = () => new ApiError('conflict', 'a department named Sales already exists');
    // @ts-expect-error a DomainError takes a reason, not words
    const domain = () => new DomainError('conflict', 'Mailing #1 is done');
    // @ts-expect-error a reason takes its own values only
    const wrongParams = () => new ApiError('conflict', { reason: 'department_name_taken', params: { id: 1 } });
    expect([api, domain, wrongParams].every((make) => typeof make === 'function')).toBe(true);
  });
});
