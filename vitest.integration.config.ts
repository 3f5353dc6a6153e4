import { defineConfig } from 'vitest/config';

// `pnpm test:integration`: the database and system suites against real servers — TimescaleDB
// (GW_TEST_DATABASE_URL) and Mosquitto (GW_TEST_MQTT_URL). .ci/run installs and starts both.
for (const key of ['GW_TEST_DATABASE_URL', 'GW_TEST_MQTT_URL']) {
  if (!process.env[key]) throw new Error(`${key} must be set for the integration suite (see .ci/run)`);
}

export default defineConfig({
  test: {
    include: ['server/test/**/*.test.ts', 'simulator/test/data/**/*.data.test.ts'],
    exclude: ['server/test/engine.test.ts', 'server/test/ingest.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
