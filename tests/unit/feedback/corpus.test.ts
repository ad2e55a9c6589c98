import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../../server/mail/feedback/classify.js';

/**
 * Every message in tests/fixtures/feedback is classified and compared with its entry in
 * expected.json: kind, the message's own Message-ID and sender, refs, List-Id, and each
 * recipient's address, action, status and severity. `excerpt` there is a substring the excerpt
 * must hold (null: no excerpt); `excerptExcludes` lists text it must not hold (quotes, signatures).
 */

interface Expected {
  kind: string;
  messageId: string | null;
  from: string | null;
  refs: string[];
  listId: string | null;
  recipients: { email: string; severity: string; status: string | null; action: string | null }[];
  excerpt: string | null;
  excerptExcludes?: string[];
}

const DIR = join(import.meta.dirname, '../../fixtures/feedback');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.eml')).sort();
// The addresses the intake would pass: the organisation's unsubscribe address and the account's own.
const OPTIONS = { unsubscribeAddresses: ['unsubscribe@mailroom.example.com', 'ann@crm.example.com'] };

describe('classifyMessage on the fixture corpus', () => {
  // A fixture without an expectation, or an expectation without its fixture, would test nothing.
  it('has one expectation per fixture', () => {
    expect(Object.keys(expected).sort()).toEqual(fixtures);
  });

  it.each(fixtures)('%s', async (file) => {
    const want = expected[file];
    const got = await classifyMessage(readFileSync(join(DIR, file)), OPTIONS);
    expect({
      kind: got.kind,
      messageId: got.messageId,
      from: got.from,
      refs: got.refs,
      listId: got.listId,
      recipients: got.recipients.map(({ email, severity, status, action }) => ({ email, severity, status, action })),
    }).toEqual({ kind: want.kind, messageId: want.messageId, from: want.from, refs: want.refs, listId: want.listId, recipients: want.recipients });
    if (want.excerpt === null) expect(got.excerpt).toBeNull();
    else expect(got.excerpt).toContain(want.excerpt);
    for (const text of want.excerptExcludes ?? []) expect(got.excerpt).not.toContain(text);
    // Every diagnostic is stored as it will be shown: one clean line of at most 1000 characters.
    for (const r of got.recipients) if (r.diagnostic !== null) expect(r.diagnostic).toMatch(/^[^\u0000-\u001f\u007f]{1,1000}$/);
  });
});
