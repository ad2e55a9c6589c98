import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import type { User } from '../../../server/db/entities/user.entity.js';

let t: TestApp;
let seller: User;
let seller_: Client;
let colleague_: Client;
let outsider_: Client;
let admin_: Client;

beforeAll(async () => {
  t = await initTestApp();
  const sales = await t.factories.department('Sales');
  const support = await t.factories.department('Support');
  await t.factories.user('admin', null, { email: 'admin@sig.test' });
  seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@sig.test', name: 'Sam Seller' });
  await t.factories.user('sales_manager', sales.id, { email: 'colleague@sig.test' });
  await t.factories.user('sales_manager', support.id, { email: 'outsider@sig.test' });
  [seller_, colleague_, outsider_, admin_] = await Promise.all(['seller', 'colleague', 'outsider', 'admin'].map((n) => t.signIn(`${n}@sig.test`)));
});
afterAll(() => t.close());

describe('signatures', () => {
  // A signature ends up in thousands of inboxes and in our own UI: no script may survive saving.
  it('sanitises HTML bodies but keeps formatting, links, images and inline styles', async () => {
    const body =
      '<p style="color: #333">Best, <b>Sam</b></p><a href="https://crm.test" onclick="steal()">site</a>' +
      '<img src="https://crm.test/logo.png" alt="logo" onerror="x()"><img src="data:image/png;base64,iVBORw0KGgo=">' +
      '<script>alert(1)</script><iframe src="https://evil.test"></iframe><a href="javascript:alert(1)">bad</a>';
    const res = await seller_.post('/api/signatures', { name: 'Work', format: 'html', body });
    expect(res.status, res.text).toBe(201);
    const saved: string = res.body.body;
    expect(saved).toContain('<p style="color:#333">Best, <b>Sam</b></p>');
    expect(saved).toContain('<a href="https://crm.test">site</a>');
    expect(saved).toContain('<img src="https://crm.test/logo.png" alt="logo" />');
    expect(saved).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(saved).not.toMatch(/script|iframe|onclick|onerror|javascript:/);
    expect(res.body).toMatchObject({ name: 'Work', format: 'html', isDefault: false, ownerId: seller.id, ownerName: 'Sam Seller' });
  });

  it('stores plain-text bodies as written', async () => {
    const res = await seller_.post('/api/signatures', { name: 'Plain', format: 'text', body: 'Sam <sam@crm.test>\nSales' });
    expect(res.body.body).toBe('Sam <sam@crm.test>\nSales');
  });

  // One default per owner, so "use my default signature" is never ambiguous.
  it('keeps at most one default signature per owner', async () => {
    const a = await seller_.post('/api/signatures', { name: 'A', format: 'text', body: 'A', isDefault: true });
    const b = await seller_.post('/api/signatures', { name: 'B', format: 'text', body: 'B', isDefault: true });
    expect((await seller_.get(`/api/signatures/${a.body.id}`)).body.isDefault).toBe(false);
    expect((await seller_.get(`/api/signatures/${b.body.id}`)).body.isDefault).toBe(true);
    await seller_.patch(`/api/signatures/${a.body.id}`, { isDefault: true });
    expect((await seller_.get(`/api/signatures/${b.body.id}`)).body.isDefault).toBe(false);
    const defaults = (await seller_.get(`/api/signatures?ownerId=${seller.id}&pageSize=500`)).body.items.filter((s: { isDefault: boolean }) => s.isDefault);
    expect(defaults.map((s: { id: number }) => s.id)).toEqual([a.body.id]);
  });

  it('refuses malformed input with 400', async () => {
    for (const bad of [
      { name: '', format: 'html', body: 'x' },
      { name: 'x', format: 'rtf', body: 'x' },
      { name: 'x', format: 'text', body: 'x'.repeat(20_001) },
      { name: 'x', format: 'text', body: '' },
      { name: 'x', format: 'text', body: 'x', owner: 1 },
    ]) {
      expect((await seller_.post('/api/signatures', bad)).status, JSON.stringify(bad).slice(0, 80)).toBe(400);
    }
  });

  it('lets colleagues see but only the owner or an admin change; other departments get 404', async () => {
    const { body } = await seller_.post('/api/signatures', { name: 'Mine', format: 'text', body: 'Mine' });
    expect((await colleague_.get(`/api/signatures/${body.id}`)).status).toBe(200);
    expect((await colleague_.patch(`/api/signatures/${body.id}`, { name: 'Theirs' })).status).toBe(403);
    expect((await colleague_.delete(`/api/signatures/${body.id}`)).status).toBe(403);
    expect((await outsider_.get(`/api/signatures/${body.id}`)).status).toBe(404);
    expect((await outsider_.get('/api/signatures')).body.total).toBe(0);
    expect((await admin_.patch(`/api/signatures/${body.id}`, { name: 'Fixed' })).body.name).toBe('Fixed');
  });

  it('re-sanitises when a text signature becomes HTML, and deletes', async () => {
    const { body } = await seller_.post('/api/signatures', { name: 'Switch', format: 'text', body: '<b>x</b><script>1</script>' });
    const html = await seller_.patch(`/api/signatures/${body.id}`, { format: 'html' });
    expect(html.body.body).toBe('<b>x</b>');
    expect((await seller_.delete(`/api/signatures/${body.id}`)).status).toBe(200);
    expect((await seller_.get(`/api/signatures/${body.id}`)).status).toBe(404);
  });
});
