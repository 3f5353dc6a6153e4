// Ingest throughput, end to end, beside the raw rates of the same database and broker on the same
// machine in the same run (ratios hold on a noisy machine where absolute figures do not):
//   1. raw database: COPY of the very rows the run publishes into a table like `readings` (same
//      key and index, a hypertable too where TimescaleDB is installed) — no broker, no validation;
//   2. batches end to end: concentrator messages of --batch readings each, published at QoS 1 by
//      --publishers clients as fast as the broker acknowledges, until every reading is a committed
//      row (the server's own count of rows it added); readings/s and its ratio to 1;
//   3. raw broker: the broker's own publish → subscribe rate for single small QoS 1 messages;
//   4. single readings end to end: the same, one reading per message, into committed rows;
//      messages/s and its ratio to 3.
//
//   pnpm bench:ingest [--meters 100000] [--readings 2000000] [--batch 100] [--area-meters 100] [--single 100000] [--publishers 4] [--json]
//
// Uses DATABASE_URL / MQTT_URL when set (TimescaleDB + Mosquitto; a fresh database per run), else
// the embedded parts (PGlite and aedes in the server process): report those apart.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generateNetwork, topics } from '@gridwatch/shared';
import { saveNetworkFile } from '@gridwatch/shared/node';
import { ROOT, freshDatabase, startServer } from './serverProcess.ts';

const { values } = parseArgs({
  options: {
    meters: { type: 'string', default: '100000' },
    readings: { type: 'string', default: '2000000' },
    batch: { type: 'string', default: '100' },
    single: { type: 'string', default: '100000' },
    publishers: { type: 'string', default: '4' },
    'area-meters': { type: 'string', default: '100' },
    /** QoS 1 messages each publisher keeps unacknowledged at most. */
    inflight: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
    port: { type: 'string', default: '3410' },
  },
});
const METERS = Number(values.meters);
const READINGS = Number(values.readings);
const BATCH = Number(values.batch);
const SINGLE = Number(values.single);
const PUBLISHERS = Number(values.publishers);
const AREA_METERS = Number(values['area-meters']);
const INFLIGHT = Number(values.inflight);
const PORT = Number(values.port);
const log = (m: string) => process.stderr.write(`[ingest] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

// ── the network and the rows ──────────────────────────────────────────────────────────────
const dir = path.join(ROOT, '.gridwatch', 'bench-ingest');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const generated = generateNetwork({ meters: METERS, seed: 11, id: 'bench-ingest', name: `bench ${METERS}` });
// The issue's concentrator batches hold ~100 readings: station areas of --area-meters meters (an
// urban 台区 of a few buildings), made by regrouping the generated meters in order.
const network = { ...generated, customers: generated.customers.map((c, k) => ({ ...c, transformer: generated.transformers[Math.floor(k / AREA_METERS)]!.id })) };
network.transformers = generated.transformers.slice(0, Math.ceil(METERS / AREA_METERS));
const file = path.join(dir, 'network.json.gz');
saveNetworkFile(file, network);
const byArea = new Map<string, string[]>();
for (const c of network.customers) (byArea.get(c.transformer) ?? byArea.set(c.transformer, []).get(c.transformer)!).push(c.meter);
log(`network: ${network.transformers.length} station areas, ${network.customers.length} meters`);

/**
 * Concentrator messages covering READINGS readings: pass after pass over every station area, a
 * quarter hour apart (so every reading is a new row), cut into messages of at most `size`.
 */
function plan(total: number, size: number, startMs: number): { topic: string; ts: number; meters: string[] }[] {
  const out: { topic: string; ts: number; meters: string[] }[] = [];
  const t = topics('gw/v1');
  let left = total;
  for (let pass = 0; left > 0; pass++) {
    const ts = startMs + pass * 900_000;
    for (const [area, meters] of byArea) {
      for (let i = 0; i < meters.length && left > 0; i += size) {
        const part = meters.slice(i, Math.min(i + size, i + left));
        out.push({ topic: t.readings(area), ts, meters: part });
        left -= part.length;
      }
      if (left <= 0) break;
    }
  }
  return out;
}
const kwh = (meter: string, ts: number) => ((meter.length * 131 + ts / 900_000) % 9000) / 10;
const encode = (m: { ts: number; meters: string[] }) => Buffer.from(JSON.stringify({ ts: m.ts, interval_s: 900, readings: m.meters.map((meter) => ({ meter, kwh: kwh(meter, m.ts), v: 221.5 })) }));

// Readings from 6 days ago onwards (inside MAX_PAST_AGE_S), so the passes never reach the future.
const batchStart = Math.floor((Date.now() - 6 * 86_400_000) / 900_000) * 900_000;
const batches = plan(READINGS, BATCH, batchStart);
const singleStart = batchStart + Math.ceil(READINGS / METERS + 1) * 900_000;
const singles = plan(SINGLE, 1, singleStart);
log(`plan: ${READINGS.toLocaleString('en')} readings in ${batches.length.toLocaleString('en')} messages of ≤ ${BATCH}; ${singles.length.toLocaleString('en')} single-reading messages`);

// ── a fresh database per run, the server ──────────────────────────────────────────────────
const databaseUrl = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'gw_bench_ingest') : '';
const embedded = !databaseUrl;
const embeddedMqttPort = 18910;
const mqttUrl = process.env.MQTT_URL || `mqtt://127.0.0.1:${embeddedMqttPort}`;
const server = startServer({ network: file, port: PORT, mqttPort: embeddedMqttPort, dataDir: dir, databaseUrl: databaseUrl || null, clientId: `gridwatch-bench-ingest-${Date.now()}` });
const base = `http://127.0.0.1:${PORT}`;
const waitFor = server.waitFor;
await waitFor(async () => (await fetch(`${base}/api/health`)).status === 200, 300_000, 'server health');
log(`server up (${embedded ? 'embedded PGlite and aedes' : 'DATABASE_URL and MQTT_URL'})`);

/** The server's own counters: rows it added, and messages it dead-lettered. */
async function counters(): Promise<{ stored: number; dead: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const pick = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { stored: pick('gridwatch_readings_stored_total'), dead: pick('gridwatch_dead_letters_total') };
}

// ── 1. raw database: COPY of the same rows ────────────────────────────────────────────────
async function rawCopy(url: string): Promise<{ rows: number; ms: number; perSec: number; timescale: boolean }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const timescale = (await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`)).rowCount === 1;
    await client.query('DROP TABLE IF EXISTS bench_raw_readings');
    await client.query('CREATE TABLE bench_raw_readings (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)');
    if (timescale) await client.query(`SELECT create_hypertable('bench_raw_readings', 'ts', chunk_time_interval => interval '1 day')`);
    // The text is built before the clock starts: what is timed is the database taking rows.
    const chunks: string[] = [];
    let part = '';
    for (const m of batches) {
      const at = new Date(m.ts).toISOString();
      for (const meter of m.meters) part += `${at}\t${meter}\t${kwh(meter, m.ts)}\t221.5\t\\N\n`;
      if (part.length > 1 << 20) {
        chunks.push(part);
        part = '';
      }
    }
    if (part) chunks.push(part);
    const t0 = performance.now();
    await pipeline(Readable.from(chunks), client.query(copyFrom('COPY bench_raw_readings (ts, meter, kwh, v, i) FROM STDIN')));
    const ms = performance.now() - t0;
    const rows = Number((await client.query('SELECT count(*) AS n FROM bench_raw_readings')).rows[0].n);
    await client.query('DROP TABLE bench_raw_readings');
    return { rows, ms: round(ms), perSec: round((rows / ms) * 1000), timescale };
  } finally {
    await client.end();
  }
}

// ── publishing ────────────────────────────────────────────────────────────────────────────
async function connectMany(n: number, tag: string): Promise<MqttClient[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => mqtt.connectAsync(mqttUrl, { clientId: `bench-${tag}-${i}-${process.pid}`, clean: true })));
}

/** Publishes every payload at QoS 1, spread over the clients, each with at most INFLIGHT unacknowledged. */
async function publishAll(clients: MqttClient[], msgs: { topic: string; payload: Buffer }[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, k) => {
      const mine = msgs.filter((_, i) => i % clients.length === k);
      let next = 0;
      const lane = async () => {
        while (next < mine.length) {
          const m = mine[next++]!;
          await c.publishAsync(m.topic, m.payload, { qos: 1 });
        }
      };
      await Promise.all(Array.from({ length: INFLIGHT }, lane));
    }),
  );
  return performance.now() - t0;
}

/** Publishes, then waits until the server has added `expected` rows more than `before`. */
async function endToEnd(name: string, msgs: { topic: string; payload: Buffer }[], expected: number) {
  const before = await counters();
  const clients = await connectMany(PUBLISHERS, name);
  const t0 = performance.now();
  const publishMs = await publishAll(clients, msgs);
  let last = before;
  await waitFor(
    async () => {
      last = await counters();
      return last.stored - before.stored >= expected;
    },
    600_000,
    `${expected} ${name} rows committed (have ${last.stored - before.stored})`,
  ).catch(async (err) => {
    log(String(err).split('\n')[0]!);
  });
  const ms = performance.now() - t0;
  await Promise.all(clients.map((c) => c.endAsync()));
  const stored = last.stored - before.stored;
  return { messages: msgs.length, readings: expected, stored, deadLetters: last.dead - before.dead, publishMs: round(publishMs), ms: round(ms) };
}

// ── 3. raw broker: publish → subscribe of small QoS 1 messages ────────────────────────────
async function rawBroker(n: number): Promise<{ messages: number; ms: number; perSec: number }> {
  const [sub] = await connectMany(1, 'raw-sub');
  const topic = `bench/raw/${process.pid}`;
  await sub!.subscribeAsync(topic, { qos: 1 });
  let got = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  sub!.on('message', () => {
    if (++got === n) done();
  });
  const payloads = singles.slice(0, n).map((m) => ({ topic, payload: encode(m) }));
  const pubs = await connectMany(PUBLISHERS, 'raw-pub');
  const t0 = performance.now();
  await publishAll(pubs, payloads);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, 300_000)))]);
  clearTimeout(timer);
  const ms = performance.now() - t0;
  await Promise.all([...pubs, sub!].map((c) => c.endAsync()));
  return { messages: got, ms: round(ms), perSec: round((got / ms) * 1000) };
}

// ── go ────────────────────────────────────────────────────────────────────────────────────
try {
  // The embedded PGlite takes one connection, the server's: its raw rate is not measured.
  const raw = databaseUrl ? await rawCopy(databaseUrl) : null;
  if (raw) log(`1/4 raw database: COPY of the same ${raw.rows.toLocaleString('en')} rows in ${raw.ms} ms: ${raw.perSec.toLocaleString('en')} rows/s${raw.timescale ? ' (hypertable)' : ''}`);
  else log('1/4 raw database: skipped (embedded PGlite serves one connection)');

  log(`2/4 batches of ${BATCH} end to end`);
  const batchMsgs = batches.map((m) => ({ topic: m.topic, payload: encode(m) }));
  const e2e = await endToEnd('batch', batchMsgs, READINGS);
  const e2eRate = round((e2e.stored / e2e.ms) * 1000);
  log(`    ${e2e.stored.toLocaleString('en')} of ${READINGS.toLocaleString('en')} readings committed in ${e2e.ms} ms (published in ${e2e.publishMs} ms): ${e2eRate.toLocaleString('en')} readings/s${raw ? `, ${round(e2eRate / raw.perSec, 2)} of raw` : ''}`);

  log('3/4 raw broker: publish → subscribe, single small messages');
  const broker = await rawBroker(SINGLE);
  log(`    ${broker.messages.toLocaleString('en')} messages in ${broker.ms} ms: ${broker.perSec.toLocaleString('en')} msg/s`);

  log('4/4 single readings end to end');
  const singleMsgs = singles.map((m) => ({ topic: m.topic, payload: encode(m) }));
  const one = await endToEnd('single', singleMsgs, SINGLE);
  const oneRate = round((one.stored / one.ms) * 1000);
  log(`    ${one.stored.toLocaleString('en')} of ${SINGLE.toLocaleString('en')} committed in ${one.ms} ms: ${oneRate.toLocaleString('en')} msg/s, ${round(oneRate / broker.perSec, 2)} of the broker's`);

  const result = {
    bench: 'ingest',
    backend: embedded ? 'embedded (PGlite, aedes)' : 'DATABASE_URL / MQTT_URL',
    meters: METERS,
    raw: { copyRowsPerSec: raw?.perSec ?? null, rows: raw?.rows ?? null, hypertable: raw?.timescale ?? null, brokerMsgsPerSec: broker.perSec },
    batches: { batch: BATCH, publishers: PUBLISHERS, readings: READINGS, stored: e2e.stored, deadLetters: e2e.deadLetters, ms: e2e.ms, readingsPerSec: e2eRate, ratioToCopy: raw ? round(e2eRate / raw.perSec, 3) : null },
    singles: { messages: SINGLE, stored: one.stored, deadLetters: one.deadLetters, ms: one.ms, messagesPerSec: oneRate, ratioToBroker: round(oneRate / broker.perSec, 3) },
    targets: {
      readingsPerSec: { target: 100_000, met: e2eRate >= 100_000 },
      ratioToCopy: { target: 0.7, met: raw ? e2eRate / raw.perSec >= 0.7 : null },
      noneLost: { met: e2e.stored === READINGS && one.stored === SINGLE },
    },
  };
  if (values.json) console.log(JSON.stringify(result));
} finally {
  await server.stop();
}
process.exit(0);
