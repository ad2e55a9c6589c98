import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import { buildRoleMatrix, databaseFingerprint, type ActorKey, type RoleMatrix } from '../../support/role-matrix.js';
import { makeMailing, type MailingFixtureState } from '../../support/mailing-fixtures.js';

/**
 * Bad input, route by route, generated from tables: every case must get a 4xx (never a 5xx) with
 * a JSON `{ error }` that says what is wrong, naming the field when one field is at fault, and a
 * refused write must leave every table as it was.
 */

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface Case {
  /** What is wrong, for the test name. */
  what: string;
  as: ActorKey | 'anonymous';
  method: Method;
  path(): string;
  /** A JSON body, or a raw one with its content type. */
  body?(): unknown;
  raw?(): { text: string; type: string };
  status: number;
  /** The field the error must name (null: the request as a whole is wrong; for a business rule, the words that name it). */
  field: string | null;
  /** Where the field is named: in `error`, or per row in `details` (CSV imports). */
  namedIn?: 'error' | 'details';
}


let t: TestApp;
let m: RoleMatrix;
let unique = 0;
const next = () => `${Date.now().toString(36)}${++unique}`;
const MISSING_ID = 2_147_483_000;
const HUGE = 10_001;

// ---------------------------------------------------------------------------------------------
// JSON bodies: one spec per write route; the generic cases come from its valid body.
// ---------------------------------------------------------------------------------------------

interface BodySpec {
  as: ActorKey | 'anonymous';
  method: Method;
  /** Path as documented, for the describe name; `path()` fills in the id. */
  route: string;
  path(): string;
  valid(): Record<string, unknown>;
  /** Fields whose absence is an error (create routes). */
  required: string[];
  /** Fields that accept null. */
  nullable?: string[];
  /** Text fields and their maximum length: one character (and at least 10 001) too many is refused. */
  limits?: Record<string, number>;
  /** Route-specific bad values: [what, fields merged into the valid body, the field named, status]. */
  bad?: Bad[];
}

/** Values that exist only at run time (ids of the matrix) are written as functions; `field` is the field named, or for a business rule the words that name it. */
type Bad = [what: string, change: Record<string, unknown>, field: string | null, status?: number];
const evaluate = (change: Record<string, unknown>) => Object.fromEntries(Object.entries(change).map(([k, v]) => [k, typeof v === 'function' ? v() : v]));
const colleague = () => m.actors.colleagueA.user.id;

const WRONG_TYPES: Record<string, [string, unknown][]> = {
  string: [['a number', 42], ['a boolean', true], ['an array', ['x']], ['an object', { value: 'x' }]],
  number: [['a numeric string', '7'], ['a word', 'abc'], ['a boolean', true], ['an array', [7]], ['an object', { value: 7 }], ['a fraction', 1.5]],
  boolean: [['a string', 'true'], ['a number', 1], ['an array', [true]], ['an object', {}]],
  array: [['a string', '1,2'], ['a number', 1], ['an object', { 0: 1 }]],
};

const BAD_EMAILS = ['not-an-email', 'a@', '@example.com', 'two@@example.com', `${'x'.repeat(250)}@example.com`];
const BAD_ZONES = ['Mars/Olympus', '+02:00', 'CEST', 'Europe/Nowhere', ''];

function bodyCases(spec: BodySpec): Case[] {
  const at = { as: spec.as, method: spec.method, path: spec.path };
  const withBody = (what: string, change: (v: Record<string, unknown>) => Record<string, unknown>, field: string | null, status = 400): Case => ({
    ...at, what, status, field, body: () => change(spec.valid()),
  });
  const raw = (what: string, text: () => string, type: string, status = 400): Case => ({ ...at, what, status, field: null, raw: () => ({ text: text(), type }) });
  const cases: Case[] = [];
  // Every field of the valid body, in every wrong type (a valid body, built now, tells the field's type).
  for (const [field, value] of Object.entries(spec.valid())) {
    for (const [what, wrong] of WRONG_TYPES[Array.isArray(value) ? 'array' : typeof value] ?? []) cases.push(withBody(`${field} as ${what}`, (v) => ({ ...v, [field]: wrong }), field));
    if (!spec.nullable?.includes(field)) cases.push(withBody(`${field} as null`, (v) => ({ ...v, [field]: null }), field));
  }
  for (const field of spec.required) {
    cases.push(withBody(`${field} missing`, (v) => Object.fromEntries(Object.entries(v).filter(([k]) => k !== field)), field));
  }
  for (const [field, max] of Object.entries(spec.limits ?? {})) {
    const length = Math.max(HUGE, max + 1);
    cases.push(withBody(`${field} of ${length} characters (at most ${max})`, (v) => ({ ...v, [field]: 'x'.repeat(length) }), field));
  }
  cases.push(withBody('an unknown field', (v) => ({ ...v, isAdmin: true }), 'isAdmin', 400));
  for (const [what, change, field, status] of spec.bad ?? []) cases.push(withBody(what, (v) => ({ ...v, ...evaluate(change) }), field, status));
  for (const [what, body] of [['an array', [1, 2]], ['null', null], ['a string', 'name'], ['a number', 42]] as const) {
    cases.push({ ...at, what: `a body that is ${what}`, status: 400, field: null, raw: () => ({ text: JSON.stringify(body), type: 'application/json' }) });
  }
  cases.push(
    raw('malformed JSON', () => JSON.stringify(spec.valid()).slice(0, -3), 'application/json'),
    raw('an empty JSON body', () => '', 'application/json'),
    raw('JSON sent as text/plain', () => JSON.stringify(spec.valid()), 'text/plain'),
    raw('a form instead of JSON', () => 'name=x', 'application/x-www-form-urlencoded'),
    raw('a 6 MB body', () => JSON.stringify({ ...spec.valid(), name: 'x'.repeat(6 * 1024 * 1024) }), 'application/json', 413),
  );
  return cases;
}

const badEmails = (field: string): Bad[] => BAD_EMAILS.map((email) => [`an invalid e-mail in ${field} (${email.slice(0, 20)})`, { [field]: email }, field]);
const badZones = (field: string): Bad[] => BAD_ZONES.map((zone) => [`the time zone "${zone}"`, { [field]: zone }, field]);
/** Only admins name another owner; the error must say which field asked for it. */
const COLLEAGUE_AS_OWNER: Bad = ['a colleague as owner (only admins name another owner)', { ownerId: colleague }, 'ownerId', 403];

type RecipientKind = 'companies' | 'contacts' | 'leads';
const RECIPIENT_LIMITS: Record<RecipientKind, Record<string, number>> = {
  companies: { name: 200, website: 200, country: 80 },
  contacts: { firstName: 100, lastName: 100, title: 120, country: 80 },
  leads: { firstName: 100, lastName: 100, title: 120, companyName: 200, country: 80 },
};
const RECIPIENT_REQUIRED: Record<RecipientKind, string[]> = { companies: ['name'], contacts: ['firstName', 'companyId'], leads: ['firstName'] };
const RECIPIENT_BAD: Record<RecipientKind, Bad[]> = {
  companies: [],
  contacts: [
    ["another department's company", { companyId: () => m.records.B.companies }, 'companyId', 422],
    ['an unknown company', { companyId: MISSING_ID }, 'companyId', 422],
  ],
  leads: [],
};

/** Ids the valid bodies refer to, filled in by beforeAll (the cases are generated from the bodies' shapes before). */
const ids = { companyA: 0, departmentA: 0, messageA: 0 };

const company = () => ({ name: `Acme ${next()}`, email: 'info@acme.test', country: 'Spain', website: 'https://acme.test', vip: false, massMailing: true, disqualified: false });
const contact = () => ({ firstName: 'Jane', lastName: 'Doe', title: 'Buyer', email: 'jane@acme.test', companyId: ids.companyA, vip: false });
const lead = () => ({ firstName: 'Lee', lastName: 'Lo', title: 'CEO', companyName: 'Lo Ltd', email: 'lee@lo.test', massMailing: true });
const account = () => ({ name: 'Box', fromName: 'Ann', fromEmail: `box${next()}@crm.test`, smtpHost: 'smtp.crm.test', smtpPort: 587, smtpSecurity: 'starttls', smtpUser: 'ann', password: 'smtp-password', dailyLimit: 50, main: false, timeZone: 'Europe/Berlin' });
const signature = () => ({ name: 'Sig', format: 'html', body: '<p>Regards</p>', isDefault: false });
const message = () => ({ name: 'News', subject: 'Hi {{ first_name }}', html: '<p>Hello</p>', text: 'Hello' });
const user = () => ({ email: `user${next()}@crm.test`, name: 'New User', role: 'sales_manager', departmentId: ids.departmentA, timeZone: 'Europe/Berlin', password: 'a-long-password', active: true });

const LIQUID_ERRORS: Bad[] = [
  ['an unclosed output tag in the subject', { subject: 'Hi {{ first_name ' }, 'subject'],
  ['an unclosed if block in the html', { html: '<p>Hi</p>\n{% if vip %}\n<p>VIP</p>' }, 'html'],
  ['a for tag without arguments in the html', { html: '{% for %}{% endfor %}' }, 'html'],
  ['a stray endfor in the text', { text: 'Hello {% endfor %}' }, 'text'],
  ['an unknown filter in the html', { html: '{{ first_name | shout }}' }, 'html'],
  // A template is user input: it must not reach the server's files (package.json stands in for data/secret.key).
  ['an include of a server file', { html: '<p>{% include "package.json" %}</p>' }, 'html', 400],
  ['a render of a server file in the subject', { subject: '{% render "package.json" %}' }, 'subject', 400],
  ['a layout of a server file in the text', { text: '{% layout "package.json" %}x' }, 'text', 400],
  ['an include of a file that does not exist', { html: '{% include "no-such-partial" %}' }, 'html', 400],
];

// Mailings: dept A's owner acts on their own mailings, each in a state where only the input is wrong.

/** Dept A's owner's mailings, one per state, made by beforeAll; refused requests leave them as they are. */
const mailingsIn = {} as Record<MailingFixtureState, number>;
/** Two more of dept A's owner's mailings that could be combined (the valid combine body), one of another message, and one of dept B. */
const combinable = { first: 0, second: 0, otherMessage: 0, deptB: 0 };

const mailingRequest = () => ({ messageId: ids.messageA, name: 'News', selections: { company: { ids: [ids.companyA] } }, start: 'paused' });
const selection = (company: unknown): Record<string, unknown> => ({ selections: { company } });
/** What the schema of a mailing request refuses: the pre-flight and Make Massmail alike. */
const MAILING_REQUEST_BAD: Bad[] = [
  ['no recipient type selected', { selections: {} }, 'selections'],
  ['an unknown recipient type', { selections: { robot: { ids: [1] } } }, 'robot'],
  ['a selection of both ids and a filter', selection({ ids: [1], filter: {} }), 'selections.company'],
  ['a selection of neither ids nor a filter', selection({}), 'selections.company'],
  ['an empty list of recipient ids', selection({ ids: [] }), 'selections.company.ids'],
  ['100 001 recipient ids', selection({ ids: Array.from({ length: 100_001 }, (_, i) => i + 1) }), 'selections.company.ids'],
  ['recipient id zero', selection({ ids: [0] }), 'selections.company.ids.0'],
  ['a recipient id beyond 32 bits', selection({ ids: [2 ** 31] }), 'selections.company.ids.0'],
  ['a recipient id as a string', selection({ ids: ['1'] }), 'selections.company.ids.0'],
  ['a recipient id as a fraction', selection({ ids: [1.5] }), 'selections.company.ids.0'],
  ['recipient ids as an object', selection({ ids: { 0: 1 } }), 'selections.company.ids'],
  ['an unknown filter field', selection({ filter: { passwordHash: 'x' } }), 'passwordHash'],
  ['a filter search of 201 characters', selection({ filter: { q: 'x'.repeat(201) } }), 'selections.company.filter.q'],
  ['a filter VIP flag that is no flag', selection({ filter: { vip: 'maybe' } }), 'selections.company.filter.vip'],
  ['a filter department that is no id', selection({ filter: { departmentId: 'abc' } }), 'selections.company.filter.departmentId'],
  ['a filter country of 81 characters', selection({ filter: { country: 'x'.repeat(81) } }), 'selections.company.filter.country'],
  ['an unknown start', { start: 'now' }, 'start'],
  ['message id zero', { messageId: 0 }, 'messageId'],
  ['a message id beyond 32 bits', { messageId: 2 ** 31 }, 'messageId'],
  ['signature id zero', { signatureId: 0 }, 'signatureId'],
];
/** What Make Massmail refuses after reading the database (the pre-flight reports the same as errors, with 200). */
const MAILING_CREATE_BAD: Bad[] = [
  ['a message that does not exist', { messageId: MISSING_ID }, `Message ${MISSING_ID} not found`, 422],
  ["another department's message", { messageId: () => m.records.B.messages }, 'not found', 422],
  ["another department's signature", { signatureId: () => m.records.B.signatures }, 'is not one of yours', 422],
  ["only another department's companies", { selections: () => ({ company: { ids: [m.records.B.companies] } }) }, 'No recipient can be mailed', 422],
  ['only companies that do not exist', selection({ ids: [MISSING_ID] }), 'No recipient can be mailed', 422],
];
const combining = (...list: (() => number)[]) => ({ ids: () => list.map((id) => id()) });
const COMBINE_BAD: Bad[] = [
  ['one mailing', combining(() => combinable.first), 'ids'],
  ['101 mailings', { ids: Array.from({ length: 101 }, (_, i) => i + 1) }, 'ids'],
  ['mailing id zero', combining(() => 0, () => combinable.first), 'ids.0'],
  ['a mailing id beyond 32 bits', combining(() => combinable.first, () => 2 ** 31), 'ids.1'],
  ['a mailing id as a string', { ids: ['1', '2'] }, 'ids.0'],
  ['the same mailing twice', combining(() => combinable.first, () => combinable.first), 'ids'],
  ['a mailing listed twice among others', combining(() => combinable.first, () => combinable.second, () => combinable.first), 'ids'],
  ['a mailing that does not exist', combining(() => combinable.first, () => MISSING_ID), `Mailing #${MISSING_ID} not found`, 404],
  // Another department's mailing reads exactly as one that does not exist.
  ["another department's mailing", combining(() => combinable.first, () => combinable.deptB), 'not found', 404],
  ['mailings of different messages', combining(() => combinable.first, () => combinable.otherMessage), 'same newsletter message', 422],
  ['a finished mailing', combining(() => combinable.first, () => mailingsIn.done), 'Finished mailings cannot be combined', 422],
  ['a cancelled mailing', combining(() => combinable.first, () => mailingsIn.cancelled), 'Finished mailings cannot be combined', 422],
];
const MAILING_SPECS: BodySpec[] = [
  ...(['/api/mailings/preflight', '/api/mailings'] as const).map(
    (route): BodySpec => ({
      as: 'ownerA', method: 'POST', route, path: () => route, valid: mailingRequest, required: ['messageId', 'selections'], nullable: ['signatureId'], limits: { name: 200 },
      bad: [...MAILING_REQUEST_BAD, ...(route === '/api/mailings' ? MAILING_CREATE_BAD : [])],
    }),
  ),
  {
    as: 'ownerA', method: 'POST', route: '/api/mailings/{id}/restart', path: () => `/api/mailings/${mailingsIn.failing}/restart`,
    valid: () => ({ includeUncertain: true }), required: [],
  },
  {
    as: 'ownerA', method: 'POST', route: '/api/mailings/{id}/test', path: () => `/api/mailings/${mailingsIn.failing}/test`,
    valid: () => ({ email: 'someone@example.com' }), required: ['email'], limits: { email: 254 }, bad: badEmails('email'),
  },
  {
    as: 'ownerA', method: 'POST', route: '/api/mailings/combine', path: () => '/api/mailings/combine',
    valid: () => ({ ids: [combinable.first, combinable.second] }), required: ['ids'], bad: COMBINE_BAD,
  },
];

const BODY_SPECS: BodySpec[] = [
  ...(['companies', 'contacts', 'leads'] as const).flatMap((kind) =>
    (['POST', 'PATCH'] as const).map(
      (method): BodySpec => ({
        as: 'ownerA', method, route: method === 'POST' ? `/api/${kind}` : `/api/${kind}/{id}`, path: () => (method === 'POST' ? `/api/${kind}` : `/api/${kind}/${m.records.A[kind]}`),
        valid: { companies: company, contacts: contact, leads: lead }[kind], required: method === 'POST' ? RECIPIENT_REQUIRED[kind] : [],
        nullable: ['email', 'country', 'lastName', 'title', 'website', 'companyName'], limits: RECIPIENT_LIMITS[kind],
        bad: [...badEmails('email'), ['owner id zero', { ownerId: 0 }, 'ownerId'], ['a negative owner id', { ownerId: -5 }, 'ownerId'], COLLEAGUE_AS_OWNER, ...RECIPIENT_BAD[kind]],
      }),
    ),
  ),
  ...(['POST', 'PATCH'] as const).map(
    (method): BodySpec => ({
      as: 'ownerA', method, route: method === 'POST' ? '/api/accounts' : '/api/accounts/{id}', path: () => (method === 'POST' ? '/api/accounts' : `/api/accounts/${m.records.A.accounts}`),
      valid: account, required: method === 'POST' ? ['name', 'fromName', 'fromEmail', 'smtpHost', 'smtpPort', 'smtpSecurity', 'smtpUser', 'password'] : [],
      nullable: ['timeZone'], limits: { name: 120, fromName: 120, smtpHost: 253, smtpUser: 254, password: 500 },
      bad: [
        ...badEmails('fromEmail'),
        ...badZones('timeZone'),
        ['port 0', { smtpPort: 0 }, 'smtpPort'],
        ['port 65536', { smtpPort: 65_536 }, 'smtpPort'],
        ['a host name with spaces', { smtpHost: 'smtp crm.test' }, 'smtpHost'],
        ['a host name with a shell character', { smtpHost: 'smtp.crm.test;rm' }, 'smtpHost'],
        ['an unknown security mode', { smtpSecurity: 'ssl3' }, 'smtpSecurity'],
        ['a daily limit of zero', { dailyLimit: 0 }, 'dailyLimit'],
        ['a negative daily limit', { dailyLimit: -10 }, 'dailyLimit'],
        ['a daily limit of 10 001', { dailyLimit: 10_001 }, 'dailyLimit'],
        ['an empty password', { password: '' }, 'password'],
        ['a DKIM key that is no PEM key', { dkimDomain: 'crm.test', dkimSelector: 's1', dkimPrivateKey: 'not a key' }, 'dkimPrivateKey'],
        ['a DKIM domain that is no domain', { dkimDomain: 'crm test', dkimSelector: 's1' }, 'dkimDomain'],
        ['a DKIM selector with a slash', { dkimDomain: 'crm.test', dkimSelector: 's/1' }, 'dkimSelector'],
        COLLEAGUE_AS_OWNER,
      ],
    }),
  ),
  ...(['POST', 'PATCH'] as const).map(
    (method): BodySpec => ({
      as: 'ownerA', method, route: method === 'POST' ? '/api/signatures' : '/api/signatures/{id}', path: () => (method === 'POST' ? '/api/signatures' : `/api/signatures/${m.records.A.signatures}`),
      valid: signature, required: method === 'POST' ? ['name', 'format', 'body'] : [], limits: { name: 120, body: 20_000 },
      bad: [
        ['an unknown format', { format: 'pdf' }, 'format'],
        ['a blank body', { body: '   ' }, 'body'],
        ...(method === 'POST' ? [COLLEAGUE_AS_OWNER] : []),
      ],
    }),
  ),
  ...(['POST', 'PATCH'] as const).map(
    (method): BodySpec => ({
      as: 'ownerA', method, route: method === 'POST' ? '/api/messages' : '/api/messages/{id}', path: () => (method === 'POST' ? '/api/messages' : `/api/messages/${m.records.A.messages}`),
      valid: message, required: method === 'POST' ? ['name', 'subject', 'html'] : [], nullable: ['text', 'signatureId'],
      limits: { name: 200, subject: 300, html: 500_000 },
      bad: [
        ...LIQUID_ERRORS,
        ["another department's signature", { signatureId: () => m.records.B.signatures }, 'signatureId', 422],
        ["a colleague's signature", { signatureId: () => colleagueSignature }, 'signatureId', 422],
        ['an unknown signature', { signatureId: MISSING_ID }, 'signatureId', 422],
        ['signature id zero', { signatureId: 0 }, 'signatureId'],
        ...(method === 'POST' ? [COLLEAGUE_AS_OWNER] : []),
      ],
    }),
  ),
  {
    as: 'ownerA', method: 'POST', route: '/api/messages/preview', path: () => '/api/messages/preview',
    valid: () => ({ subject: 'Hi', html: '<p>Hi {{ first_name }}</p>', text: 'Hi', recipientType: 'contact' }), required: ['subject', 'html', 'recipientType'], nullable: ['text'],
    limits: { subject: 300 },
    bad: [...LIQUID_ERRORS, ['an unknown recipient type', { recipientType: 'robot' }, 'recipientType'], ["another department's signature", { signatureId: () => m.records.B.signatures }, 'signatureId', 422]],
  },
  ...(['POST', 'PATCH'] as const).map(
    (method): BodySpec => ({
      as: 'admin', method, route: method === 'POST' ? '/api/users' : '/api/users/{id}', path: () => (method === 'POST' ? '/api/users' : `/api/users/${m.actors.colleagueA.user.id}`),
      valid: user, required: method === 'POST' ? ['email', 'name', 'role', 'departmentId', 'timeZone', 'password'] : [], nullable: ['departmentId'],
      limits: { name: 120, password: 200 },
      bad: [
        ...badEmails('email'),
        ...badZones('timeZone'),
        ['an unknown role', { role: 'superuser' }, 'role'],
        ['a password of 9 characters', { password: '123456789' }, 'password'],
        ['an unknown department', { departmentId: MISSING_ID }, 'departmentId', 422],
        ['a sales manager without a department', { departmentId: null }, 'departmentId', 422],
        ['department id zero', { departmentId: 0 }, 'departmentId'],
        ['the e-mail of another user', { email: () => m.actors.ownerA.user.email }, 'email', 409],
      ],
    }),
  ),
  ...(['POST', 'PATCH'] as const).map(
    (method): BodySpec => ({
      as: 'admin', method, route: method === 'POST' ? '/api/departments' : '/api/departments/{id}', path: () => (method === 'POST' ? '/api/departments' : `/api/departments/${m.departments.A.id}`),
      valid: () => ({ name: `Dept ${next()}` }), required: ['name'], limits: { name: 120 },
      bad: [['a blank name', { name: '   ' }, 'name'], ['the name of another department', { name: () => m.departments.B.name }, 'name', 409]],
    }),
  ),
  {
    as: 'admin', method: 'PUT', route: '/api/settings', path: () => '/api/settings',
    valid: () => ({
      windowStart: '09:00', windowEnd: '17:00', businessDays: [1, 2, 3], defaultDailyLimit: 120, timeZone: 'Europe/London',
      publicBaseUrl: 'https://mail.example.com', unsubscribeMailto: 'stop@example.com', unsubscribeText: 'Click below to stop receiving our newsletters.',
    }),
    required: ['windowStart', 'windowEnd', 'businessDays', 'defaultDailyLimit', 'timeZone', 'publicBaseUrl', 'unsubscribeMailto', 'unsubscribeText'],
    nullable: ['unsubscribeMailto'], limits: { unsubscribeText: 2000, publicBaseUrl: 300 },
    bad: [
      ...badZones('timeZone'),
      ...badEmails('unsubscribeMailto'),
      ['a start at 25:00', { windowStart: '25:00' }, 'windowStart'],
      ['a start without a leading zero', { windowStart: '8:30' }, 'windowStart'],
      ['a window that ends before it starts', { windowStart: '17:00', windowEnd: '09:00' }, 'windowEnd'],
      ['no business days', { businessDays: [] }, 'businessDays'],
      ['business day 0', { businessDays: [0, 1] }, 'businessDays'],
      ['business day 8', { businessDays: [1, 8] }, 'businessDays'],
      ['a business day twice', { businessDays: [1, 1] }, 'businessDays'],
      ['business days by name', { businessDays: ['monday'] }, 'businessDays'],
      ['a default daily limit of zero', { defaultDailyLimit: 0 }, 'defaultDailyLimit'],
      ['a default daily limit of 10 001', { defaultDailyLimit: 10_001 }, 'defaultDailyLimit'],
      ['an ftp base URL', { publicBaseUrl: 'ftp://mail.example.com' }, 'publicBaseUrl'],
      ['a javascript: base URL', { publicBaseUrl: 'javascript:alert(1)' }, 'publicBaseUrl'],
      ['a base URL that is no URL', { publicBaseUrl: 'mail example' }, 'publicBaseUrl'],
    ],
  },
  {
    as: 'anonymous', method: 'POST', route: '/api/session', path: () => '/api/session',
    valid: () => ({ email: 'someone@crm.test', password: 'wrong-but-well-formed' }), required: ['email', 'password'], limits: { email: 254, password: 200 },
  },
  ...MAILING_SPECS,
];

/** A signature of the colleague in dept A: not one the owner of dept A's message may use. */
let colleagueSignature: number;

// ---------------------------------------------------------------------------------------------
// Ids in paths and values in query strings.
// ---------------------------------------------------------------------------------------------

const BAD_IDS: [string, string][] = [
  ['abc', 'a word'],
  ['0', 'zero'],
  ['-1', 'a negative number'],
  ['1.5', 'a fraction'],
  ['99999999999', 'a number beyond 32 bits'],
  // Number() reads each of these as a valid id; they are not digits.
  ['0x10', 'a hexadecimal number'],
  ['1e1', 'an exponent'],
  ['+5', 'a signed number'],
  ['%205', 'a leading space'],
];

interface IdRoute {
  method: Method;
  route: string;
  as: ActorKey;
  body?(): unknown;
}
const ID_ROUTES: IdRoute[] = [
  ...(['companies', 'contacts', 'leads', 'accounts', 'signatures', 'messages', 'users', 'departments'] as const).flatMap((r): IdRoute[] => {
    const as: ActorKey = r === 'users' || r === 'departments' ? 'admin' : 'ownerA';
    return [
      { method: 'GET', route: `/api/${r}/{id}`, as },
      { method: 'PATCH', route: `/api/${r}/{id}`, as, body: () => ({ name: 'Renamed' }) },
      { method: 'DELETE', route: `/api/${r}/{id}`, as },
    ];
  }),
  { method: 'POST', route: '/api/accounts/{id}/test', as: 'ownerA' },
  { method: 'GET', route: '/api/messages/{id}/preview', as: 'ownerA' },
  ...['', '/recipients', '/notifications'].map((tail): IdRoute => ({ method: 'GET', route: `/api/mailings/{id}${tail}`, as: 'ownerA' })),
  ...['pause', 'resume', 'cancel'].map((op): IdRoute => ({ method: 'POST', route: `/api/mailings/{id}/${op}`, as: 'ownerA' })),
  { method: 'POST', route: '/api/mailings/{id}/restart', as: 'ownerA', body: () => ({}) },
  { method: 'POST', route: '/api/mailings/{id}/test', as: 'ownerA', body: () => ({ email: 'someone@example.com' }) },
];
/** Rename bodies the resources accept, so only the id is wrong. */
const RENAME: Record<string, Record<string, unknown>> = { contacts: { firstName: 'Renamed' }, leads: { firstName: 'Renamed' } };

const idCases = (): Case[] =>
  ID_ROUTES.flatMap(({ method, route, as, body }) => {
    const resource = route.split('/')[2];
    const send = body && (() => RENAME[resource] ?? body());
    return [
      ...BAD_IDS.map(([id, what]): Case => ({ what: `${route} with ${what} as id (${id})`, as, method, path: () => route.replace('{id}', id), body: send, status: 400, field: 'id' })),
      { what: `${route} with an id that does not exist`, as, method, path: () => route.replace('{id}', String(MISSING_ID)), body: send, status: 404, field: null },
    ];
  });

const PAGING: [string, string][] = [
  ['page=0', 'page'],
  ['page=-1', 'page'],
  ['page=abc', 'page'],
  ['page=100001', 'page'],
  ['page=1.5', 'page'],
  ['page=0x2', 'page'],
  ['pageSize=1e1', 'pageSize'],
  ['pageSize=0', 'pageSize'],
  ['pageSize=501', 'pageSize'],
  ['pageSize=abc', 'pageSize'],
  ['sort=passwordHash', 'sort'],
  ['sort=', 'sort'],
  ['dir=up', 'dir'],
  [`q=${'x'.repeat(201)}`, 'q'],
];
const OWNER_FILTER: [string, string][] = [
  ['ownerId=abc', 'ownerId'],
  ['ownerId=0', 'ownerId'],
  ['ownerId=99999999999', 'ownerId'],
  ['ownerId=0b11', 'ownerId'],
];
const RECIPIENT_FILTERS: [string, string][] = [
  ...OWNER_FILTER,
  ['departmentId=-1', 'departmentId'],
  ['departmentId=99999999999', 'departmentId'],
  ['vip=maybe', 'vip'],
  ['massMailing=1', 'massMailing'],
  [`country=${'x'.repeat(81)}`, 'country'],
];

const MAILING_FILTERS: [string, string][] = [
  ...OWNER_FILTER,
  ['departmentId=abc', 'departmentId'],
  ['departmentId=0', 'departmentId'],
  ['departmentId=99999999999', 'departmentId'],
  ['vip=maybe', 'vip'],
  ['status=running', 'status'],
  ['status=', 'status'],
  ['recipientType=robot', 'recipientType'],
  ['sort=owner_id', 'sort'],
];

const QUERY_ROUTES: [string, [string, string][]][] = [
  ['/api/companies', [...PAGING, ...RECIPIENT_FILTERS]],
  ['/api/contacts', [...PAGING, ...RECIPIENT_FILTERS, ['companyId=abc', 'companyId'], ['companyId=0', 'companyId'], ['companyId=99999999999', 'companyId']]],
  ['/api/leads', [...PAGING, ...RECIPIENT_FILTERS]],
  ['/api/accounts', [...PAGING, ...OWNER_FILTER, ['departmentId=abc', 'departmentId']]],
  ['/api/signatures', [...PAGING, ...OWNER_FILTER]],
  ['/api/messages', [...PAGING, ...OWNER_FILTER]],
  ['/api/messages/{id}/preview', [['recipientType=robot', 'recipientType'], ['recipientType=', 'recipientType']]],
  ['/api/outbox', [['page=0', 'page'], ['pageSize=201', 'pageSize'], ['pageSize=abc', 'pageSize'], [`q=${'x'.repeat(201)}`, 'q']]],
  ['/api/mailings', [...PAGING, ...MAILING_FILTERS]],
  ['/api/mailings/{id}/recipients', [...PAGING, ['state=lost', 'state'], ['state=', 'state'], ['sort=name', 'sort']]],
  ['/api/mailings/{id}/notifications', [['page=0', 'page'], ['page=abc', 'page'], ['page=100001', 'page'], ['pageSize=0', 'pageSize'], ['pageSize=501', 'pageSize']]],
];
/** The record a route's `{id}` names: its own kind, owned by dept A's owner. */
const idFor = (route: string) => (route.startsWith('/api/mailings/') ? mailingsIn.failing : m.records.A.messages);

const queryCases = (): Case[] =>
  QUERY_ROUTES.flatMap(([route, bad]) =>
    bad.map(([query, field]): Case => ({
      what: `${route}?${query.slice(0, 30)}`, as: 'ownerA', method: 'GET', path: () => `${route.replace('{id}', String(idFor(route)))}?${query}`, status: 400, field,
    })),
  );

// ---------------------------------------------------------------------------------------------
// CSV imports.
// ---------------------------------------------------------------------------------------------

const BINARY = '\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR\u0000\u0000"\u0001\u0000,\u00ff\u00fe';
/** [what, the file, its content type, status, the column named (in `error`, or per row for 422)] */
const IMPORT_BAD: [string, () => string, string, number, string | null][] = [
  ['binary data', () => BINARY, 'text/csv', 400, null],
  ['an empty file', () => '', 'text/csv', 400, null],
  ['only a header row', () => 'name,email\n', 'text/csv', 400, null],
  ['unknown columns', () => 'name,password_hash\nAcme,x\n', 'text/csv', 400, 'password_hash'],
  ['an unclosed quote', () => 'name\n"Acme\n', 'text/csv', 400, null],
  ['10 001 rows', () => `name\n${Array.from({ length: 10_001 }, (_, i) => `Row ${i}`).join('\n')}\n`, 'text/csv', 400, null],
  ['a bad value in a row', () => 'name,email\nAcme,not-an-email\n', 'text/csv', 422, 'email'],
  ['a flag that is not yes/no', () => 'name,vip\nAcme,perhaps\n', 'text/csv', 422, 'vip'],
  ['an unknown owner e-mail', () => 'name,owner_email\nAcme,nobody@nowhere.test\n', 'text/csv', 422, 'owner_email'],
  ['JSON sent as CSV', () => JSON.stringify([{ name: 'Acme' }]), 'application/json', 400, null],
  ['a 6 MB file', () => `name\n${'x'.repeat(6 * 1024 * 1024)}\n`, 'text/csv', 413, null],
];
/** Companies take `name`; contacts and leads need other columns, so the same rows say `first_name`. */
const importCases = (): Case[] =>
  (['companies', 'contacts', 'leads'] as const).flatMap((kind) =>
    IMPORT_BAD.map(([what, text, type, status, field]): Case => ({
      what: `/api/${kind}/import with ${what}`, as: 'ownerA', method: 'POST', path: () => `/api/${kind}/import`, status, field, namedIn: status === 422 ? 'details' : 'error',
      raw: () => {
        const csv = text();
        const rows = kind === 'companies' ? csv : csv.replace(/^name\b/, kind === 'contacts' ? `first_name,company_id` : 'first_name').replace(/^(Acme|Row \d+)/gm, (v) => (kind === 'contacts' ? `${v},${m.records.A.companies}` : v));
        return { text: rows, type };
      },
    })),
  );

// ---------------------------------------------------------------------------------------------
// Operations on a mailing in a state they do not apply to: 409, saying the state.
// ---------------------------------------------------------------------------------------------

/** [operation, the state of the mailing, what the error must say, the restart's body] */
const WRONG_STATE: [op: 'pause' | 'resume' | 'cancel' | 'restart', state: MailingFixtureState, says: string, body?: Record<string, unknown>][] = [
  ['pause', 'paused', 'is paused; it cannot be paused'],
  ['pause', 'interrupted', 'is interrupted; it cannot be paused'],
  ['pause', 'done', 'is done; it cannot be paused'],
  ['pause', 'cancelled', 'is cancelled; it cannot be paused'],
  ['resume', 'active', 'is active; it cannot be resumed'],
  ['resume', 'failing', 'is active error; it cannot be resumed'],
  ['resume', 'done', 'is done; it cannot be resumed'],
  ['resume', 'cancelled', 'is cancelled; it cannot be resumed'],
  ['cancel', 'done', 'is done; it cannot be cancelled'],
  ['cancel', 'cancelled', 'is cancelled; it cannot be cancelled'],
  ['restart', 'cancelled', 'is cancelled; it cannot be restarted', {}],
  ['restart', 'active', 'has no failed recipients to send again', {}],
  ['restart', 'paused', 'has no failed recipients to send again', {}],
  ['restart', 'interrupted', 'has no failed recipients to send again', {}],
  ['restart', 'done', 'has no failed recipients to send again', {}],
  ['restart', 'active', 'has no failed or uncertain recipients to send again', { includeUncertain: true }],
];
const STATE_WORDS: Record<MailingFixtureState, string> = { active: 'an active', failing: 'an active-but-error', paused: 'a paused', interrupted: 'an interrupted', done: 'a done', cancelled: 'a cancelled' };

const stateCases = (): Case[] =>
  WRONG_STATE.map(([op, state, says, body]): Case => ({
    what: `${op} ${STATE_WORDS[state]} mailing${body?.includeUncertain ? ' (uncertain ones included)' : ''}`, as: 'ownerA', method: 'POST',
    path: () => `/api/mailings/${mailingsIn[state]}/${op}`, body: body && (() => body), status: 409, field: says,
  }));

// ---------------------------------------------------------------------------------------------
// Running them.
// ---------------------------------------------------------------------------------------------

const GROUPS: [string, () => Case[]][] = [
  ...BODY_SPECS.map((spec): [string, () => Case[]] => [`${spec.method} ${spec.route}`, () => bodyCases(spec)]),
  ['ids in paths', idCases],
  ['query strings', queryCases],
  ['CSV imports', importCases],
  ['mailing operations in the wrong state', stateCases],
];

beforeAll(async () => {
  t = await initTestApp();
  m = await buildRoleMatrix(t);
  Object.assign(ids, { companyA: m.records.A.companies, departmentA: m.departments.A.id, messageA: m.records.A.messages });
  colleagueSignature = (await t.factories.signature(m.actors.colleagueA.user)).id;
  for (const state of Object.keys(STATE_WORDS) as MailingFixtureState[]) mailingsIn[state] = await m.mailing('A', state);
  const otherMessage = (await t.factories.message(m.owners.A)).id;
  Object.assign(combinable, {
    first: await m.mailing('A', 'active'), second: await m.mailing('A', 'paused'), deptB: await m.mailing('B', 'active'),
    otherMessage: await makeMailing(t, { owner: m.owners.A, messageId: otherMessage, companyIds: [m.records.A.companies], state: 'active' }),
  });
});
afterAll(() => t?.close());

describe.each(GROUPS)('%s', (_group, cases) => {
  for (const c of cases()) {
    const name = `${c.what} → ${c.status}`;
    it(name, async () => {
      const client = c.as === 'anonymous' ? m.anonymous : m.actors[c.as].client;
      const write = c.method !== 'GET';
      const before = write ? await databaseFingerprint(t.services.orm) : '';
      const raw = c.raw?.();
      const res = raw ? await client.send(c.method, c.path(), raw.text, { 'content-type': raw.type }) : await client.send(c.method, c.path(), c.body?.());
      expect(res.status, res.text.slice(0, 300)).toBe(c.status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(typeof res.body?.error, res.text.slice(0, 300)).toBe('string');
      expect(res.body.error.trim()).not.toBe('');
      if (c.field) {
        const said = c.namedIn === 'details' ? JSON.stringify(res.body.details) : res.body.error;
        expect(said, 'the error names the field').toContain(c.field);
      }
      if (write) expect(await databaseFingerprint(t.services.orm), 'nothing changed').toBe(before);
    });
  }
});
