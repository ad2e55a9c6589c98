import { generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { Orm } from '../../server/db/orm.js';
import type { Department } from '../../server/db/entities/department.entity.js';
import type { User } from '../../server/db/entities/user.entity.js';
import type { Role } from '../../server/domain/roles.js';
import type { Client, TestApp } from './test-app.js';
import { makeMailing, type MailingFixtureState } from './mailing-fixtures.js';

/**
 * The shared role matrix of the security tests: two departments, one signed-in user of every
 * role, and one record of every owned resource in each department. The admin and the company
 * manager belong to no department, so whatever they see of A and B comes from their role alone.
 */

/** The SMTP password of every matrix account: a response that contains it leaks a secret. */
export const MATRIX_SMTP_PASSWORD = 'matrix-SMTP-pa55word!';

/** The DKIM private key of every matrix account: write-only, like the password. */
export const MATRIX_DKIM_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

export type DeptKey = 'A' | 'B';

/** Every seat of the matrix; `label` is how test names speak of it. */
export const ACTORS = {
  admin: { role: 'admin', dept: null, label: 'admin' },
  companyManager: { role: 'company_manager', dept: null, label: 'company_manager' },
  teamLeadA: { role: 'team_lead', dept: 'A', label: 'team_lead (dept A)' },
  /** Owns every dept A record. */
  ownerA: { role: 'sales_manager', dept: 'A', label: 'sales_manager (dept A, owner)' },
  colleagueA: { role: 'sales_manager', dept: 'A', label: 'sales_manager (dept A)' },
  /** Owns every dept B record. */
  salesB: { role: 'sales_manager', dept: 'B', label: 'sales_manager (dept B)' },
  teamLeadB: { role: 'team_lead', dept: 'B', label: 'team_lead (dept B)' },
} as const satisfies Record<string, { role: Role; dept: DeptKey | null; label: string }>;

export type ActorKey = keyof typeof ACTORS;
export const ACTOR_KEYS = Object.keys(ACTORS) as ActorKey[];

/** Resources that belong to an owner in a department; companies first, contacts need one. */
export const OWNED = ['companies', 'contacts', 'leads', 'accounts', 'signatures', 'messages'] as const;
export type OwnedResource = (typeof OWNED)[number];

export interface MatrixActor {
  key: ActorKey;
  label: string;
  role: Role;
  dept: DeptKey | null;
  user: User;
  /** Signed in, with the CSRF token; every response it gets is recorded in `responses`. */
  client: Client;
}

export interface RecordedResponse {
  who: string;
  method: string;
  path: string;
  status: number;
  text: string;
}

export interface RoleMatrix {
  departments: Record<DeptKey, Department>;
  actors: Record<ActorKey, MatrixActor>;
  /** Whose records each department's are. */
  owners: Record<DeptKey, User>;
  /** The id of one record of every owned resource per department. */
  records: Record<DeptKey, Record<OwnedResource, number>>;
  /** A local port nothing listens on: account checks against it fail at once instead of hanging. */
  closedPort: number;
  /** A new record of `resource` owned by the department's owner, for a test that changes or deletes it. */
  fresh(resource: OwnedResource, dept: DeptKey): Promise<number>;
  /** A new mailing of the department's owner (their message, to two of their companies) in `state`. */
  mailing(dept: DeptKey, state: MailingFixtureState): Promise<number>;
  /** Every response any matrix client received, in order. */
  responses: RecordedResponse[];
  /** The anonymous client, recorded too. */
  anonymous: Client;
}

/** A port that was free a moment ago: bound once, then released. */
async function closedLocalPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The same client, appending every response to `log`. */
function recorded(client: Client, who: string, log: RecordedResponse[]): Client {
  const send: Client['send'] = async (method, path, body, headers) => {
    const res = await client.send(method, path, body, headers);
    log.push({ who, method, path, status: res.status, text: res.text });
    return res;
  };
  return {
    send,
    get: (path) => send('GET', path),
    post: (path, body, headers) => send('POST', path, body, headers),
    patch: (path, body) => send('PATCH', path, body),
    put: (path, body) => send('PUT', path, body),
    delete: (path) => send('DELETE', path),
  };
}

export async function buildRoleMatrix(t: TestApp): Promise<RoleMatrix> {
  const f = t.factories;
  const departments = { A: await f.department(), B: await f.department() };
  const responses: RecordedResponse[] = [];
  const actors = {} as Record<ActorKey, MatrixActor>;
  for (const key of ACTOR_KEYS) {
    const { role, dept, label } = ACTORS[key];
    const user = await f.user(role, dept && departments[dept].id);
    actors[key] = { key, label, role, dept, user, client: recorded(await t.signIn(user.email), label, responses) };
  }
  const owners = { A: actors.ownerA.user, B: actors.salesB.user };
  const closedPort = await closedLocalPort();
  const records = { A: {}, B: {} } as RoleMatrix['records'];

  const fresh = async (resource: OwnedResource, dept: DeptKey): Promise<number> => {
    const owner = owners[dept];
    switch (resource) {
      case 'companies':
        return (await f.company(owner)).id;
      case 'contacts':
        return (await f.contact(owner, records[dept].companies)).id;
      case 'leads':
        return (await f.lead(owner)).id;
      case 'accounts':
        return (
          await f.account(owner, {
            smtpPort: closedPort,
            smtpPasswordEnc: t.services.secrets.encrypt(MATRIX_SMTP_PASSWORD),
            dkimDomain: 'matrix.test',
            dkimSelector: 'matrix',
            dkimPrivateKeyEnc: t.services.secrets.encrypt(MATRIX_DKIM_KEY),
          })
        ).id;
      case 'signatures':
        return (await f.signature(owner)).id;
      case 'messages':
        return (await f.message(owner)).id;
    }
  };
  for (const dept of ['A', 'B'] as const) {
    for (const resource of OWNED) records[dept][resource] = await fresh(resource, dept);
  }
  // Two recipients, so a mailing can have one failed and one pending.
  const mailingCompanies = { A: [records.A.companies, await fresh('companies', 'A')], B: [records.B.companies, await fresh('companies', 'B')] };
  const mailing = (dept: DeptKey, state: MailingFixtureState) => makeMailing(t, { owner: owners[dept], messageId: records[dept].messages, companyIds: mailingCompanies[dept], state });
  return { departments, actors, owners, records, closedPort, fresh, mailing, responses, anonymous: recorded(t.anonymous, 'anonymous', responses) };
}

/**
 * The content of every table as one comparable string: equal before and after a refused request
 * means the request changed nothing (not even a session or a timestamp). MariaDB checksums each
 * table in one round trip; SQLite, which has no CHECKSUM TABLE, gives every row, and so does a
 * table with a generated column on MariaDB, whose CHECKSUM TABLE changed between two reads of the
 * same rows (mailings, with its indexed virtual `completion`).
 */
export async function databaseFingerprint(orm: Orm): Promise<string> {
  const conn = orm.em.getConnection();
  const metas = Object.values(orm.getMetadata().getAll()).filter((meta) => meta.tableName && !meta.embeddable && !meta.virtual);
  const rowsOf = async (table: string) => (await conn.execute<Record<string, unknown>[]>(`select * from \`${table}\``)).map((row) => JSON.stringify(row)).sort();
  const byRows = orm.config.get('driver')?.name === 'BetterSqliteDriver' ? metas : metas.filter((meta) => meta.props.some((p) => p.generated));
  const checksummed = metas.filter((meta) => !byRows.includes(meta)).map((meta) => `\`${meta.tableName}\``).sort();
  const sums = checksummed.length ? await conn.execute(`checksum table ${checksummed.join(', ')}`) : [];
  const rows = await Promise.all(byRows.map((meta) => meta.tableName).sort().map(rowsOf));
  return JSON.stringify([sums, rows]);
}
