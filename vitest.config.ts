import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // MariaDB and the browser are shared; files use their own scratch databases, but two cores
    // cannot run many servers at once.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
