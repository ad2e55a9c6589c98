import { randomBytes } from 'node:crypto';
import type { Em } from '../orm.js';
import type { SecretBox } from '../../security/secret-box.js';
import { hashPassword } from '../../security/password.js';
import type { Role } from '../../domain/roles.js';
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
} from '../entities/index.js';
import { settingsRepository } from '../repositories/settings.repository.js';
import { SettingsSchema } from '../entities/settings.entity.js';
import { createMailings } from '../../engine/create-mailings.js';
import { seededRandom } from '../../domain/seeded-random.js';
import { DEMO_ANSWERS } from '../../mail/sink-responder.js';

/** The demo users; the README lists the same addresses. */
export const DEMO_USERS: { email: string; name: string; role: Role; department: 0 | 1 | null }[] = [
  { email: 'admin@mailroom.test', name: 'Ada Admin', role: 'admin', department: null },
  { email: 'ceo@mailroom.test', name: 'Carl Company-Manager', role: 'company_manager', department: null },
  { email: 'lead@mailroom.test', name: 'Tess Team-Lead', role: 'team_lead', department: 0 },
  { email: 'anna@mailroom.test', name: 'Anna Sales', role: 'sales_manager', department: 0 },
  { email: 'ben@mailroom.test', name: 'Ben Sales', role: 'sales_manager', department: 0 },
  { email: 'cleo@mailroom.test', name: 'Cleo Sales', role: 'sales_manager', department: 1 },
];

const DEPARTMENTS = ['Sales North', 'Sales South'];

/**
 * The demo opens every day around the clock and lets each account send about one message every
 * 30 seconds, so a newcomer sees a mailing progress within a minute, on any day of the week.
 */
const DEMO_DAILY_LIMIT = 2880;
const FIRST = ['Alice', 'Bruno', 'Chloe', 'Diego', 'Emma', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Luca', 'Mia', 'Nils', 'Olga', 'Pablo', 'Rosa', 'Sven', 'Tara', 'Yusuf'];
const LAST = ['Andersen', 'Bauer', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Horvat', 'Ivanova', 'Jensen', 'Kowalski', 'Lopez', 'Moreau', 'Novak', 'Oliveira', 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Weber'];
const WORDS = ['Alpine', 'Blue', 'Cedar', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lumen', 'Maple', 'Nova', 'Orbit', 'Pioneer', 'Quartz', 'River', 'Summit', 'Tidal'];
const TRADES = ['Logistics', 'Foods', 'Systems', 'Textiles', 'Energy', 'Robotics', 'Pharma', 'Media', 'Motors', 'Studios'];
const COUNTRIES = ['Germany', 'France', 'Spain', 'Italy', 'Poland', 'Netherlands', 'Sweden', 'Austria', 'Portugal', 'Denmark'];
const TITLES = ['CEO', 'CTO', 'Head of Purchasing', 'Office Manager', 'Marketing Lead', 'Buyer', null];

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

export interface DemoOptions {
  secrets: SecretBox;
  password?: string;
  sinkPort: number | null;
  now: Date;
}

/** Fills an empty database with a demo organisation; does nothing when any user exists. */
export async function seedDemo(em: Em, opts: DemoOptions): Promise<{ password: string; summary: string } | null> {
  if ((await em.count(UserSchema, {})) > 0) return null;
  const rnd = seededRandom(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const password = opts.password ?? randomBytes(9).toString('base64url');
  const passwordHash = await hashPassword(password);

  const departments = DEPARTMENTS.map((name) => em.create(DepartmentSchema, { name }));
  const users = DEMO_USERS.map((u) =>
    em.create(UserSchema, { email: u.email, name: u.name, role: u.role, passwordHash, department: u.department === null ? null : departments[u.department], timeZone: 'UTC' }),
  );
  const managers = users.filter((u) => u.role === 'sales_manager');

  for (const manager of managers) {
    const local = manager.email.split('@')[0];
    const department = manager.department!;
    const accounts = [
      { name: `${manager.name} (main)`, main: true, address: `${local}@mailroom.test` },
      { name: `${manager.name} (news 1)`, main: false, address: `${local}.news1@mailroom.test` },
      { name: `${manager.name} (news 2)`, main: false, address: `${local}.news2@mailroom.test` },
    ];
    for (const a of accounts) {
      const secret = opts.secrets.encrypt(randomBytes(12).toString('base64url'));
      const account = em.create(EmailAccountSchema, {
        owner: manager, department, name: a.name, fromName: manager.name, fromEmail: a.address,
        smtpHost: '127.0.0.1', smtpPort: opts.sinkPort ?? 2525, smtpSecurity: 'none', smtpUser: a.address, smtpPasswordEnc: secret,
        main: a.main, massMailEnabled: true, dailyLimit: DEMO_DAILY_LIMIT,
      });
      // Its bounces and replies land in the sink's mailbox for the same login.
      em.create(InboxSchema, { account, kind: 'sink', host: '127.0.0.1', port: opts.sinkPort ?? 2525, security: 'none', user: a.address, passwordEnc: secret, folders: ['INBOX'] });
    }
    const signature = em.create(SignatureSchema, {
      name: 'Standard', format: 'html', isDefault: true, owner: manager, department,
      body: `<p>Kind regards,<br><strong>${manager.name}</strong><br>Mailroom Demo Ltd · +49 30 1234567</p>`,
    });
    em.create(MessageSchema, {
      name: 'Autumn product update', subject: 'What is new this autumn, {{ name }}', owner: manager, department, signature,
      html: '<h1>Hello {{ name }},</h1><p>Our autumn range is here: faster delivery, new colours and a 10% launch discount for our customers.</p><p><a href="https://example.com/autumn">See what is new</a></p><p style="font-size:12px;color:#666">Not interested? <a href="{{ unsubscribe_url }}">Unsubscribe</a>.</p>',
      text: 'Hello {{ name }},\n\nOur autumn range is here: faster delivery, new colours and a 10% launch discount.\nSee what is new: https://example.com/autumn\n\nUnsubscribe: {{ unsubscribe_url }}',
    });
  }

  const created = (daysAgo: number) => new Date(opts.now.getTime() - daysAgo * 86_400_000);
  const flags = () => ({ vip: rnd() < 0.1, massMailing: rnd() >= 0.08, country: pick(COUNTRIES), createdAt: created(Math.floor(rnd() * 365)) });
  const companies = Array.from({ length: 200 }, (_, i) => {
    const owner = managers[i % managers.length];
    const name = `${pick(WORDS)} ${pick(TRADES)} ${i + 1}`;
    return em.create(CompanySchema, { ...flags(), name, email: `info@${slug(name)}.example.com`, website: `https://${slug(name)}.example.com`, owner, department: owner.department! });
  });
  // Among Anna's first contacts (mailed first by her running mailing), the sink answers for some:
  // two unknown users, a full mailbox, an out-of-office and a real reply (sink-responder.ts).
  const answering = ['no-such-user', 'mailbox-full', 'on-holiday', 'happy-customer', 'no-such-user'] satisfies (keyof typeof DEMO_ANSWERS)[];
  for (let i = 0; i < 400; i++) {
    const company = companies[i % companies.length];
    const [first, last] = [pick(FIRST), pick(LAST)];
    const answers = company.owner.unwrap() === managers[0] ? answering.shift() : undefined;
    em.create(ContactSchema, {
      ...flags(), firstName: first, lastName: last, title: pick(TITLES), company, owner: company.owner, department: company.department,
      email: `${answers ? `${answers}.` : ''}${slug(first)}.${slug(last)}${i}@${slug(company.name)}.example.com`,
      ...(answers ? { massMailing: true, vip: false } : {}),
    });
  }
  for (let i = 0; i < 100; i++) {
    const owner = managers[i % managers.length];
    const [first, last] = [pick(FIRST), pick(LAST)];
    const companyName = `${pick(WORDS)} ${pick(TRADES)}`;
    em.create(LeadSchema, {
      ...flags(), firstName: first, lastName: last, title: pick(TITLES), companyName, disqualified: rnd() < 0.05, owner, department: owner.department!,
      email: i % 25 === 24 ? null : `${slug(first)}.${slug(last)}${i}@${slug(companyName)}.example.org`,
    });
  }
  await em.flush();
  await em.nativeUpdate(SettingsSchema, { id: 1 }, { windowStart: '00:00', windowEnd: '23:59', businessDays: [1, 2, 3, 4, 5, 6, 7] });

  // Anna's newsletter to her contacts is already running when the demo opens.
  const anna = managers[0];
  const annaMessage = await em.findOneOrFail(MessageSchema, { owner: anna });
  await createMailings(em, { id: anna.id, role: anna.role, departmentId: anna.department!.id }, { messageId: annaMessage.id, selections: { contact: { filter: {} } }, start: 'active' }, await settingsRepository.get(em, ''), opts.now);

  const summary = [
    'Demo data created. Sign in with any of these (password for all: ' + password + '):',
    ...DEMO_USERS.map((u) => `  ${u.email.padEnd(24)} ${u.role}${u.department === null ? '' : ` · ${DEPARTMENTS[u.department]}`}`),
  ].join('\n');
  return { password, summary };
}
