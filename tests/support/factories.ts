import type { Orm } from '../../server/db/orm.js';
import type { SecretBox } from '../../server/security/secret-box.js';
import { hashPassword } from '../../server/security/password.js';
import type { Role } from '../../server/domain/roles.js';
import {
  CompanySchema,
  ContactSchema,
  DepartmentSchema,
  EmailAccountSchema,
  InboxSchema,
  LeadSchema,
  MessageSchema,
  SignatureSchema,
  UserSchema,
} from '../../server/db/entities/index.js';
import type { User } from '../../server/db/entities/user.entity.js';

let seq = 0;
const next = () => ++seq;

/** Builds rows straight through the ORM, so a test states only what it cares about. */
export class Factories {
  private hash: Promise<string>;

  constructor(
    private readonly orm: Orm,
    private readonly secrets: SecretBox,
    password: string,
  ) {
    this.hash = hashPassword(password);
  }

  private get em() {
    return this.orm.em.fork();
  }

  async department(name = `Dept ${next()}`) {
    const em = this.em;
    const d = em.create(DepartmentSchema, { name });
    await em.flush();
    return d;
  }

  async user(role: Role, departmentId: number | null, over: Partial<{ email: string; name: string; active: boolean }> = {}) {
    const em = this.em;
    const n = next();
    const u = em.create(UserSchema, {
      email: over.email ?? `${role}${n}@test.local`,
      name: over.name ?? `${role} ${n}`,
      role,
      passwordHash: await this.hash,
      department: departmentId === null ? null : em.getReference(DepartmentSchema, departmentId),
      active: over.active ?? true,
    });
    await em.flush();
    return u;
  }

  private ownedBy(em: ReturnType<Orm['em']['fork']>, owner: User) {
    return { owner: em.getReference(UserSchema, owner.id), department: em.getReference(DepartmentSchema, owner.department!.id) };
  }

  async company(owner: User, over: Record<string, unknown> = {}) {
    const em = this.em;
    const n = next();
    const c = em.create(CompanySchema, { name: `Company ${n}`, email: `info${n}@company.test`, ...this.ownedBy(em, owner), ...over });
    await em.flush();
    return c;
  }

  async contact(owner: User, companyId: number, over: Record<string, unknown> = {}) {
    const em = this.em;
    const n = next();
    const c = em.create(ContactSchema, { firstName: `First${n}`, lastName: `Last${n}`, email: `contact${n}@company.test`, company: em.getReference(CompanySchema, companyId), ...this.ownedBy(em, owner), ...over });
    await em.flush();
    return c;
  }

  async lead(owner: User, over: Record<string, unknown> = {}) {
    const em = this.em;
    const n = next();
    const l = em.create(LeadSchema, { firstName: `Lead${n}`, lastName: `Person${n}`, email: `lead${n}@lead.test`, ...this.ownedBy(em, owner), ...over });
    await em.flush();
    return l;
  }

  async account(owner: User, over: Record<string, unknown> = {}) {
    const em = this.em;
    const n = next();
    const a = em.create(EmailAccountSchema, {
      name: `Account ${n}`, fromName: owner.name, fromEmail: `sender${n}@mail.test`, smtpHost: '127.0.0.1', smtpPort: 2525,
      smtpSecurity: 'none', smtpUser: `sender${n}@mail.test`, smtpPasswordEnc: this.secrets.encrypt(`secret-${n}`),
      dailyLimit: 94, ...this.ownedBy(em, owner), ...over,
    });
    await em.flush();
    return a;
  }

  /** The account's incoming side: an IMAP mailbox (on a port nothing need listen on unless the test says). */
  async inbox(accountId: number, over: Record<string, unknown> = {}) {
    const em = this.em;
    const n = next();
    const i = em.create(InboxSchema, {
      account: em.getReference(EmailAccountSchema, accountId), host: '127.0.0.1', port: 143, security: 'none', user: `reader${n}@mail.test`,
      passwordEnc: this.secrets.encrypt(`imap-secret-${n}`), folders: ['INBOX'], ...over,
    });
    await em.flush();
    return i;
  }

  async signature(owner: User, over: Record<string, unknown> = {}) {
    const em = this.em;
    const s = em.create(SignatureSchema, { name: `Signature ${next()}`, format: 'html', body: '<p>Regards</p>', ...this.ownedBy(em, owner), ...over });
    await em.flush();
    return s;
  }

  async message(owner: User, over: Record<string, unknown> = {}) {
    const em = this.em;
    const m = em.create(MessageSchema, { name: `Message ${next()}`, subject: 'Hello {{ name }}', html: '<p>Hi {{ name }}</p>', ...this.ownedBy(em, owner), ...over });
    await em.flush();
    return m;
  }
}
