// Migrations and repositories against a real wire-protocol database: embedded PGlite by default,
// TimescaleDB when GW_TEST_DATABASE_URL is set (.ci/run).
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNetwork, type OutageDto } from '@gridwatch/shared';
import { SQL_DIR, migrate } from '../src/db/migrate.ts';
import { importNetwork, loadNetwork } from '../src/db/network.ts';
import { listOutages, loadOpenOutages, upsertOutages } from '../src/db/outages.ts';
import { createPool, type Pool } from '../src/db/pool.ts';
import { countReadings, insertReadings } from '../src/db/telemetry.ts';
import { testDatabase, realDatabaseUrl, type TestResource } from './helpers.ts';

let db: TestResource;
let pool: Pool;
let timescaledb: string | null;

beforeAll(async () => {
  db = await testDatabase();
  pool = createPool(db.url, db.embedded ? 1 : 4);
  timescaledb = (await migrate(pool)).timescaledb;
});
afterAll(async () => {
  await pool?.end();
  await db?.close();
});

describe('migrations', () => {
  it('apply on this server and are a no-op the second time', async () => {
    if (realDatabaseUrl) expect(timescaledb).toMatch(/^\d+\.\d+/);
    else expect(timescaledb).toBeNull();
    const again = await migrate(pool);
    expect(again.applied).toEqual([]);
    const tables = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['substations', 'feeders', 'devices', 'transformers', 'customers', 'grids', 'teams', 'readings', 'meter_events', 'fault_events', 'contacts', 'dead_letters', 'outages']),
    );
  });

  it('make telemetry tables hypertables exactly when TimescaleDB is installed', async () => {
    if (timescaledb) {
      const h = await pool.query<{ hypertable_name: string }>('SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1');
      expect(h.rows.map((r) => r.hypertable_name)).toEqual(['fault_events', 'meter_events', 'readings']);
    } else {
      const ext = await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
      expect(ext.rowCount).toBe(0);
    }
  });

  it('refuse a landed migration that was edited afterwards', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gw-sql-'));
    await cp(SQL_DIR, dir, { recursive: true });
    const file = path.join(dir, '001_topology.sql');
    await writeFile(file, (await readFile(file, 'utf8')) + '\n-- edited\n');
    await expect(migrate(pool, () => {}, dir)).rejects.toThrow(/001_topology.sql was changed/);
  });

  it('support time bucketing with date_bin on both PostgreSQL and TimescaleDB', async () => {
    const r = await pool.query<{ b: number }>(`SELECT date_bin('15 minutes', '2026-11-27T08:07:00Z'::timestamptz, 'epoch'::timestamptz) AS b`);
    expect(r.rows[0]!.b).toBe(Date.parse('2026-11-27T08:00:00Z'));
  });
});

describe('repositories', () => {
  const network = generateNetwork({ substations: 1, feedersPerSubstation: 2, seed: 9 });

  it('import the network idempotently and load it back whole', async () => {
    expect(await importNetwork(pool, network)).toBe(true);
    expect(await importNetwork(pool, network)).toBe(false);
    const loaded = await loadNetwork(pool);
    expect(loaded!.network.customers).toHaveLength(network.customers.length);
    expect(loaded!.network.transformers[0]).toEqual([...network.transformers].sort((a, b) => a.id.localeCompare(b.id))[0]);
    expect(loaded!.network.feeders.find((f) => f.id === network.feeders[0]!.id)!.paths).toEqual(network.feeders[0]!.paths);
  });

  it('store a reading once however often it is delivered', async () => {
    const ts = Date.parse('2026-11-27T08:00:00Z');
    const rows = network.customers.slice(0, 50).map((c, i) => ({ ts, meter: c.meter, kwh: i / 10, v: 220 + (i % 5), i: null }));
    expect(await insertReadings(pool, rows)).toBe(50);
    expect(await insertReadings(pool, rows)).toBe(0);
    expect(await insertReadings(pool, [...rows.slice(0, 10), { ...rows[0]!, ts: ts + 900_000 }])).toBe(1);
    expect(await countReadings(pool, timescaledb !== null)).toBe(51);
  });

  it('upsert outages by id and read the open ones back', async () => {
    const t = network.transformers[0]!;
    const base: OutageDto = {
      id: 'OUT-test-1', status: 'probable', level: 'transformer', device: t.id, feeder: t.feeder, transformers: [t.id], customers: 12,
      startedAt: Date.parse('2026-11-27T08:00:00Z'), detectedAt: Date.parse('2026-11-27T08:00:05Z'), restoredAt: null, lon: t.lon, lat: t.lat,
      evidence: [{ ts: Date.parse('2026-11-27T08:00:00Z'), device: 'M1', kind: 'meter.power-off' }],
      parentId: null, etr: Date.parse('2026-11-27T12:00:00Z'), faultSection: null, steps: [{ at: Date.parse('2026-11-27T08:30:00Z'), customers: 4 }], restored: [],
    };
    await upsertOutages(pool, [base]);
    await upsertOutages(pool, [{ ...base, status: 'confirmed' }]);
    expect(await loadOpenOutages(pool)).toEqual([{ ...base, status: 'confirmed' }]);
    await upsertOutages(pool, [{ ...base, status: 'restored', restoredAt: base.startedAt + 3_600_000, etr: null, restored: [t.id] }]);
    expect(await loadOpenOutages(pool)).toEqual([]);
    expect((await listOutages(pool, 'all', 10)).map((o) => [o.status, o.restored, o.etr])).toEqual([['restored', [t.id], null]]);
  });
});
