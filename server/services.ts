import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import type { SecretBox } from './security/secret-box.js';
import type { JobRunner } from './engine/job-runner.js';
import type { DevSink } from './mail/dev-sink.js';
import type { Engine } from './engine/index.js';
import type { EventBus } from './live/event-bus.js';
import type { Transport } from './engine/ports.js';

/** What the composition root (main.ts) wires once and every layer reads from. */
export interface Services {
  config: Config;
  orm: Orm;
  secrets: SecretBox;
  jobs: JobRunner | null;
  sink: DevSink | null;
  /** The engine's front door; it runs account jobs only where there is a job runner (not in a web-only process). */
  engine: Engine;
  events: EventBus;
  transport: Transport;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
}
