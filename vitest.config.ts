import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Generous: process and browser tests share two cores; a timeout only guards against a hang.
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // MariaDB and the browser are shared; files use their own scratch databases, but two cores
    // cannot run many servers at once.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
