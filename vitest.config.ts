import { defineConfig } from 'vitest/config';

// `pnpm test`: everything that runs on a fresh machine with only Node and pnpm (embedded PGlite
// and aedes). The real-server and browser suites have their own configs, run by .ci/run.
export default defineConfig({
  test: {
    include: ['shared/test/**/*.test.ts', 'server/test/**/*.test.ts', 'simulator/test/**/*.test.ts', 'web/src/**/*.test.ts', 'eval/test/**/*.test.ts'],
    // The real-data import tests read ../shared/data, which lives beside the clone in CI only; the
    // *.real.test.ts suites need servers several processes share (pnpm test:integration).
    exclude: ['**/node_modules/**', '**/*.data.test.ts', '**/*.real.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
