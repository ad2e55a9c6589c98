import type { Em, Orm } from '../db/orm.js';
import type { Mailing } from '../db/entities/mailing.entity.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import type { Settings } from '../db/entities/settings.entity.js';
import type { Actor } from '../domain/visibility.js';
import type { AccountHealth } from '../domain/account-health.js';
import type { HealthDetail } from '../domain/health-detail.js';
import type { SmtpOutcome } from '../domain/smtp-outcome.js';
import { dbLedger } from '../db/repositories/engine-ledger.js';
import type { JobRunner } from './job-runner.js';
import type { Credentials, EngineContext, Ledger, Mailboxes } from './ports.js';
import { AccountCredentials } from '../mail/account-credentials.js';
import { AccessTokens } from '../mail/access-tokens.js';
import type { IntakeContext } from './intake.js';
import { AccountJobs, type EngineOptions } from './jobs.js';
import { createMailings, planMailings, type MailingRequest, type Preflight } from './create-mailings.js';
import * as ops from './operations.js';
import { sendTest } from './test-send.js';
import { rebindStranded } from './rebind.js';
import { accountPaces, type AccountPace, type PacedAccount } from '../read-models/account-paces.js';

/**
 * What the composition root hands the engine; the ledger defaults to the database's. Without a
 * mailbox reader and a classifier, inboxes are not read.
 */
export type EngineDeps = Omit<EngineContext, 'ledger' | 'unitOfWork' | 'credentials'> & { orm: Orm; ledger?: Ledger; credentials?: Credentials; mailboxes?: Mailboxes; classify?: IntakeContext['classify'] };

/** The engine's context, built the same way by boot.ts and by the tests' support. */
export const engineContext = ({ orm, ledger = dbLedger, credentials, mailboxes: _m, classify: _c, ...deps }: EngineDeps): EngineContext => ({
  ...deps,
  ledger,
  // Without one given, OAuth accounts refresh against the providers' own endpoints.
  credentials: credentials ?? new AccountCredentials(deps.secrets, new AccessTokens({ secrets: deps.secrets, now: deps.now })),
  unitOfWork: () => orm.em.fork(),
});

/**
 * The engine's front door, as Keila's `mailings.ex` is: everything the HTTP layer asks of the
 * engine, and the events and job wake-ups that follow from it. Built once by boot.ts; `runner`
 * is null in a web-only process, whose new work the workers' reconcile picks up instead.
 */
export class Engine {
  readonly ctx: EngineContext;
  /** The agenda side (account jobs and reconcile); null without a job runner. */
  readonly jobs: AccountJobs | null;

  constructor(deps: EngineDeps, runner: JobRunner | null = null, options: EngineOptions = {}) {
    this.ctx = engineContext(deps);
    const intake = deps.mailboxes && deps.classify ? { ...this.ctx, mailboxes: deps.mailboxes, classify: deps.classify } : null;
    this.jobs = runner ? new AccountJobs(this.ctx, runner, intake, options) : null;
  }

  /** Runs these accounts' jobs now; in a web-only process the workers' reconcile picks them up instead. */
  async wake(accountIds: number[]): Promise<void> {
    if (accountIds.length) await this.jobs?.wake(accountIds);
  }

  /** Everything creating these mailings would do, without writing: one report per recipient type. */
  plan(em: Em, actor: Actor, request: MailingRequest, settings: Settings): Promise<Preflight[]> {
    return planMailings(em, actor, request, settings, this.ctx.now());
  }

  /** Creates the mailings (none when a report has an error), tells watchers and wakes the accounts that got recipients. */
  async create(em: Em, actor: Actor & { departmentId: number }, request: MailingRequest, settings: Settings): Promise<{ mailings: Mailing[]; reports: Preflight[] }> {
    const now = this.ctx.now();
    const created = await createMailings(em, actor, request, settings, now);
    for (const m of created.mailings) this.ctx.events.emit({ type: 'mailing.status', mailingId: m.id, departmentId: actor.departmentId, ownerId: actor.id, status: m.status, reason: null, detail: null, at: now.toISOString() });
    await this.wake(created.reports.flatMap((r) => r.allocation.filter((a) => a.recipients > 0).map((a) => a.accountId)));
    return created;
  }

  pause(em: Em, mailing: Mailing, by: string): Promise<void> {
    return ops.pause(this.ctx, em, mailing, by);
  }

  async resume(em: Em, mailing: Mailing, by: string): Promise<void> {
    await this.wake(await ops.resume(this.ctx, em, mailing, by));
  }

  cancel(em: Em, mailing: Mailing, by: string): Promise<void> {
    return ops.cancel(this.ctx, em, mailing, by);
  }

  async restart(em: Em, mailing: Mailing, choice: ops.RestartChoice, by: string): Promise<{ requeued: number }> {
    const { requeued, accounts } = await ops.restart(this.ctx, em, mailing, choice, by);
    await this.wake(accounts);
    return { requeued };
  }

  async combine(em: Em, mailings: Mailing[], by: string): Promise<{ mailing: Mailing; moved: number; duplicates: number }> {
    const { accounts, ...result } = await ops.combine(this.ctx, em, mailings, by);
    await this.wake(accounts);
    return result;
  }

  sendTest(em: Em, mailingId: number, to: string, settings: Settings): Promise<SmtpOutcome & { messageId?: string }> {
    return sendTest(this.ctx, em, mailingId, to, settings);
  }

  /** After accounts change or go, the pending recipients they can no longer take move to their owners' other accounts. */
  async rebindOwners(em: Em, ownerIds: number[]): Promise<void> {
    for (const ownerId of new Set(ownerIds)) await this.wake(await rebindStranded(this.ctx, em, { ownerId }));
  }

  /** Each account's star, today's count in its zone and its next slot. */
  accountPaces(em: Em, accounts: PacedAccount[], settings: Settings): Promise<Map<number, AccountPace>> {
    return accountPaces(em, accounts, settings, this.ctx.now());
  }

  /** A user-run login check's verdict: stored on the account, told to watchers, and the owner's recipients rebound. */
  async recordHealth(em: Em, account: EmailAccount, health: AccountHealth, reason: string | null, detail: HealthDetail | null): Promise<void> {
    const now = this.ctx.now();
    em.assign(account, { health, healthReason: reason?.slice(0, 500) ?? null, healthDetail: detail, healthCheckedAt: now });
    await em.flush();
    this.ctx.events.emit({ type: 'account.health', accountId: account.id, departmentId: account.department.id, ownerId: account.owner.id, health: account.health, reason: account.healthReason ?? null, detail, at: now.toISOString() });
    await this.rebindOwners(em, [account.owner.id]);
  }

  /** Reads these inboxes now (created or changed); in a web-only process the workers' reconcile picks them up instead. */
  async readInboxes(inboxIds: number[]): Promise<void> {
    if (inboxIds.length) await this.jobs?.readInboxes(inboxIds);
  }

  async start(): Promise<void> {
    await this.jobs?.start();
  }

  /** A graceful stop: see AccountJobs.stop. */
  async stop(): Promise<void> {
    await this.jobs?.stop();
  }
}

export type { AccountPace, PacedAccount } from '../read-models/account-paces.js';
export type { MailingRequest, Preflight } from './create-mailings.js';
