import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import type { SecretBox } from './security/secret-box.js';
import type { JobRunner } from './engine/job-runner.js';
import type { DevSink } from './mail/dev-sink.js';

/** What the composition root (main.ts) wires once and every layer reads from. */
export interface Services {
  config: Config;
  orm: Orm;
  secrets: SecretBox;
  jobs: JobRunner | null;
  sink: DevSink | null;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
}
