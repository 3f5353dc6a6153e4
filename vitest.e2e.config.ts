import { defineConfig } from 'vitest/config';

// `pnpm test:e2e`: the wall in headless Chromium against a running GridWatch. Needs
// /usr/bin/chromium (CHROMIUM_PATH to override); uses real servers when GW_TEST_* are set.
export default defineConfig({
  test: {
    include: ['server/e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
