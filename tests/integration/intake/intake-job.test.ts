import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import { createJobRunner, type JobRunner } from '../../../server/engine/job-runner.js';
import { Engine } from '../../../server/engine/index.js';
import { INTAKE_JOB } from '../../../server/engine/jobs.js';
import { sinkMailboxes } from '../../../server/mail/sink-mailbox.js';
import { classifyMessage } from '../../../server/mail/feedback/classify.js';
import { TransportPool } from '../../../server/mail/transport.js';
import { InboxSchema } from '../../../server/db/entities/index.js';

/**
 * The inbox's agenda job on a real job store: it reads the inbox when asked, and once the inbox
 * is removed it removes itself instead of coming back every few minutes for ever.
 */

let t: TestApp;
let dir: string;
let runner: JobRunner;
let engine: Engine;

beforeAll(async () => {
  t = await initTestApp();
  dir = await mkdtemp(join(tmpdir(), 'mailroom-intake-job-'));
  runner = await createJobRunner({ kind: 'embedded', dir: join(dir, 'jobs') }, { processEvery: 100 });
  const s = t.services;
  engine = new Engine(
    { orm: s.orm, secrets: s.secrets, transport: new TransportPool(), events: s.events, now: () => new Date(), wallClock: Date.now, random: Math.random, leaseMs: 60_000, mailboxes: sinkMailboxes(join(dir, 'mailboxes')), classify: classifyMessage },
    runner,
    { intakeRunMs: 100, reconcileEveryMs: 3_600_000 },
  );
  // Reconcile runs once at the start (and gives every inbox its job): let it finish before the
  // test makes one, or both might create the inbox's job at the same moment.
  const reconciled = new Promise<void>((ok) => runner.agenda.once('complete:reconcile', () => ok()));
  await runner.start();
  await engine.start();
  await reconciled;
}, 60_000);
afterAll(async () => {
  await engine.stop();
  await runner.stop();
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const jobsOf = async (inboxId: number) => (await runner.agenda.queryJobs({ name: INTAKE_JOB, data: { inboxId } })).jobs;
const ran = () => new Promise<void>((ok) => runner.agenda.once(`complete:${INTAKE_JOB}`, () => ok()));

it('reads an inbox when asked, and leaves no job behind once the inbox is gone', { timeout: 60_000 }, async () => {
  const owner = await t.factories.user('sales_manager', (await t.factories.department()).id);
  const account = await t.factories.account(owner);
  const inbox = await t.factories.inbox(account.id, { kind: 'sink', user: account.smtpUser });

  let done = ran();
  await engine.readInboxes([inbox.id]);
  await done;
  expect(await t.services.orm.em.fork().findOneOrFail(InboxSchema, { id: inbox.id })).toMatchObject({ health: 'ok' });
  expect(await jobsOf(inbox.id)).toHaveLength(1);

  await t.services.orm.em.fork().nativeDelete(InboxSchema, { id: inbox.id });
  done = ran();
  await engine.readInboxes([inbox.id]);
  await done;
  await expect.poll(() => jobsOf(inbox.id), { timeout: 5_000 }).toHaveLength(0);
});
