import type { DomainEvent } from '../../server/domain/events.js';
import { Engine } from '../../server/engine/index.js';
import type { Credentials } from '../../server/engine/ports.js';
import { runAccount } from '../../server/engine/scheduler.js';
import { TransportPool } from '../../server/mail/transport.js';
import { seededRandom } from '../../server/domain/seeded-random.js';
import { SettingsSchema } from '../../server/db/entities/settings.entity.js';
import type { TestApp } from './test-app.js';
import { createMailings } from '../../server/engine/create-mailings.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import { attachmentsDirOf } from '../../server/db/attachment-files.js';

/** A clock a test moves by hand: the engine's pacing runs in simulated time. */
export class TestClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  advance = async (ms: number) => {
    this.t += ms;
  };
}

/**
 * The engine's context on a test app: a hand-moved clock, a seeded random, the real pooled
 * transport and a recorder of every domain event.
 */
export function testEngine(t: TestApp, clock: TestClock, opts: { leaseMs?: number; smtpTimeoutMs?: number; credentials?: Credentials } = {}) {
  const events: DomainEvent[] = [];
  const transport = new TransportPool({ timeoutMs: opts.smtpTimeoutMs ?? 5_000 });
  // Built as boot.ts builds it, without a job runner: the test starts each run itself.
  const { ctx } = new Engine({
    orm: t.services.orm, secrets: t.services.secrets, transport, now: clock.now, wallClock: Date.now, random: seededRandom(7),
    leaseMs: opts.leaseMs ?? 60_000, attachmentsDir: attachmentsDirOf(t.services.config.dataDir), events: { emit: (e) => events.push(e) }, credentials: opts.credentials,
  });
  return {
    ctx,
    events,
    /** One run of an account's job, as agenda would start it, with sleeps turned into clock moves. */
    runOnce: (accountId: number) => runAccount(ctx, accountId, { deadline: ctx.wallClock() + 60_000, sleep: clock.advance }),
    /**
     * Runs an account's job again and again, moving the clock to each next slot, until it has
     * nothing left to send (or `until`); returns the last answer of runAccount.
     */
    async run(accountId: number, until = clock.t + 7 * 86_400_000): Promise<Date | null> {
      for (let i = 0; i < 10_000; i++) {
        const next = await runAccount(ctx, accountId, { deadline: ctx.wallClock() + 60_000, sleep: clock.advance });
        if (!next || next.getTime() > until) return next;
        clock.t = Math.max(clock.t, next.getTime());
      }
      throw new Error('the account never ran out of work');
    },
    close: () => transport.closeAll(),
  };
}

/** Opens every day from 00:00 to 23:59 so a test's sends are never held back by the calendar. */
export async function alwaysOpen(t: TestApp) {
  await t.services.orm.em.fork().nativeUpdate(SettingsSchema, { id: 1 }, { windowStart: '00:00', windowEnd: '23:59', businessDays: [1, 2, 3, 4, 5, 6, 7] });
}

/**
 * A fresh sales manager with regular accounts (room to spare today) logging in to the sink as
 * `users`, and an active mailing to `companies` companies at `@domain` (its message's HTML stored
 * as given, unchecked, when `html` is set). Returns the mailing's id.
 */
export async function activeMailingOnSink(t: TestApp, sinkPort: number, opts: { users: string[]; companies: number; domain: string; html?: string }): Promise<number> {
  const dept = await t.factories.department();
  const owner = await t.factories.user('sales_manager', dept.id);
  for (const user of opts.users) await t.factories.account(owner, { smtpPort: sinkPort, smtpUser: user, fromEmail: user, dailyLimit: 1_000_000 });
  const ids: number[] = [];
  for (let i = 0; i < opts.companies; i++) ids.push((await t.factories.company(owner, { email: `c${i}@${opts.domain}` })).id);
  const message = await t.factories.message(owner, { html: opts.html ?? '<p>Hello {{ name }}</p><a href="{{ unsubscribe_url }}">unsubscribe</a>' });
  const em = t.services.orm.em.fork();
  const actor = { id: owner.id, role: 'sales_manager' as const, departmentId: dept.id };
  const { mailings, reports } = await createMailings(em, actor, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, await settingsRepository.get(em, ''), new Date());
  if (reports[0].errors.length) throw new Error(reports[0].errors.join('; '));
  return mailings[0].id;
}
