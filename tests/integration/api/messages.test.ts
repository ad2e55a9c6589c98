import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import type { User } from '../../../server/db/entities/user.entity.js';

let t: TestApp;
let seller: User;
let colleague: User;
let seller_: Client;
let colleague_: Client;
let outsider_: Client;

beforeAll(async () => {
  t = await initTestApp();
  const sales = await t.factories.department('Sales');
  const support = await t.factories.department('Support');
  seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@msg.test', name: 'Sam Seller' });
  colleague = await t.factories.user('sales_manager', sales.id, { email: 'colleague@msg.test' });
  await t.factories.user('sales_manager', support.id, { email: 'outsider@msg.test' });
  [seller_, colleague_, outsider_] = await Promise.all(['seller', 'colleague', 'outsider'].map((n) => t.signIn(`${n}@msg.test`)));
});
afterAll(() => t.close());

const draft = (over: Record<string, unknown> = {}) => ({
  name: 'Spring news',
  subject: 'News for {{ company_name }}',
  html: '<p>Dear {{ first_name | default: "friend" }},</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
  ...over,
});

describe('messages', () => {
  // Liquid placeholders must survive sanitising, quotes and all, even inside attributes.
  it('saves sanitised HTML with liquid tags intact and lists the variables used', async () => {
    const res = await seller_.post('/api/messages', draft({ html: `${draft().html}<script>alert(1)</script><img src="x" onerror="y()">` }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.html).toBe('<p>Dear {{ first_name | default: "friend" }},</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><img src="x" />');
    expect(res.body).toMatchObject({ name: 'Spring news', text: null, signatureId: null, ownerId: seller.id, ownerName: 'Sam Seller' });
    expect(res.body.variables).toEqual(['company_name', 'first_name', 'unsubscribe_url']);
  });

  it('reports a liquid syntax error as 400 with the part and line', async () => {
    const res = await seller_.post('/api/messages', draft({ html: '<p>Hi</p>\n{% if vip %}\n<p>VIP</p>' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^html: .*not closed.*line:2/);
    const subject = await seller_.post('/api/messages', draft({ subject: 'Hi {{ name ' }));
    expect(subject.status).toBe(400);
    expect(subject.body.error).toMatch(/^subject: /);
    const filter = await seller_.post('/api/messages/preview', { subject: 'x', html: '{{ name | shout }}', recipientType: 'contact' });
    expect(filter.status).toBe(400);
  });

  it('previews with a sample recipient, the signature in its format and a derived text part', async () => {
    const sig = await seller_.post('/api/signatures', { name: 'Sig', format: 'html', body: '<p>Regards, <b>Sam</b></p>' });
    const res = await seller_.post('/api/messages/preview', {
      subject: 'Hello {{ first_name }} at {{ company_name }}',
      html: '<p>Dear {{ full_name }} ({{ title }}),</p><p>From {{ sender_name }}. <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
      signatureId: sig.body.id,
      recipientType: 'contact',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.subject).toBe('Hello Jane at Acme Ltd');
    expect(res.body.html).toContain('<p>Dear Jane Doe (Marketing Lead),</p>');
    expect(res.body.html).toContain('From Sam Seller.');
    expect(res.body.html).toContain(`<a href="${t.services.config.publicUrl}/u/preview">Unsubscribe</a>`);
    expect(res.body.html).toContain('<div class="signature"><p>Regards, <b>Sam</b></p></div>');
    expect(res.body.text).toContain('Dear Jane Doe (Marketing Lead),');
    expect(res.body.text).toContain(`Unsubscribe (${t.services.config.publicUrl}/u/preview)`);
    expect(res.body.text).toMatch(/\n-- \nRegards, Sam$/);
    expect(res.body.unknownVariables).toEqual([]);
  });

  it('appends a text signature as escaped paragraphs to the HTML and as written to the text', async () => {
    const sig = await seller_.post('/api/signatures', { name: 'Plain', format: 'text', body: 'Sam <sam@crm.test>\nSales team' });
    const res = await seller_.post('/api/messages/preview', { subject: 'Hi', html: '<p>Body</p>', text: 'Plain body', signatureId: sig.body.id, recipientType: 'lead' });
    expect(res.body.html).toContain('<div class="signature"><p>Sam &lt;sam@crm.test&gt;<br />Sales team</p></div>');
    expect(res.body.text).toBe('Plain body\n\n-- \nSam <sam@crm.test>\nSales team');
  });

  // A variable the recipient type lacks must be visible in the preview, never a silent blank.
  it('reports unknown variables and marks them visibly', async () => {
    const res = await seller_.post('/api/messages/preview', { subject: 'For {{ first_name }}', html: '<p>{{ website }} {{ discount.code }}</p>', recipientType: 'contact' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.unknownVariables).toEqual(['discount', 'website']);
    expect(res.body.html).toContain('[[unknown: website]] [[unknown: discount.code]]');
    const company = await seller_.post('/api/messages/preview', { subject: 'For {{ first_name }}', html: '<p>{{ website }}</p>', recipientType: 'company' });
    expect(company.body.unknownVariables).toEqual(['first_name']);
    expect(company.body.subject).toBe('For [[unknown: first_name]]');
    expect(company.body.html).toContain('https://acme.example');
  });

  it('previews a saved message for any recipient type', async () => {
    const { body } = await seller_.post('/api/messages', draft({ name: 'Saved' }));
    const res = await colleague_.get(`/api/messages/${body.id}/preview?recipientType=company`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.subject).toBe('News for Acme Ltd');
    expect(res.body.unknownVariables).toEqual(['first_name']);
    expect((await seller_.get(`/api/messages/${body.id}/preview?recipientType=robot`)).status).toBe(400);
    expect((await outsider_.get(`/api/messages/${body.id}/preview`)).status).toBe(404);
  });

  it('accepts only a signature the message owner owns (422 otherwise)', async () => {
    const theirs = await t.factories.signature(colleague);
    const refused = await seller_.post('/api/messages', draft({ signatureId: theirs.id }));
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/^signatureId:/);
    expect((await seller_.post('/api/messages', draft({ signatureId: 99999 }))).status).toBe(422);
    const mine = await t.factories.signature(seller);
    const ok = await seller_.post('/api/messages', draft({ signatureId: mine.id }));
    expect(ok.body.signatureId).toBe(mine.id);
    const cleared = await seller_.patch(`/api/messages/${ok.body.id}`, { signatureId: null });
    expect(cleared.body.signatureId).toBeNull();
  });

  it('refuses malformed input with 400', async () => {
    for (const bad of [
      draft({ subject: 'x'.repeat(301) }),
      draft({ html: '' }),
      draft({ html: 'x'.repeat(500_001) }),
      draft({ signatureId: 0 }),
      draft({ kind: 'newsletter' }),
      { subject: 'x', html: 'x', recipientType: 'vip' },
    ]) {
      const res = await seller_.post('recipientType' in bad ? '/api/messages/preview' : '/api/messages', bad);
      expect(res.status, res.text.slice(0, 200)).toBe(400);
    }
  });

  it('lets the owner change and delete; colleagues 403, other departments 404', async () => {
    const { body } = await seller_.post('/api/messages', draft({ name: 'Owned' }));
    const changed = await seller_.patch(`/api/messages/${body.id}`, { subject: 'New {{ name }}', text: 'Hi {{ name }}' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ subject: 'New {{ name }}', text: 'Hi {{ name }}' });
    expect(changed.body.variables).toEqual(['first_name', 'name', 'unsubscribe_url']);
    expect((await seller_.patch(`/api/messages/${body.id}`, { html: '{% for %}' })).status).toBe(400);
    expect((await colleague_.patch(`/api/messages/${body.id}`, { name: 'Mine now' })).status).toBe(403);
    expect((await colleague_.delete(`/api/messages/${body.id}`)).status).toBe(403);
    expect((await outsider_.get(`/api/messages/${body.id}`)).status).toBe(404);
    expect((await seller_.get('/api/messages?q=owned')).body.items.map((m: { id: number }) => m.id)).toEqual([body.id]);
    expect((await seller_.delete(`/api/messages/${body.id}`)).status).toBe(200);
    expect((await seller_.get(`/api/messages/${body.id}`)).status).toBe(404);
  });
});
