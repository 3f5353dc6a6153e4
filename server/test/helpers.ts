// Test infrastructure: a database and a broker per test file. By default they are the embedded
// ones (PGlite in a temp folder, aedes on a free port); with GW_TEST_DATABASE_URL and
// GW_TEST_MQTT_URL (set by .ci/run) the same tests run against real TimescaleDB and Mosquitto,
// each file in a fresh database and under its own topic prefix.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool, type Pool } from '../src/db/pool.ts';
import type { Logger } from '../src/core.ts';
import { startEmbeddedBroker } from '../src/embedded/broker.ts';
import { startEmbeddedDatabase } from '../src/embedded/pglite.ts';

export const realDatabaseUrl = process.env.GW_TEST_DATABASE_URL || null;
export const realMqttUrl = process.env.GW_TEST_MQTT_URL || null;

export interface TestResource {
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

let counter = 0;
const unique = () => `${process.pid}_${Date.now().toString(36)}_${counter++}`;

export async function testDatabase(): Promise<TestResource> {
  if (realDatabaseUrl) {
    const name = `gw_t_${unique()}`;
    const admin = new pg.Client({ connectionString: realDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(realDatabaseUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      embedded: false,
      async close() {
        const c = new pg.Client({ connectionString: realDatabaseUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'gw-db-'));
  const db = await startEmbeddedDatabase(dir);
  return {
    url: db.url,
    embedded: true,
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function testBroker(): Promise<TestResource> {
  if (realMqttUrl) return { url: realMqttUrl, embedded: false, close: async () => {} };
  const broker = await startEmbeddedBroker('127.0.0.1', 0);
  return { url: broker.url, embedded: true, close: () => broker.close() };
}

/** A config for a server under test: free ports, no simulator, own topic prefix and client id. */
export async function testConfig(db: TestResource, broker: TestResource, overrides: Partial<Config> = {}): Promise<Config> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gw-data-'));
  const id = unique();
  return loadConfig(
    {},
    {
      host: '127.0.0.1',
      port: 0,
      databaseUrl: db.url,
      databasePoolMax: db.embedded ? 1 : 8,
      mqttUrl: broker.url,
      mqttClientId: `gw-test-${id}`,
      topicPrefix: `gwtest/${id}/v1`,
      dataDir,
      simulator: false,
      // Short holds keep tests quick; the rules are the same.
      outageHoldS: 0.5,
      outageCustomerSideHoldS: 2,
      outageDaHoldS: 1,
      ...overrides,
    },
  );
}

/** A migrated database and a pool on it, for a describe block; closed after it. */
export function migratedDatabase(): { pool: () => Pool } {
  let db: TestResource | undefined;
  let pool: Pool | undefined;
  beforeAll(async () => {
    db = await testDatabase();
    pool = createPool(db.url, db.embedded ? 1 : 4);
    await migrate(pool, () => {});
  });
  afterAll(async () => {
    await pool?.end();
    await db?.close();
  });
  return { pool: () => pool! };
}

export const quietLogger: Logger = { info: () => {}, warn: () => {}, error: (m) => console.error(m) };

/** Polls `probe` until it returns a truthy value or the time is up. */
export async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
