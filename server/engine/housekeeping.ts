// Why this file exists: periodic clean-up (expired sessions, …) needs one schedule shared by every
// process. The work itself is injected by main.ts, so the engine does not depend on the database.
import type { JobRunner } from './job-runner.js';

export const HOUSEKEEPING_JOB = 'housekeeping';

/**
 * Defines the job and schedules it every 5 minutes. agenda's every() saves a 'single' job,
 * upserted by name, so each process calling this at start keeps exactly one schedule.
 */
export async function defineHousekeeping(runner: JobRunner, work: () => Promise<void>): Promise<void> {
  runner.agenda.define(HOUSEKEEPING_JOB, () => work());
  await runner.agenda.every('5 minutes', HOUSEKEEPING_JOB);
}
