import { ConfigError, loadConfig } from './config.js';
import { boot } from './boot.js';

/** The composition root: read the environment, start the parts, stop them on a signal. */
let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`Configuration error: ${err.message}`);
  process.exit(1);
}

const running = await boot(config).catch((err: Error) => {
  console.error(`Mailroom failed to start: ${err.message}`);
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void running.close().then(() => process.exit(0));
  });
}
