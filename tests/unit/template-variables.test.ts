import { describe, expect, it } from 'vitest';
import { SAMPLE_RECIPIENTS, TEMPLATE_VARIABLES, unknownVariables, variablesFor } from '../../server/domain/template-variables.js';
import { RECIPIENT_TYPES } from '../../server/domain/recipient-types.js';

const sender = { unsubscribeUrl: 'https://crm.test/u/abc', senderName: 'Sam Seller' };

describe('variablesFor', () => {
  // The template sees the same names for every recipient of a type, so a missing field is '' and never undefined.
  it.each(RECIPIENT_TYPES)('offers exactly the declared names for a %s', (type) => {
    expect(Object.keys(variablesFor(type, SAMPLE_RECIPIENTS[type], sender)).sort()).toEqual([...TEMPLATE_VARIABLES[type]].sort());
  });

  it('names a company by its name', () => {
    const vars = variablesFor('company', { name: 'Acme Ltd', email: 'info@acme.test', country: null, website: null }, sender);
    expect(vars).toEqual({
      name: 'Acme Ltd', company_name: 'Acme Ltd', website: '', email: 'info@acme.test', country: '',
      unsubscribe_url: 'https://crm.test/u/abc', sender_name: 'Sam Seller',
    });
  });

  it('names a person by their full name and copes with missing parts', () => {
    const contact = variablesFor('contact', { firstName: 'Jane', lastName: 'Doe', title: 'CMO', companyName: 'Acme Ltd', email: null, country: 'FR' }, sender);
    expect(contact).toMatchObject({ name: 'Jane Doe', full_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe', title: 'CMO', company_name: 'Acme Ltd', email: '', country: 'FR' });
    const lead = variablesFor('lead', { firstName: 'Kim', lastName: null, title: null, companyName: null, email: 'kim@x.test', country: null }, sender);
    expect(lead).toMatchObject({ name: 'Kim', full_name: 'Kim', last_name: '', title: '', company_name: '' });
  });
});

describe('unknownVariables', () => {
  it('lists the names a type lacks, sorted and once each', () => {
    expect(unknownVariables(['website', 'first_name', 'zip', 'zip', 'name'], 'contact')).toEqual(['website', 'zip']);
    expect(unknownVariables(['first_name', 'website'], 'company')).toEqual(['first_name']);
    expect(unknownVariables(['name', 'email', 'unsubscribe_url', 'sender_name', 'country'], 'lead')).toEqual([]);
  });
});
