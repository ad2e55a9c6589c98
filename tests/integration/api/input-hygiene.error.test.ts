import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, TEST_PASSWORD, type Client, type TestApp } from '../../support/test-app.js';
import { buildRoleMatrix, databaseFingerprint, OWNED, type RoleMatrix } from '../../support/role-matrix.js';
import { apiRoutes } from '../../../server/http/routes/index.js';

/**
 * Text hygiene, for every route the API documents: a control character or ill-formed Unicode in
 * any string of a JSON body, a query, a path or a CSV file gets 400 naming the field (never a 500,
 * never stored), anonymously too; tab and line breaks pass only in multi-line fields; and no header
 * value reaches a 500.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Operation = { requestBody?: { content?: Record<string, { schema: Schema }> }; parameters?: { in: string; name: string }[] };

const doc = apiRoutes().getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'routes', version: '1' } });
const components = (doc.components?.schemas ?? {}) as Record<string, Schema>;
const OPERATIONS = Object.entries(doc.paths ?? {}).flatMap(([path, ops]) =>
  Object.entries(ops as Record<string, Operation>)
    .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
    .map(([method, op]) => ({ method: method.toUpperCase(), route: `/api${path}`, op })),
);

/** The paths of every string a JSON body of this schema may hold ("selections.company.filter.q"). */
function stringFields(schema: Schema, path: string[] = [], depth = 0): string[][] {
  if (depth > 8) return [];
  if (schema.$ref) return stringFields(components[schema.$ref.split('/').pop()!], path, depth + 1);
  const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  if (alternatives.length) return dedupe(alternatives.flatMap((s) => stringFields(s, path, depth + 1)));
  const types = [schema.type ?? []].flat();
  if (types.includes('string')) return [path];
  if (types.includes('array') && schema.items) return stringFields(schema.items, path, depth + 1).map((p) => (p.length === path.length ? [...path, '0'] : p));
  return Object.entries(schema.properties ?? {}).flatMap(([key, s]) => stringFields(s, [...path, key], depth + 1));
}
const dedupe = (paths: string[][]) => [...new Map(paths.map((p) => [p.join('.'), p])).values()];

/** A body holding `value` at `path` (arrays where the path has an index). */
function bodyWith(path: string[], value: unknown): unknown {
  if (!path.length) return value;
  const [head, ...rest] = path;
  return /^\d+$/.test(head) ? [bodyWith(rest, value)] : { [head]: bodyWith(rest, value) };
}

/** Fields that hold several lines of text: tab and line breaks are theirs. */
const MULTI_LINE = new Set(['html', 'text', 'body', 'unsubscribeText', 'dkimPrivateKey']);

/** Refused everywhere. Lone surrogates only in JSON: a URL carries UTF-8, which cannot spell one. */
const ALWAYS_BAD: [string, string][] = [
  ['a NUL byte', 'a\u0000b'],
  ['a bell (U+0007)', 'a\u0007b'],
  ['an escape (U+001B)', '\u001b[31mred'],
  ['a DEL (U+007F)', 'a\u007fb'],
  ['a C1 control (U+0085)', 'a\u0085b'],
];
const LONE_SURROGATES: [string, string][] = [
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', 'a\udc00b'],
];
/** Refused in single-line fields only. */
const LINE_BREAKS: [string, string][] = [
  ['a line feed', 'a\nb'],
  ['a carriage return', 'a\rb'],
  ['a tab', 'a\tb'],
];

let t: TestApp;
let m: RoleMatrix;
let admin: Client;
let before: string;

/** The route with its `{id}` filled by a record that exists, so only the bad text stands in the way. */
function pathOf(route: string): string {
  const resource = route.split('/')[2];
  const id = (OWNED as readonly string[]).includes(resource) ? m.records.A[resource as (typeof OWNED)[number]] : resource === 'users' ? m.actors.colleagueA.user.id : resource === 'departments' ? m.departments.A.id : 1;
  return route.replace('{id}', String(id));
}

/** The database's content, sign-in counts aside (attempts count even when refused later). */
async function fingerprint() {
  await t.services.orm.em.fork().getConnection().execute('delete from rate_limits');
  return databaseFingerprint(t.services.orm);
}

function expectRefused(res: { status: number; body: any; text: string }, field: string) {
  expect(res.status, res.text).toBe(400);
  expect(res.body?.error).toContain(`${field}:`);
  expect(res.body?.details?.[0]?.path).toBe(field);
}

beforeAll(async () => {
  t = await initTestApp();
  m = await buildRoleMatrix(t);
  admin = m.actors.admin.client;
  before = await fingerprint();
});
afterAll(() => t.close());

const BODY_ROUTES = OPERATIONS.flatMap(({ method, route, op }) => {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  return schema ? stringFields(schema).map((field) => ({ method, route, field })) : [];
});

describe('text hygiene of JSON bodies', () => {
  it('finds the string fields of the write routes', () => {
    expect(BODY_ROUTES.length).toBeGreaterThan(40);
    expect(BODY_ROUTES.map((r) => `${r.method} ${r.route} ${r.field.join('.')}`)).toContain('POST /api/session email');
  });

  // Every string field of every JSON body refuses control characters and lone surrogates, naming the field.
  it.each(BODY_ROUTES.map((r) => [`${r.method} ${r.route}`, r.field.join('.'), r] as const))('%s refuses bad text in %s', async (_, name, { method, route, field }) => {
    const multiLine = MULTI_LINE.has(field.findLast((p) => !/^\d+$/.test(p))!);
    for (const [what, value] of [...ALWAYS_BAD, ...LONE_SURROGATES, ...(multiLine ? [] : LINE_BREAKS)]) {
      const res = await admin.send(method, pathOf(route), bodyWith(field, value));
      expect.soft(res.status, `${what}: ${res.text}`).toBe(400);
      expectRefused(res, name);
    }
  });

  // Signing in is open to anyone: the same check holds with no session at all.
  it('refuses bad text anonymously on POST /api/session', async () => {
    for (const [, value] of [...ALWAYS_BAD, ...LONE_SURROGATES, ...LINE_BREAKS]) {
      expectRefused(await m.anonymous.post('/api/session', { email: `x${value}@example.com`, password: 'whatever-password' }), 'email');
      expectRefused(await m.anonymous.post('/api/session', { email: 'x@example.com', password: `pass${value}word` }), 'password');
    }
  });

  // Multi-line fields keep their line breaks and tabs: the check must not refuse real text.
  it('keeps tab and line breaks in multi-line fields', async () => {
    const owner = m.actors.ownerA.client;
    const message = await owner.post('/api/messages', { name: 'Lines', subject: 'Hello', html: '<p>one</p>\r\n\t<p>two</p>', text: 'one\r\n\ttwo' });
    expect(message.status, message.text).toBe(201);
    expect(message.body.html).toContain('\r\n\t');
    const signature = await owner.post('/api/signatures', { name: 'Lines', format: 'text', body: 'Regards,\nAnn' });
    expect(signature.status, signature.text).toBe(201);
    before = await fingerprint();
  });

  // Nesting is input too: a body nested 10,000 levels deep (a few kB) must be a 400, never a
  // stack overflow (500) in whatever walks it, anonymously as well, up to the size limit.
  it.each([
    ['arrays', (n: number) => '['.repeat(n) + ']'.repeat(n), 1_000_000],
    ['objects', (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n), 100_000],
  ])('refuses JSON %s nested 10,000 deep and more with 400', async (_, nested, deepest) => {
    for (const [path, depth] of [['/api/session', 10_000], ['/api/departments', 10_000], ['/api/session', deepest]] as const) {
      const res = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: nested(depth) });
      expect(res.status, `${path} ${depth}`).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/nested deeper than/);
    }
  });

  // Field names are text too.
  it('refuses a control character in a field name', async () => {
    const res = await admin.post('/api/departments', { 'na\u0000me': 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/control characters/);
  });
});

const QUERY_ROUTES = OPERATIONS.flatMap(({ method, route, op }) => (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ method, route, name: p.name })));

describe('text hygiene of queries and paths', () => {
  // Every query parameter refuses control characters (as any URL may spell them, %00), naming it.
  it.each(QUERY_ROUTES.map((r) => [`${r.method} ${r.route}`, r.name, r] as const))('%s refuses bad text in ?%s', async (_, name, { method, route }) => {
    for (const [what, value] of [...ALWAYS_BAD, ...LINE_BREAKS]) {
      const res = await admin.send(method, `${pathOf(route)}?${name}=${encodeURIComponent(value)}`);
      expect.soft(res.status, `${what}: ${res.text}`).toBe(400);
      expectRefused(res, name);
    }
  });

  // A path parameter is text from the URL as well, whatever type it turns into.
  it.each(OPERATIONS.filter((o) => o.route.includes('{id}')).map((o) => [`${o.method} ${o.route}`, o] as const))('%s refuses a NUL in its path', async (_, { method, route }) => {
    const res = await admin.send(method, route.replace('{id}', '1%00'));
    expect(res.status, res.text).toBe(400);
  });
});

describe('text hygiene of CSV imports', () => {
  // A CSV file may hold line breaks and tabs, not other controls; the error names the line.
  it.each(['companies', 'contacts', 'leads'])('POST /api/%s/import refuses a control character, naming the line', async (kind) => {
    const csv = `name,email\nAcme,info@acme.test\nBad\u0000Co,bad@acme.test\n`;
    expectRefused(await m.actors.ownerA.client.post(`/api/${kind}/import`, csv), 'line 3');
    expectRefused(await m.actors.ownerA.client.post(`/api/${kind}/import`, csv, { 'content-type': 'TEXT/PLAIN' }), 'line 3');
  });
});

describe('headers', () => {
  // The CSRF token is compared in constant time; a token of the right length in characters but
  // not in bytes must be a 403 like any wrong token.
  it('answers a non-ASCII x-csrf-token of the right length with 403', async () => {
    const signedIn = await t.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: m.actors.colleagueA.user.email, password: TEST_PASSWORD }) });
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0];
    const token = ((await signedIn.json()) as { csrfToken: string }).csrfToken;
    before = await fingerprint();
    const res = await t.app.request('/api/departments', { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': 'é'.repeat(token.length) }, body: JSON.stringify({ name: 'Never' }) });
    expect(res.status).toBe(403);
  });

  // Whatever a header holds, the answer is never a server error.
  it.each([
    ['a cookie with a broken escape', { cookie: 'mailroom_session=%E0%A4%A' }],
    ['a cookie of Latin-1 bytes', { cookie: 'mailroom_session=\u00ff\u00fe\u00e9' }],
    ['a cookie with only a name', { cookie: 'mailroom_session' }],
    ['a cookie of 4000 characters', { cookie: `mailroom_session=${'x'.repeat(4000)}` }],
    ['a content type with a Latin-1 charset', { 'content-type': 'application/json; charset=\u00e9' }],
    ['a content type of utf-16', { 'content-type': 'application/json; charset=utf-16' }],
    ['a content type that is no type', { 'content-type': ';;;' }],
    ['an x-csrf-token of Latin-1 bytes', { 'x-csrf-token': '\u00ff'.repeat(10) }],
    ['an x-forwarded-for of garbage', { 'x-forwarded-for': '\u00ff, ::::, 999.1.1.1' }],
    ['an accept of Latin-1 bytes', { accept: '\u00e9/\u00e9' }],
  ] as [string, Record<string, string>][])('%s never answers 5xx', async (_, headers) => {
    for (const [method, path, body] of [['POST', '/api/session', '{"email":"a@b.test","password":"xxxxxxxxxxxx"}'], ['GET', '/api/companies', undefined], ['POST', '/api/departments', '{"name":"Never"}']] as const) {
      const res = await t.app.request(path, { method, headers: { 'content-type': 'application/json', ...headers }, body });
      expect(res.status, `${method} ${path}: ${await res.text()}`).toBeLessThan(500);
    }
  });
});

describe('after every refused request', () => {
  // A request that answers 400 changes nothing (the rate-limit counts of sign-ins aside).
  it('left every table as it was', async () => {
    expect(await fingerprint()).toBe(before);
  });
});
