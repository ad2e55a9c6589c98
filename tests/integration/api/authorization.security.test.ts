import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevSink, type DevSink } from '../../../server/mail/dev-sink.js';
import { DepartmentSchema, MailingSchema, SettingsSchema, UserSchema } from '../../../server/db/entities/index.js';
import { messageOriginRepository } from '../../../server/db/repositories/message-origin.repository.js';
import { apiRoutes } from '../../../server/http/routes/index.js';
import { initTestApp, makeClient, TEST_PASSWORD, type Client, type TestApp } from '../../support/test-app.js';
import { makeMailing, mailingState } from '../../support/mailing-fixtures.js';
import {
  ACTOR_KEYS,
  ACTORS,
  buildRoleMatrix,
  databaseFingerprint,
  MATRIX_DKIM_KEY,
  MATRIX_SMTP_PASSWORD,
  OWNED,
  type ActorKey,
  type DeptKey,
  type MatrixActor,
  type OwnedResource,
  type RoleMatrix,
} from '../../support/role-matrix.js';

/**
 * The authorisation matrix: every role × every route under /api, from one table of expectations.
 */

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Res = Awaited<ReturnType<Client['get']>>;

/** Every route of the API as its OpenAPI document lists it, e.g. ['PATCH', '/api/companies/{id}']. */
const ROUTES: [Method, string][] = Object.entries(apiRoutes().getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'routes', version: '1' } }).paths ?? {})
  .flatMap(([path, ops]) => Object.keys(ops ?? {}).map((op) => [op.toUpperCase(), `/api${path}`]))
  .filter((route): route is [Method, string] => ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(route[0]));

/** Reachable without a session: signing in, the health probe and the API description. */
const PUBLIC = new Set(['POST /api/session', 'GET /api/health', 'GET /api/openapi.json']);
/**
 * Signing out without a session answers 200: a browser whose session expired must still be able
 * to clear its cookie, and there is nothing to protect.
 */
const IDEMPOTENT_SIGN_OUT = 'DELETE /api/session';

const MISSING_ID = 2_147_483_000;
const MISSING_MAIL = '1700000000000-deadbeef';

let t: TestApp;
let m: RoleMatrix;
let dir: string;
let sink: DevSink;
/** One sink message sent from each department's account. */
const mails = {} as Record<DeptKey, string>;
let settings: Record<string, unknown>;
let unique = 0;
const next = () => `${Date.now().toString(36)}${++unique}`;

// ---------------------------------------------------------------------------------------------
// The rules, one line each. Columns: admin, company_manager, team_lead A, sales_manager A (owner
// of dept A's records), sales_manager A (colleague), sales_manager B (owner of dept B's), team_lead B.
// ---------------------------------------------------------------------------------------------

interface Rule {
  invariant: string;
  expect: Record<ActorKey, number>;
}
const rule = (invariant: string, statuses: number[]): Rule => ({ invariant, expect: Object.fromEntries(ACTOR_KEYS.map((k, i) => [k, statuses[i]])) as Record<ActorKey, number> });

//                                                                                              adm  cm   tlA  ownA colA smB  tlB
const EVERYONE = rule('every signed-in user may read it', [200, 200, 200, 200, 200, 200, 200]);
const SEE_A = rule('a department sees its own records, company managers and admins see all; another department gets 404, never 403', [200, 200, 200, 200, 200, 404, 404]);
const SEE_B = rule('a department sees its own records, company managers and admins see all; another department gets 404, never 403', [200, 200, 404, 404, 404, 200, 200]);
const CHANGE_A = rule('only the owner and admins change a record: visible to others means 403, another department 404', [200, 403, 403, 200, 403, 404, 404]);
const CHANGE_B = rule('only the owner and admins change a record: visible to others means 403, another department 404', [200, 403, 404, 404, 404, 200, 403]);
const CREATE_OWN = rule('anyone in a department creates records they own; a user without a department cannot own records (422)', [422, 422, 201, 201, 201, 201, 201]);
const CREATE_FOR_A = rule("only admins name another user as a record's owner (403)", [201, 403, 403, 201, 403, 403, 403]);
const IMPORT_FOR_A = rule('only admins import rows owned by someone else; the file is refused row by row (422)', [201, 422, 422, 201, 422, 422, 422]);
const PREVIEW_SIG_A = rule("a preview may only use a signature the caller can see; another department's is not found (422)", [200, 200, 200, 200, 200, 422, 422]);
const ADMIN_CREATES = rule('only admins manage users, departments and settings (403 for everyone else, whatever the id)', [201, 403, 403, 403, 403, 403, 403]);
const COMES_BACK = rule('anyone signed in may come back from a provider: the sealed state, not the route, decides what is connected (302 to the accounts page)', [302, 302, 302, 302, 302, 302, 302]);
const CONNECT_NEW = rule('anyone in a department adds an account by connecting their mailbox; a user without a department cannot own one (422)', [422, 422, 200, 200, 200, 200, 200]);
const ADMIN_CHANGES = rule('only admins manage users, departments and settings (403 for everyone else, whatever the id)', [200, 403, 403, 403, 403, 403, 403]);
const MAIL_AS_A = rule("only the owner of the message and the recipients makes a mailing of them; refused with the pre-flight's reasons (422), nothing created", [422, 422, 422, 201, 422, 422, 422]);
const MAIL_AS_B = rule("only the owner of the message and the recipients makes a mailing of them; refused with the pre-flight's reasons (422), nothing created", [422, 422, 422, 422, 422, 201, 422]);
const OPERATE_A = rule("only the mailing's owner and admins operate it: visible to others means 403, another department 404", [200, 403, 403, 200, 403, 404, 404]);
const OPERATE_B = rule("only the mailing's owner and admins operate it: visible to others means 403, another department 404", [200, 403, 404, 404, 404, 200, 403]);
const COMBINE_A = rule("only the mailings' owner and admins combine them: visible to others means 403, another department 404", [201, 403, 403, 201, 403, 404, 404]);
const ATTACH_A = rule('only the owner and admins add files to a message: visible to others means 403, another department 404', [201, 403, 403, 201, 403, 404, 404]);
const ATTACH_B = rule('only the owner and admins add files to a message: visible to others means 403, another department 404', [201, 403, 404, 404, 404, 201, 403]);
const COPY_A = rule('whoever sees a message may copy it as their own; a user without a department cannot own records (422)', [422, 422, 201, 201, 201, 404, 404]);
const COPY_B = rule('whoever sees a message may copy it as their own; a user without a department cannot own records (422)', [422, 422, 404, 404, 404, 201, 201]);
const COMBINE_B = rule("only the mailings' owner and admins combine them: visible to others means 403, another department 404", [201, 403, 404, 404, 404, 201, 403]);

// ---------------------------------------------------------------------------------------------
// How test names speak of a target.
// ---------------------------------------------------------------------------------------------

/** A place in the matrix, known before the users exist, so test names can be built from it. */
type Seat = Pick<MatrixActor, 'key' | 'dept' | 'label'>;
const SEATS = Object.fromEntries(ACTOR_KEYS.map((key) => [key, { key, dept: ACTORS[key].dept, label: ACTORS[key].label }])) as Record<ActorKey, Seat>;

const OWNER_OF: Record<DeptKey, ActorKey> = { A: 'ownerA', B: 'salesB' };
const seesAll = (a: Seat) => a.dept === null;
const visibleDepts = (a: Seat): DeptKey[] => (a.dept ? [a.dept] : ['A', 'B']);

/** "their own", "another owner's", "dept B's" or "another department's" record. */
const whose = (a: Seat, dept: DeptKey) =>
  a.key === OWNER_OF[dept] ? 'their own' : a.dept === dept ? "another owner's" : seesAll(a) ? `dept ${dept}'s` : "another department's";
/** Dept B's sales manager as the actor sees them: "themselves", "a colleague", … */
const ownerOfB = (a: Seat) => (a.key === OWNER_OF.B ? 'themselves' : a.dept === 'B' ? 'a colleague' : seesAll(a) ? "dept B's sales manager" : "another department's sales manager");
/** A thing that belongs to a department rather than to an owner (a user, the department itself). */
const ofDept = (a: Seat, dept: DeptKey) => (a.dept === dept ? 'their own department' : seesAll(a) ? `dept ${dept}` : 'another department');

// ---------------------------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------------------------

interface Target {
  /** The department the record lies in (none for an empty department). */
  dept?: DeptKey;
  /** The shared record's id, for reads and for writes that must be refused (and so change nothing). */
  id(): number | string;
  /** A new record for a write that succeeds, so the shared ones stay put. */
  fresh?(): Promise<number>;
  missing: number | string;
  /** What a refused write must leave as it was, beyond the database's checksum (read before and after). */
  state?(id: number | string): Promise<unknown>;
}

interface Row {
  group: string;
  method: Method;
  route: string;
  /** What the actor tries, for the test name: "PATCH another owner's company". */
  act(a: Seat): string;
  rule: Rule;
  target?: Target;
  body?(a: Seat, id?: number | string): unknown;
  /** More checks on a successful answer. */
  then?(res: Res, a: MatrixActor): void | Promise<void>;
}

const NOUN: Record<OwnedResource, string> = { companies: 'company', contacts: 'contact', leads: 'lead', accounts: 'account', signatures: 'signature', messages: 'message' };

const shared = (resource: OwnedResource, dept: DeptKey): Target => ({ dept, id: () => m.records[dept][resource], missing: MISSING_ID });
const fresh = (resource: OwnedResource, dept: DeptKey): Target => ({ ...shared(resource, dept), fresh: () => m.fresh(resource, dept) });

/** The department whose records a create for oneself lands in (admins and company managers have none). */
const homeOf = (a: Seat): DeptKey => a.dept ?? 'A';

/** A valid create body per resource, owned by `ownerId` (or the caller), referring to `dept`'s records. */
const CREATE: Record<OwnedResource, (dept: DeptKey, ownerId?: number) => Record<string, unknown>> = {
  companies: (_d, ownerId) => ({ name: `Matrix company ${next()}`, ownerId }),
  contacts: (d, ownerId) => ({ firstName: 'Matrix', companyId: m.records[d].companies, ownerId }),
  leads: (_d, ownerId) => ({ firstName: 'Matrix', ownerId }),
  accounts: (_d, ownerId) => ({
    name: 'Matrix box', fromName: 'Matrix', fromEmail: `box${next()}@matrix.test`, smtpHost: '127.0.0.1', smtpPort: m.closedPort,
    smtpSecurity: 'none', smtpUser: 'box@matrix.test', password: MATRIX_SMTP_PASSWORD, dkimDomain: 'matrix.test', dkimSelector: 'matrix', dkimPrivateKey: MATRIX_DKIM_KEY, ownerId,
  }),
  signatures: (_d, ownerId) => ({ name: 'Matrix sig', format: 'text', body: 'Regards', ownerId }),
  messages: (_d, ownerId) => ({ name: 'Matrix message', subject: 'Hi {{ first_name }}', html: '<p>Hi</p>', ownerId }),
};
const UPDATE: Record<OwnedResource, Record<string, unknown>> = {
  companies: { name: 'Changed by the matrix' },
  contacts: { firstName: 'Changed' },
  leads: { firstName: 'Changed' },
  accounts: { name: 'Changed by the matrix' },
  signatures: { name: 'Changed by the matrix' },
  messages: { name: 'Changed by the matrix' },
};
const CSV: Partial<Record<OwnedResource, (dept: DeptKey, ownerEmail?: string) => string>> = {
  companies: (_d, owner) => `name${owner ? ',owner_email' : ''}\nImported ${next()}${owner ? `,${owner}` : ''}\n`,
  contacts: (d, owner) => `first_name,company_id${owner ? ',owner_email' : ''}\nImported,${m.records[d].companies}${owner ? `,${owner}` : ''}\n`,
  leads: (_d, owner) => `first_name${owner ? ',owner_email' : ''}\nImported${owner ? `,${owner}` : ''}\n`,
};
/** The CRM's mailable records, which have a mailbox feedback history. */
const RECIPIENT_RESOURCES = new Set<OwnedResource>(['companies', 'contacts', 'leads']);
/** Lists that take a `departmentId` filter. */
const DEPT_FILTER = new Set<OwnedResource>(['companies', 'contacts', 'leads', 'accounts']);

/**
 * A page holds no row of a department the actor cannot see (or that a filter excludes: `only`),
 * and the matrix records of every department it can.
 */
function expectOnlyVisible(items: { id: number; departmentId: number | null }[], a: Seat, idsByDept: Record<DeptKey, number>, only?: DeptKey[]) {
  const depts = only ?? visibleDepts(a);
  if (a.dept || only) {
    const allowed = depts.map((d) => m.departments[d].id);
    for (const item of items) expect(allowed, `row ${item.id} of department ${item.departmentId}`).toContain(item.departmentId);
  }
  const ids = items.map((i) => i.id);
  for (const d of ['A', 'B'] as const) {
    if (depts.includes(d)) expect(ids).toContain(idsByDept[d]);
    else expect(ids).not.toContain(idsByDept[d]);
  }
}

const ownedRows = (r: OwnedResource): Row[] => {
  const base = `/api/${r}`;
  const noun = NOUN[r];
  const recordIds = () => ({ A: m.records.A[r], B: m.records.B[r] });
  const rows: Row[] = [
    {
      group: r, method: 'GET', route: `${base}?pageSize=500`, rule: EVERYONE, act: () => `list ${r} (only the departments they may see)`,
      then: (res, a) => expectOnlyVisible(res.body.items, a, recordIds()),
    },
    {
      group: r, method: 'GET', route: `${base}?ownerId={owner:B}&pageSize=500`, rule: EVERYONE, act: (a) => `list ${r} with ?ownerId=${ownerOfB(a)} and get only what they may see`,
      then: (res, a) => expectOnlyVisible(res.body.items, a, recordIds(), visibleDepts(a).filter((d) => d === 'B')),
    },
  ];
  if (DEPT_FILTER.has(r)) {
    rows.push({
      group: r, method: 'GET', route: `${base}?departmentId={dept:B}&pageSize=500`, rule: EVERYONE, act: (a) => `list ${r} with ?departmentId=${ofDept(a, 'B')} and get only what they may see`,
      then: (res, a) => expectOnlyVisible(res.body.items, a, recordIds(), visibleDepts(a).filter((d) => d === 'B')),
    });
  }
  for (const dept of ['A', 'B'] as const) {
    const see = dept === 'A' ? SEE_A : SEE_B;
    const change = dept === 'A' ? CHANGE_A : CHANGE_B;
    rows.push(
      { group: r, method: 'GET', route: `${base}/{id}`, rule: see, target: shared(r, dept), act: (a) => `GET ${whose(a, dept)} ${noun}` },
      ...(RECIPIENT_RESOURCES.has(r)
        ? [{ group: r, method: 'GET' as const, route: `${base}/{id}/feedback`, rule: see, target: shared(r, dept), act: (a: Seat) => `read the mailbox feedback of ${whose(a, dept)} ${noun}` }]
        : []),
      { group: r, method: 'PATCH', route: `${base}/{id}`, rule: change, target: fresh(r, dept), body: () => UPDATE[r], act: (a) => `PATCH ${whose(a, dept)} ${noun}` },
      { group: r, method: 'DELETE', route: `${base}/{id}`, rule: change, target: fresh(r, dept), act: (a) => `DELETE ${whose(a, dept)} ${noun}` },
    );
  }
  rows.push(
    { group: r, method: 'POST', route: base, rule: CREATE_OWN, body: (a) => CREATE[r](homeOf(a)), act: () => `create a ${noun} of their own` },
    { group: r, method: 'POST', route: base, rule: CREATE_FOR_A, body: () => CREATE[r]('A', m.owners.A.id), act: (a) => `create a ${noun} owned by ${a.key === 'ownerA' ? 'themselves (by id)' : "dept A's sales manager"}` },
  );
  const csv = CSV[r];
  if (csv) {
    rows.push(
      { group: r, method: 'POST', route: `${base}/import`, rule: CREATE_OWN, body: (a) => csv(homeOf(a)), act: () => `import ${r} of their own` },
      { group: r, method: 'POST', route: `${base}/import`, rule: IMPORT_FOR_A, body: () => csv('A', m.owners.A.email), act: (a) => `import ${r} owned by ${a.key === 'ownerA' ? 'themselves (by e-mail)' : "dept A's sales manager"}` },
    );
  }
  return rows;
};

// ---------------------------------------------------------------------------------------------
// Mailings: a department's mailings are its owner's, made of the owner's message and companies.
// ---------------------------------------------------------------------------------------------

/** Per department: an Active-but-error mailing (one failed, one pending recipient), a paused one, and a pair to combine. */
const mailingsOf = {} as Record<DeptKey, { failing: number; paused: number; pair: number }>;
/** The second mailing of a pair to combine, by the first one's id. */
const partners = new Map<number, number>();
const pairOf = async (dept: DeptKey) => {
  const first = await m.mailing(dept, 'failing');
  partners.set(first, await m.mailing(dept, 'paused'));
  return first;
};
/** A mailing target: the shared one for reads and refusals, a fresh one (and its partner) for a write that succeeds. */
const mailingTarget = (dept: DeptKey, shared: 'failing' | 'paused' | 'pair', fresh?: () => Promise<number>): Target => ({
  dept, id: () => mailingsOf[dept][shared], fresh, missing: MISSING_ID,
  state: (id) => Promise.all([Number(id), partners.get(Number(id))].filter((x) => x !== undefined).map((x) => mailingState(t, x))),
});
/** The pre-flight's and Make Massmail's request: the department's message to one of its companies. */
const mailingRequest = (dept: DeptKey, messageId = m.records[dept].messages) => ({ messageId, start: 'paused', selections: { company: { ids: [m.records[dept].companies] } } });
const mailingIds = () => ({ A: mailingsOf.A.failing, B: mailingsOf.B.failing });

const mailingRows: Row[] = [
  {
    group: 'mailings', method: 'GET', route: '/api/mailings?pageSize=500', rule: EVERYONE, act: () => 'list mailings (only the departments they may see)',
    then: (res, a) => expectOnlyVisible(res.body.items, a, mailingIds()),
  },
  {
    group: 'mailings', method: 'GET', route: '/api/mailings?departmentId={dept:B}&pageSize=500', rule: EVERYONE, act: (a) => `list mailings with ?departmentId=${ofDept(a, 'B')} and get only what they may see`,
    then: (res, a) => expectOnlyVisible(res.body.items, a, mailingIds(), visibleDepts(a).filter((d) => d === 'B')),
  },
  {
    group: 'mailings', method: 'POST', route: '/api/mailings/preflight', rule: EVERYONE, body: () => mailingRequest('A'), act: (a) => `plan a mailing of ${whose(a, 'A')} message to dept A's company`,
    then: async (res, a) => {
      const [report] = res.body.reports;
      if (a.key === 'ownerA') return expect(report).toMatchObject({ recipients: 1, errors: [] });
      // Nobody else may mail dept A's company: the report refuses and names no recipient.
      expect(report.recipients).toBe(0);
      expect(report.errors.join(' | ')).toMatch(/No recipient can be mailed/);
      if (visibleDepts(a).includes('A')) return;
      // Another department's message reads exactly as a message that does not exist.
      const missing = await a.client.post('/api/mailings/preflight', mailingRequest('A', MISSING_ID));
      const withoutIds = (text: string) => text.replaceAll(String(MISSING_ID), '#').replaceAll(String(m.records.A.messages), '#');
      expect(withoutIds(JSON.stringify(res.body))).toBe(withoutIds(JSON.stringify(missing.body)));
    },
  },
  ...(['A', 'B'] as const).flatMap((dept): Row[] => {
    const see = dept === 'A' ? SEE_A : SEE_B;
    const operate = dept === 'A' ? OPERATE_A : OPERATE_B;
    const expectStatus = (status: string) => (res: Res) => expect(res.body.status).toBe(status);
    return [
      {
        group: 'mailings', method: 'POST', route: '/api/mailings', rule: dept === 'A' ? MAIL_AS_A : MAIL_AS_B, body: () => mailingRequest(dept),
        act: (a) => `make a mailing of ${whose(a, dept)} message to dept ${dept}'s company`, then: (res, a) => expect(res.body.mailings.map((x: { ownerId: number }) => x.ownerId)).toEqual([a.user.id]),
      },
      { group: 'mailings', method: 'GET', route: '/api/mailings/{id}', rule: see, target: mailingTarget(dept, 'failing'), act: (a) => `GET ${whose(a, dept)} mailing` },
      {
        group: 'mailings', method: 'GET', route: '/api/mailings/{id}/recipients', rule: see, target: mailingTarget(dept, 'failing'), act: (a) => `list the recipients of ${whose(a, dept)} mailing`,
        then: (res) => expect(res.body.items.map((r: { state: string }) => r.state)).toEqual(['failed', 'pending']),
      },
      {
        group: 'mailings', method: 'GET', route: '/api/mailings/{id}/notifications', rule: see, target: mailingTarget(dept, 'failing'), act: (a) => `read the notifications of ${whose(a, dept)} mailing`,
        then: (res) => expect(res.body.items.map((n: { kind: string }) => n.kind)).toContain('created'),
      },
      { group: 'mailings', method: 'POST', route: '/api/mailings/{id}/pause', rule: operate, target: mailingTarget(dept, 'failing', () => m.mailing(dept, 'failing')), act: (a) => `pause ${whose(a, dept)} mailing`, then: expectStatus('paused') },
      { group: 'mailings', method: 'POST', route: '/api/mailings/{id}/resume', rule: operate, target: mailingTarget(dept, 'paused', () => m.mailing(dept, 'paused')), act: (a) => `resume ${whose(a, dept)} mailing`, then: expectStatus('active') },
      { group: 'mailings', method: 'POST', route: '/api/mailings/{id}/cancel', rule: operate, target: mailingTarget(dept, 'failing', () => m.mailing(dept, 'failing')), act: (a) => `cancel ${whose(a, dept)} mailing`, then: expectStatus('cancelled') },
      {
        group: 'mailings', method: 'POST', route: '/api/mailings/{id}/restart', rule: operate, target: mailingTarget(dept, 'failing', () => m.mailing(dept, 'failing')), body: () => ({}),
        act: (a) => `restart ${whose(a, dept)} mailing`, then: (res) => expect(res.body).toMatchObject({ status: 'active', progress: { failed: 0, pending: 2 } }),
      },
      {
        // The owner's account listens nowhere: the answer is the SMTP outcome, not a refusal.
        group: 'mailings', method: 'POST', route: '/api/mailings/{id}/test', rule: operate, target: mailingTarget(dept, 'failing'), body: () => ({ email: 'test-send@matrix.test' }),
        act: (a) => `send a test of ${whose(a, dept)} mailing`, then: (res) => expect(res.body).toMatchObject({ ok: false, messageId: null }),
      },
      {
        group: 'mailings', method: 'POST', route: '/api/mailings/combine', rule: dept === 'A' ? COMBINE_A : COMBINE_B, target: mailingTarget(dept, 'pair', () => pairOf(dept)),
        body: (_a, id) => ({ ids: [id, partners.get(Number(id)) ?? MISSING_ID - 1] }), act: (a) => `combine two of ${whose(a, dept)} mailings`,
        then: (res) => expect(res.body).toMatchObject({ status: 'active', total: 2 }),
      },
    ];
  }),
];

/** Google's OAuth client secret: a response that contains it leaks a secret. */
const MATRIX_OAUTH_SECRET = 'matrix-oauth-client-secret';
async function registerGoogleClient() {
  await t.services.orm.em.fork().nativeUpdate(SettingsSchema, { id: 1 }, { googleClientId: 'matrix-client', googleClientSecretEnc: t.services.secrets.encrypt(MATRIX_OAUTH_SECRET) });
}

// ---------------------------------------------------------------------------------------------
// A message's files: reached only through their message, under its rights.
// ---------------------------------------------------------------------------------------------

/** A real 1×1 PNG: uploads are judged by their bytes. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
/** The file each message of the matrix carries, by message id (the path's `{attachmentId}`). */
const attachmentOf = new Map<number, number>();
/** Uploads the PNG to a message as the admin; returns the message's id. */
async function attach(messageId: number): Promise<number> {
  const res = await m.actors.admin.client.post(`/api/messages/${messageId}/attachments?filename=logo.png`, PNG);
  if (res.status !== 201) throw new Error(`upload to message ${messageId} failed: ${res.status} ${res.text}`);
  attachmentOf.set(messageId, res.body.id);
  return messageId;
}

const attachmentRows = (dept: DeptKey): Row[] => {
  const see = dept === 'A' ? SEE_A : SEE_B;
  const withFile: Target = { ...shared('messages', dept), fresh: async () => attach(await m.fresh('messages', dept)) };
  return [
    { group: 'attachments', method: 'GET', route: '/api/messages/{id}/attachments', rule: see, target: shared('messages', dept), act: (a) => `list the files of ${whose(a, dept)} message` },
    {
      group: 'attachments', method: 'GET', route: '/api/messages/{id}/attachments/{attachmentId}/content', rule: see, target: shared('messages', dept), act: (a) => `read a file of ${whose(a, dept)} message`,
      then: (res) => expect(res.headers.get('content-type')).toBe('image/png'),
    },
    {
      group: 'attachments', method: 'POST', route: '/api/messages/{id}/attachments?filename=logo.png', rule: dept === 'A' ? ATTACH_A : ATTACH_B, target: fresh('messages', dept),
      body: () => PNG, act: (a) => `attach a file to ${whose(a, dept)} message`, then: (res) => expect(res.body).toMatchObject({ contentType: 'image/png', size: PNG.length }),
    },
    {
      group: 'attachments', method: 'DELETE', route: '/api/messages/{id}/attachments/{attachmentId}', rule: dept === 'A' ? CHANGE_A : CHANGE_B, target: withFile,
      act: (a) => `remove a file from ${whose(a, dept)} message`,
    },
    {
      group: 'messages', method: 'POST', route: '/api/messages/{id}/copy', rule: dept === 'A' ? COPY_A : COPY_B, target: shared('messages', dept), act: (a) => `copy ${whose(a, dept)} message`,
      then: (res, a) => expect(res.body.ownerId).toBe(a.user.id),
    },
  ];
};

/** The IMAP password of every matrix inbox: a response that contains it leaks a secret. */
const MATRIX_IMAP_PASSWORD = 'matrix-IMAP-pa55word!';

/** The incoming side of an account: seen and changed under the account's own rights. */
const inboxRows = (dept: DeptKey): Row[] => {
  const see = dept === 'A' ? SEE_A : SEE_B;
  const change = dept === 'A' ? CHANGE_A : CHANGE_B;
  // The shared account has an inbox (beforeAll), so a refusal can only be about rights.
  const withInbox: Target = {
    ...shared('accounts', dept),
    fresh: async () => {
      const id = await m.fresh('accounts', dept);
      await t.factories.inbox(id, { port: m.closedPort, passwordEnc: t.services.secrets.encrypt(MATRIX_IMAP_PASSWORD) });
      return id;
    },
  };
  const route = '/api/accounts/{id}/inbox';
  return [
    { group: 'inboxes', method: 'GET', route, rule: see, target: shared('accounts', dept), act: (a) => `GET the incoming settings of ${whose(a, dept)} account` },
    {
      group: 'inboxes', method: 'PUT', route, rule: change, target: fresh('accounts', dept), act: (a) => `set the incoming settings of ${whose(a, dept)} account`,
      body: () => ({ host: '127.0.0.1', port: m.closedPort, security: 'none', user: 'box@matrix.test', password: MATRIX_IMAP_PASSWORD }),
      then: (res) => expect(res.body).toMatchObject({ hasPassword: true, health: 'unknown' }),
    },
    { group: 'inboxes', method: 'DELETE', route, rule: change, target: withInbox, act: (a) => `delete the incoming settings of ${whose(a, dept)} account` },
    {
      group: 'inboxes', method: 'POST', route: `${route}/test`, rule: change, target: withInbox, act: (a) => `test the incoming settings of ${whose(a, dept)} account`,
      then: (res) => expect(res.body).toMatchObject({ ok: false, health: 'unreachable' }),
    },
    { group: 'inboxes', method: 'GET', route: `${route}/preset`, rule: see, target: shared('accounts', dept), act: (a) => `read the IMAP preset of ${whose(a, dept)} account` },
  ];
};

const TABLE: Row[] = [
  { group: 'session', method: 'GET', route: '/api/session', rule: EVERYONE, act: () => 'read their own session', then: (res, a) => expect(res.body.id).toBe(a.user.id) },
  { group: 'session', method: 'PUT', route: '/api/session/locale', rule: EVERYONE, body: () => ({ locale: null }), act: () => 'choose their own language', then: (res) => expect(res.body).toEqual({ locale: null }) },
  ...OWNED.flatMap(ownedRows),
  ...(['A', 'B'] as const).flatMap((dept): Row[] => [
    {
      group: 'accounts', method: 'POST', route: '/api/accounts/{id}/test', rule: dept === 'A' ? CHANGE_A : CHANGE_B, target: fresh('accounts', dept),
      act: (a) => `test ${whose(a, dept)} account`, then: (res) => expect(res.body).toMatchObject({ ok: false, health: 'unreachable' }),
    },
    {
      group: 'accounts', method: 'POST', route: '/api/accounts/{id}/oauth/{provider}', rule: dept === 'A' ? CHANGE_A : CHANGE_B,
      // Google's client is registered for the allowed ones, so only rights can refuse.
      target: { ...shared('accounts', dept), fresh: async () => (await registerGoogleClient(), m.fresh('accounts', dept)) },
      act: (a) => `connect ${whose(a, dept)} account with Google`, then: (res) => expect(res.body.url).toMatch(/^https:\/\/accounts\.google\.com\//),
    },
    { group: 'messages', method: 'GET', route: '/api/messages/{id}/preview', rule: dept === 'A' ? SEE_A : SEE_B, target: shared('messages', dept), act: (a) => `preview ${whose(a, dept)} message` },
  ]),
  {
    group: 'accounts', method: 'POST', route: '/api/accounts/oauth/{provider}', rule: CONNECT_NEW,
    target: { id: () => 0, missing: 0, fresh: async () => (await registerGoogleClient(), 0) },
    act: () => 'add an account by connecting a Google mailbox', then: (res) => expect(res.body.url).toMatch(/^https:\/\/accounts\.google\.com\//),
  },
  ...(['A', 'B'] as const).flatMap(inboxRows),
  ...(['A', 'B'] as const).flatMap(attachmentRows),
  { group: 'messages', method: 'POST', route: '/api/messages/preview', rule: EVERYONE, body: () => ({ subject: 'Hi', html: '<p>Hi {{ first_name }}</p>', recipientType: 'lead' }), act: () => 'preview a draft' },
  {
    group: 'messages', method: 'POST', route: '/api/messages/preview', rule: PREVIEW_SIG_A, body: () => ({ subject: 'Hi', html: '<p>Hi</p>', recipientType: 'lead', signatureId: m.records.A.signatures }),
    act: (a) => `preview a draft with ${whose(a, 'A')} signature`,
  },

  {
    group: 'users', method: 'GET', route: '/api/users', rule: EVERYONE, act: () => 'list users (only the departments they may see)',
    then: (res, a) => expectOnlyVisible(res.body, a, { A: m.owners.A.id, B: m.owners.B.id }),
  },
  ...(['A', 'B'] as const).flatMap((dept): Row[] => {
    const user = (fresh: boolean): Target => ({
      dept, missing: MISSING_ID, id: () => m.owners[dept].id,
      fresh: fresh ? async () => (await t.factories.user('sales_manager', m.departments[dept].id)).id : undefined,
    });
    return [
      { group: 'users', method: 'GET', route: '/api/users/{id}', rule: dept === 'A' ? SEE_A : SEE_B, target: user(false), act: (a) => `GET a user of ${ofDept(a, dept)}` },
      { group: 'users', method: 'PATCH', route: '/api/users/{id}', rule: ADMIN_CHANGES, target: user(true), body: () => ({ name: 'Renamed by the matrix' }), act: (a) => `PATCH a user of ${ofDept(a, dept)}` },
      { group: 'users', method: 'DELETE', route: '/api/users/{id}', rule: ADMIN_CHANGES, target: user(true), act: (a) => `DELETE a user of ${ofDept(a, dept)}` },
    ];
  }),
  {
    group: 'users', method: 'POST', route: '/api/users', rule: ADMIN_CREATES, act: () => 'create a user',
    body: () => ({ email: `user${next()}@matrix.test`, name: 'New', role: 'sales_manager', departmentId: m.departments.A.id, timeZone: 'UTC', password: 'matrix-user-password' }),
  },

  {
    group: 'departments', method: 'GET', route: '/api/departments', rule: EVERYONE, act: () => 'list departments (only the ones they may see)',
    then: (res, a) => expectOnlyVisible(res.body.map((d: { id: number }) => ({ id: d.id, departmentId: d.id })), a, { A: m.departments.A.id, B: m.departments.B.id }),
  },
  ...(['A', 'B'] as const).flatMap((dept): Row[] => [
    { group: 'departments', method: 'GET', route: '/api/departments/{id}', rule: dept === 'A' ? SEE_A : SEE_B, target: { dept, id: () => m.departments[dept].id, missing: MISSING_ID }, act: (a) => `GET ${ofDept(a, dept)}` },
  ]),
  { group: 'departments', method: 'POST', route: '/api/departments', rule: ADMIN_CREATES, body: () => ({ name: `Dept ${next()}` }), act: () => 'create a department' },
  ...(['PATCH', 'DELETE'] as const).map((method): Row => ({
    group: 'departments', method, route: '/api/departments/{id}', rule: ADMIN_CHANGES,
    // A new, empty department for the admin; the others are refused whatever department they name.
    target: { id: () => m.departments.B.id, fresh: async () => (await t.factories.department()).id, missing: MISSING_ID },
    body: method === 'PATCH' ? () => ({ name: `Renamed ${next()}` }) : undefined,
    act: () => `${method} a department`,
  })),

  { group: 'settings', method: 'GET', route: '/api/settings', rule: EVERYONE, act: () => 'read the settings' },
  { group: 'settings', method: 'PUT', route: '/api/settings', rule: ADMIN_CHANGES, body: () => settings, act: () => 'replace the settings' },
  { group: 'settings', method: 'GET', route: '/api/settings/oauth', rule: EVERYONE, act: () => 'read the OAuth clients (never their secrets)', then: (res) => expect(res.text).not.toContain(MATRIX_OAUTH_SECRET) },
  {
    group: 'settings', method: 'PUT', route: '/api/settings/oauth/{provider}', rule: ADMIN_CHANGES, body: () => ({ clientId: 'matrix-client', clientSecret: MATRIX_OAUTH_SECRET }),
    act: () => "register Google's OAuth client", then: (res) => expect(res.text).not.toContain(MATRIX_OAUTH_SECRET),
  },
  { group: 'settings', method: 'DELETE', route: '/api/settings/oauth/{provider}', rule: ADMIN_CHANGES, act: () => "remove Google's OAuth client" },
  {
    group: 'oauth', method: 'GET', route: '/api/oauth/callback', rule: COMES_BACK, act: () => 'come back from a provider without a code',
    then: (res) => expect(new URL(res.headers.get('location')!).searchParams.get('oauth')).toBe('failed'),
  },

  {
    group: 'outbox', method: 'GET', route: '/api/outbox', rule: EVERYONE, act: () => 'list the outbox (only mail of the departments they may see)',
    then: (res, a) => {
      const ids = res.body.items.map((e: { id: string }) => e.id);
      for (const d of ['A', 'B'] as const) expect(ids.includes(mails[d]), `mail of dept ${d}`).toBe(visibleDepts(a).includes(d));
    },
  },
  ...(['A', 'B'] as const).map((dept): Row => ({
    group: 'outbox', method: 'GET', route: '/api/outbox/{id}', rule: dept === 'A' ? SEE_A : SEE_B, target: { dept, id: () => mails[dept], missing: MISSING_MAIL },
    act: (a) => `read mail sent from ${ofDept(a, dept)}`,
  })),
  ...mailingRows,
];

// ---------------------------------------------------------------------------------------------
// Running it.
// ---------------------------------------------------------------------------------------------

/** The path with `{id}`, `{owner:X}` and `{dept:X}` filled in. */
const pathOf = (route: string, id?: number | string) =>
  route
    .replace('{id}', String(id))
    .replace('{provider}', 'google')
    .replace('{attachmentId}', String(attachmentOf.get(Number(id)) ?? MISSING_ID))
    .replace(/\{owner:([AB])\}/, (_, d: DeptKey) => String(m.owners[d].id))
    .replace(/\{dept:([AB])\}/, (_, d: DeptKey) => String(m.departments[d].id));

async function run(row: Row, client: Client, a: Seat, id?: number | string): Promise<Res> {
  return client.send(row.method, pathOf(row.route, id), row.body?.(a, id));
}

/** Mail of a mailing of the department's owner: its Message-ID recorded before it leaves, as a test send's is. */
async function sendMail(d: DeptKey, from: string, subject: string) {
  const em = t.services.orm.em.fork();
  const mailing = em.create(MailingSchema, {
    name: subject, recipientType: 'company', status: 'paused', owner: em.getReference(UserSchema, m.owners[d].id), department: em.getReference(DepartmentSchema, m.departments[d].id),
  });
  await em.flush();
  const messageId = `<matrix-${d}@matrix.test>`;
  await messageOriginRepository.recordTestSend(em, { messageId, mailingId: mailing.id, accountId: m.records[d].accounts }, new Date());
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ from, to: 'buyer@acme.test', subject, text: subject, messageId });
  } finally {
    transport.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailroom-authz-'));
  sink = await startDevSink({ port: 0, dir });
  t = await initTestApp({ services: { sink } });
  m = await buildRoleMatrix(t);
  for (const d of ['A', 'B'] as const) await t.factories.inbox(m.records[d].accounts, { port: m.closedPort, passwordEnc: t.services.secrets.encrypt(MATRIX_IMAP_PASSWORD) });
  const admin = m.actors.admin.client;
  for (const d of ['A', 'B'] as const) {
    const account = await admin.get(`/api/accounts/${m.records[d].accounts}`);
    await sendMail(d, account.body.fromEmail, `Mail of dept ${d}`);
  }
  const outbox = (await admin.get('/api/outbox')).body.items as { id: string; subject: string }[];
  for (const d of ['A', 'B'] as const) mails[d] = outbox.find((e) => e.subject === `Mail of dept ${d}`)!.id;
  settings = (await admin.get('/api/settings')).body;
  for (const d of ['A', 'B'] as const) await attach(m.records[d].messages);
  for (const d of ['A', 'B'] as const) mailingsOf[d] = { failing: await m.mailing(d, 'failing'), paused: await m.mailing(d, 'paused'), pair: await pairOf(d) };
});
afterAll(async () => {
  await t?.close();
  await sink?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the authorisation matrix', () => {
  // Every route under /api has rows here, so a new route cannot slip past the matrix.
  it('covers every route of the API', () => {
    const covered = new Set(TABLE.map((row) => `${row.method} ${row.route.split('?')[0]}`));
    const missing = ROUTES.map(([method, path]) => `${method} ${path}`).filter((r) => !covered.has(r) && !PUBLIC.has(r) && !r.endsWith(' /api/session'));
    expect(missing).toEqual([]);
  });

  const groups = [...new Set(TABLE.map((row) => row.group))];
  describe.each(groups)('%s', (group) => {
    for (const row of TABLE.filter((r) => r.group === group)) {
      describe(`${row.method} ${row.route.split('?')[0]}: ${row.rule.invariant}`, () => {
        for (const key of ACTOR_KEYS) {
          const seat = SEATS[key];
          const expected = row.rule.expect[key];
          it(`${seat.label} ${expected < 400 ? 'can' : 'cannot'} ${row.act(seat)} → ${expected}`, async () => {
            const a = m.actors[key];
            const id = expected < 400 && row.target?.fresh ? await row.target.fresh() : row.target?.id();
            const refusedWrite = row.method !== 'GET' && expected >= 400;
            const before = refusedWrite ? await databaseFingerprint(t.services.orm) : '';
            const stateBefore = refusedWrite && id !== undefined ? await row.target?.state?.(id) : undefined;
            const res = await run(row, a.client, a, id);
            expect(res.status, res.text.slice(0, 300)).toBe(expected);
            if (expected < 400) return row.then?.(res, a);
            expect(res.body?.error, 'an error says what is wrong').toMatch(/\S/);
            // Another department's record must be indistinguishable from one that does not exist.
            if (row.target?.dept && a.dept && a.dept !== row.target.dept) {
              const missing = await run(row, a.client, a, row.target.missing);
              expect(missing.status, 'the same answer as for a missing id').toBe(res.status);
            }
            if (refusedWrite && id !== undefined && row.target?.state) expect(await row.target.state(id), 'the target is as it was').toEqual(stateBefore);
            if (refusedWrite) expect(await databaseFingerprint(t.services.orm), 'a refused write changes nothing').toBe(before);
          });
        }
      });
    }
  });
});

describe('anonymous requests', () => {
  // Without a session only sign-in, the health probe and the API description answer.
  it.each(ROUTES.filter(([method, path]) => !PUBLIC.has(`${method} ${path}`) && `${method} ${path}` !== IDEMPOTENT_SIGN_OUT))('%s %s → 401', async (method, route) => {
    const before = await databaseFingerprint(t.services.orm);
    const res = await m.anonymous.send(method, route.replace('{id}', '1'), method === 'GET' || method === 'DELETE' ? undefined : {});
    expect(res.status, res.text).toBe(401);
    expect(res.body.error).toMatch(/sign in/i);
    expect(await databaseFingerprint(t.services.orm)).toBe(before);
  });

  it('reach the public routes', async () => {
    // 503 only says a part is down (no job runner in tests); the probe itself answers.
    expect((await m.anonymous.get('/api/health')).body).toMatchObject({ database: { ok: true } });
    expect((await m.anonymous.get('/api/openapi.json')).status).toBe(200);
    expect((await m.anonymous.post('/api/session', { email: m.actors.colleagueA.user.email, password: TEST_PASSWORD })).status).toBe(200);
    expect((await m.anonymous.delete('/api/session')).status).toBe(200);
  });
});

describe('deactivated users', () => {
  let client: Client;
  /** The deactivated user's own mailing: signed in and active, they could operate it. */
  let own: number;

  beforeAll(async () => {
    const f = t.factories;
    const user = await f.user('sales_manager', m.departments.A.id);
    await f.account(user, { smtpPort: m.closedPort });
    const companyIds = [(await f.company(user)).id, (await f.company(user)).id];
    own = await makeMailing(t, { owner: user, messageId: (await f.message(user)).id, companyIds, state: 'failing' });
    client = await t.signIn(user.email);
    // Deactivated behind its back: the session row stays, only the user's flag changes.
    await t.services.orm.em.fork().nativeUpdate(UserSchema, { id: user.id }, { active: false });
  });

  // A deactivated user's session opens nothing, not even their own mailing: 401 and nothing changes.
  it.each(ROUTES.filter(([method, path]) => !PUBLIC.has(`${method} ${path}`) && `${method} ${path}` !== IDEMPOTENT_SIGN_OUT))('%s %s → 401', async (method, route) => {
    const before = await databaseFingerprint(t.services.orm);
    const res = await client.send(method, route.replace('{id}', route.startsWith('/api/mailings/') ? String(own) : '1'), method === 'GET' || method === 'DELETE' ? undefined : {});
    expect(res.status, res.text).toBe(401);
    expect(res.body.error).toMatch(/sign in/i);
    expect(await databaseFingerprint(t.services.orm)).toBe(before);
  });
});

describe('CSRF', () => {
  let cookie: string;
  let token: string;
  let othersToken: string;

  beforeAll(async () => {
    const res = await t.anonymous.post('/api/session', { email: m.actors.admin.user.email, password: TEST_PASSWORD });
    cookie = res.headers.get('set-cookie')!.split(';')[0];
    token = res.body.csrfToken;
    othersToken = (await m.actors.ownerA.client.get('/api/session')).body.csrfToken;
  });

  const writes = ROUTES.filter(([method]) => method !== 'GET');
  const attempts = [
    ['without the x-csrf-token header', () => makeClient(t.app, cookie)],
    ['with a wrong x-csrf-token', () => makeClient(t.app, cookie, `${token.slice(0, -4)}AAAA`)],
    ["with another session's x-csrf-token", () => makeClient(t.app, cookie, othersToken)],
  ] as const;

  // A signed-in write must echo its own session's token; otherwise 403 and nothing changes.
  describe.each(attempts)('an admin writing %s', (_label, client) => {
    it.each(writes)('%s %s → 403', async (method, route) => {
      const row = TABLE.find((r) => r.method === method && r.route === route && r.rule.expect.admin < 400);
      const admin = m.actors.admin;
      // The admin's own request would succeed, so only the token can be why it is refused.
      const id = row?.target?.fresh ? await row.target.fresh() : row?.target?.id();
      const before = await databaseFingerprint(t.services.orm);
      const res = await client().send(method, pathOf(route, id), row?.body?.(admin, id) ?? (method === 'DELETE' ? undefined : {}));
      expect(res.status, res.text).toBe(403);
      expect(res.body.error).toMatch(/x-csrf-token/);
      expect(await databaseFingerprint(t.services.orm)).toBe(before);
    });
  });

  it('accepts the same session with its own token', async () => {
    expect((await makeClient(t.app, cookie, token).put('/api/settings', settings)).status).toBe(200);
  });
});

describe('secrets', () => {
  // Passwords and their hashes never leave the server, in any answer to any role.
  it('never appear in any response of the matrix', async () => {
    const conn = t.services.orm.em.getConnection();
    const stored = [
      ...(await conn.execute<{ v: string }[]>('select smtp_password_enc v from email_accounts')).map((r) => r.v),
      ...(await conn.execute<{ v: string | null }[]>('select dkim_private_key_enc v from email_accounts where dkim_private_key_enc is not null')).map((r) => r.v!),
      ...(await conn.execute<{ v: string }[]>('select password_hash v from users')).map((r) => r.v),
      ...(await conn.execute<{ v: string }[]>('select password_enc v from inboxes')).map((r) => r.v),
    ];
    // The key's base64 body, since JSON escapes its line breaks.
    const dkimBody = MATRIX_DKIM_KEY.split('\n')[1];
    const needles = [
      MATRIX_SMTP_PASSWORD, MATRIX_IMAP_PASSWORD, dkimBody, TEST_PASSWORD, 'matrix-user-password', 'passwordHash', 'password_hash',
      'smtpPasswordEnc', 'smtp_password_enc', 'dkimPrivateKeyEnc', 'dkim_private_key_enc', 'passwordEnc', 'password_enc', ...stored,
    ];
    expect(m.responses.length).toBeGreaterThan(500);
    for (const res of m.responses) {
      for (const needle of needles) expect(res.text.includes(needle), `${res.who} ${res.method} ${res.path} contains ${needle.slice(0, 20)}`).toBe(false);
    }
  });
});
