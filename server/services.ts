import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import type { SecretBox } from './security/secret-box.js';
import type { JobRunner } from './engine/job-runner.js';
import type { DevSink } from './mail/dev-sink.js';
import type { Engine } from './engine/jobs.js';
import type { EventBus } from './live/event-bus.js';
import type { Transport } from './engine/ports.js';

/** What the composition root (main.ts) wires once and every layer reads from. */
export interface Services {
  config: Config;
  orm: Orm;
  secrets: SecretBox;
  jobs: JobRunner | null;
  sink: DevSink | null;
  /** The sending engine; null in a web-only process (the worker's reconcile picks new work up). */
  engine: Engine | null;
  events: EventBus;
  transport: Transport;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
}
