import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { MessageSchema } from '../../../server/db/entities/index.js';
import type { User } from '../../../server/db/entities/user.entity.js';

/**
 * A message is one self-contained template: every way of writing a file tag is a 400 template
 * error, and a request that answers an error saves nothing. A message stored before these rules
 * cannot break the list it shows in.
 */

let t: TestApp;
let seller: User;
let seller_: Client;
let admin_: Client;

beforeAll(async () => {
  t = await initTestApp();
  const dept = await t.factories.department('Templates');
  seller = await t.factories.user('sales_manager', dept.id, { email: 'seller@tags.test' });
  await t.factories.user('admin', null, { email: 'admin@tags.test' });
  [seller_, admin_] = await Promise.all([t.signIn('seller@tags.test'), t.signIn('admin@tags.test')]);
});
afterAll(() => t.close());

const FILE_TAGS: [string, string][] = [
  ['include in a liquid block', "{% liquid include 'x' %}"],
  ['render on its own line of a liquid block', "{% liquid\n  assign a = 1\n  render 'x'\n%}"],
  ['layout in a liquid block', "{% liquid layout 'x' %}"],
  ['include with whitespace-control dashes', "{%- include 'x' -%}"],
  ['render with dashes and no spaces', '{%-render "x"-%}'],
  ['layout none', '{% layout none %}body'],
  ['render … for', "{% render 'x' for items as item %}"],
  ['include nested in an if of a dashed liquid block', "{%- liquid\n  if true\n    include 'x'\n  endif\n-%}"],
];

const messagesOfSeller = () => t.services.orm.em.fork().count(MessageSchema, { owner: seller.id });

describe('file tags', () => {
  // Invariant: whatever way a file tag is written, in whichever part, saving answers 400 naming it and stores nothing.
  it.each(FILE_TAGS)('refuses %s on create, update and preview, and saves nothing', async (_what, tag) => {
    const before = await messagesOfSeller();
    const existing = await seller_.post('/api/messages', { name: 'Ok', subject: 'Hi', html: '<p>Hi</p>' });
    expect(existing.status, existing.text).toBe(201);
    // A subject is one line: a tag written over several lines is refused there before it is parsed.
    const parts = tag.includes('\n') ? (['html', 'text'] as const) : (['subject', 'html', 'text'] as const);
    for (const part of parts) {
      const content = { subject: 'Hi', html: '<p>Hi</p>', [part]: tag };
      const created = await seller_.post('/api/messages', { name: 'Tagged', ...content });
      expect(created.status, created.text).toBe(400);
      expect(created.body.error).toMatch(new RegExp(`^${part}: \\{% (include|render|layout) %\\} is not allowed`));
      // The same as values, which the UI words in the reader's language.
      expect(created.body).toMatchObject({ reason: 'template_invalid', params: { problem: { cause: 'file_tag', part, tag: expect.stringMatching(/^(include|render|layout)$/) } } });
      const changed = await seller_.patch(`/api/messages/${existing.body.id}`, { [part]: tag });
      expect(changed.status, changed.text).toBe(400);
      const preview = await seller_.post('/api/messages/preview', { ...content, recipientType: 'contact' });
      expect(preview.status, preview.text).toBe(400);
    }
    expect(await messagesOfSeller()).toBe(before + 1);
    const unchanged = await seller_.get(`/api/messages/${existing.body.id}`);
    expect(unchanged.body).toMatchObject({ subject: 'Hi', html: '<p>Hi</p>', text: null });
  });

  // Invariant: a stored message that no longer parses never makes the message list or its preview answer 500.
  it('lists a stored message with a file tag, and previews it as a 400', async () => {
    const bad = await t.factories.message(seller, { name: 'Stored before the rule', html: "{% liquid include 'x' %}" });
    for (const client of [seller_, admin_]) {
      const list = await client.get('/api/messages?pageSize=100');
      expect(list.status, list.text).toBe(200);
      expect(list.body.items.find((m: { id: number }) => m.id === bad.id)).toMatchObject({ name: 'Stored before the rule', variables: [] });
    }
    const preview = await seller_.get(`/api/messages/${bad.id}/preview?recipientType=contact`);
    expect(preview.status, preview.text).toBe(400);
    expect(preview.body.error).toMatch(/include %\} is not allowed/);
  });
});

describe('render limits on save', () => {
  const BOMBS: [string, string][] = [
    ['a loop over a huge range', '{% for i in (1..49000000) %}x{% endfor %}'],
    ['a string doubled thirty times', '{% assign s = "x" %}{% for i in (1..30) %}{% assign s = s | append: s %}{% endfor %}{{ s }}'],
  ];
  // Invariant: a template that breaks a render limit is refused when saved (400 with the reason), and nothing is stored.
  it.each(BOMBS)('refuses %s with the reason and stores nothing', async (_what, bomb) => {
    const before = await messagesOfSeller();
    const created = await seller_.post('/api/messages', { name: 'Bomb', subject: 'Hi', html: bomb });
    expect(created.status, created.text).toBe(400);
    expect(created.body.error).toMatch(/^html: the template needs too much memory/);
    expect(created.body).toMatchObject({ reason: 'template_invalid', params: { problem: { cause: 'limit', part: 'html', limit: 'memory', value: 4_000_000 } } });
    const existing = await seller_.post('/api/messages', { name: 'Ok', subject: 'Hi', html: '<p>Hi</p>' });
    const changed = await seller_.patch(`/api/messages/${existing.body.id}`, { html: bomb });
    expect(changed.status, changed.text).toBe(400);
    expect(changed.body.params).toEqual(created.body.params);
    expect(await messagesOfSeller()).toBe(before + 1);
    expect((await seller_.get(`/api/messages/${existing.body.id}`)).body.html).toBe('<p>Hi</p>');
  });
});

describe('render limits in a preview', () => {
  // Invariant: a preview whose output outgrows its cap answers the limit as values: the part, the limit and its value.
  it('refuses an output larger than the cap with the part, the limit and where it overflowed', async () => {
    const preview = await seller_.post('/api/messages/preview', { subject: 'Hi', html: '<p>Hi</p>', text: `{% for i in (1..3000) %}${'x'.repeat(1000)}{% endfor %}`, recipientType: 'contact' });
    expect(preview.status, preview.text).toBe(400);
    expect(preview.body).toMatchObject({
      error: 'text: the output is larger than 2,000,000 characters, line:1, col:25',
      reason: 'template_invalid',
      params: { problem: { cause: 'limit', part: 'text', limit: 'output_size', value: 2_000_000, at: { line: 1, col: 25 } } },
    });
  });
});
