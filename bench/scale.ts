// Scale (issue 8): a synthetic network of a million meters in a real GridWatch server process.
// Measures the time from spawn to /api/health 200 on the first start (network import) and on a
// second start (network already in the database), the server's resident memory (VmRSS, VmHWM)
// after each start and after a few minutes of traffic (readings of every meter, a few hundred
// laterals dark), and what a wall downloads on first load: the Socket.IO snapshot and the map
// (GET /api/network/map, plus the station areas of the outages one by one when the map is
// aggregated), uncompressed and as served (gzip / brotli).
//
//   pnpm bench:scale [--meters 1000000] [--traffic-s 180] [--dark-laterals 300] [--json]
//
// Uses DATABASE_URL (a fresh database on that server, dropped at the end) when set, else
// embedded PGlite; the embedded MQTT broker unless MQTT_URL is set. The network file is cached
// under .gridwatch/bench-scale/ (keyed by meters, seed and the generator's source). Memory in MiB.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';
import mqtt from 'mqtt';
import pg from 'pg';
import { io } from 'socket.io-client';
import { EVENT_CODE, generateNetwork, topics, type MapNetwork, type NetworkFile, type Snapshot } from '@gridwatch/shared';
import { saveNetworkFile } from '@gridwatch/shared/node';
import { ROOT, freshDatabase, startServer, type ServerProcess } from './serverProcess.ts';

const { values } = parseArgs({
  options: {
    meters: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '7' },
    'traffic-s': { type: 'string', default: '180' },
    'dark-laterals': { type: 'string', default: '300' },
    json: { type: 'boolean', default: false },
    port: { type: 'string', default: '3700' },
    'mqtt-port': { type: 'string', default: '18700' },
  },
});
const METERS = Number(values.meters);
const SEED = Number(values.seed);
const TRAFFIC_S = Number(values['traffic-s']);
const DARK_LATERALS = Number(values['dark-laterals']);
const PORT = Number(values.port);
const MQTT_PORT = Number(values['mqtt-port']);
const RSS_TARGET_MB = 1536;
const WALL_TARGET_BYTES = 2 * 1024 * 1024;
const log = (m: string) => process.stderr.write(`[scale] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number) => Math.round(bytes / 104857.6) / 10;
const fmtMB = (bytes: number) => `${(bytes / 1048576).toFixed(2)} MiB`;

// ── the network (cached) ────────────────────────────────────────────────────────────────────
const dir = path.join(ROOT, '.gridwatch', 'bench-scale');
mkdirSync(dir, { recursive: true });
const genSource = createHash('sha256').update(readFileSync(path.join(ROOT, 'shared/src/generate.ts'))).digest('hex').slice(0, 8);
const file = path.join(dir, `network-${METERS}-s${SEED}-${genSource}.json.gz`);
let t = performance.now();
const network: NetworkFile = generateNetwork({ meters: METERS, seed: SEED, id: `scale-${METERS}`, name: `Scale benchmark, ${METERS.toLocaleString('en-US')} meters` });
const generateMs = Math.round(performance.now() - t);
if (!existsSync(file)) {
  t = performance.now();
  saveNetworkFile(file, network);
  log(`network file written in ${Math.round(performance.now() - t)} ms`);
}
const fileBytes = statSync(file).size;
const jsonBytes = Buffer.byteLength(JSON.stringify(network));
log(`network: ${network.substations.length} substations, ${network.feeders.length} feeders, ${network.transformers.length} station areas, ${network.customers.length} meters; generated in ${generateMs} ms; file ${fmtMB(fileBytes)} gzip (${fmtMB(jsonBytes)} JSON)`);
const areasByFuse = new Map<string, string[]>();
const metersOf = new Map<string, string[]>();
for (const tf of network.transformers) {
  (areasByFuse.get(tf.device) ?? areasByFuse.set(tf.device, []).get(tf.device)!).push(tf.id);
  metersOf.set(tf.id, []);
}
for (const c of network.customers) metersOf.get(c.transformer)!.push(c.meter);
const concentratorOf = new Map(network.transformers.map((x) => [x.id, x.concentrator]));

// ── the server ──────────────────────────────────────────────────────────────────────────────
const databaseUrl = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'gw_scale') : null;
rmSync(path.join(dir, 'pglite'), { recursive: true, force: true });
const database = databaseUrl ? 'postgres' : 'pglite';
log(`database: ${databaseUrl ? `${new URL(databaseUrl).pathname.slice(1)} on DATABASE_URL's server` : `embedded PGlite in ${dir}/pglite`}`);

interface Memory {
  rssMB: number;
  hwmMB: number;
  heapMB: number | null;
  externalMB: number | null;
}

/** VmRSS and VmHWM of a process, and its V8 heap and external memory from /metrics. */
async function memory(pid: number): Promise<Memory> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const metrics = await fetch(`http://127.0.0.1:${PORT}/metrics`).then((r) => r.text()).catch(() => '');
  const metric = (name: string) => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics);
    return m ? mib(Number(m[1])) : null;
  };
  return { rssMB: Math.round(kb('VmRSS') / 1024), hwmMB: Math.round(kb('VmHWM') / 1024), heapMB: metric('nodejs_heap_used_bytes'), externalMB: metric('nodejs_external_memory_bytes') };
}

interface Start {
  server: ServerProcess;
  healthMs: number;
  /** The server's own figure for the network import, when it logged one. */
  importMs: number | null;
  memory: Memory;
}

async function start(label: string): Promise<Start> {
  const t0 = performance.now();
  const server = startServer({ network: file, port: PORT, mqttPort: MQTT_PORT, dataDir: dir, databaseUrl, clientId: `gridwatch-scale-${Date.now()}` });
  await server.waitFor(async () => (await fetch(`http://127.0.0.1:${PORT}/api/health`)).status === 200, 1_800_000, `${label}: server health`);
  const healthMs = Math.round(performance.now() - t0);
  const imported = /imported \([^)]*\) in (\d+) ms/.exec(server.output());
  const m = await memory(server.child.pid!);
  log(`${label}: /api/health 200 after ${(healthMs / 1000).toFixed(1)} s${imported ? ` (network import ${(Number(imported[1]) / 1000).toFixed(1)} s)` : ''}; RSS ${m.rssMB} MiB, peak ${m.hwmMB} MiB, heap ${m.heapMB ?? '?'} MiB, external ${m.externalMB ?? '?'} MiB`);
  return { server, healthMs, importMs: imported ? Number(imported[1]) : null, memory: m };
}

// ── what a wall downloads ───────────────────────────────────────────────────────────────────
interface Download {
  /** Bytes of the decoded body. */
  bytes: number;
  /** Bytes on the wire with the encodings Chromium accepts, and the encoding the server chose. */
  served: number;
  encoding: string;
  /** The body compressed here, for comparison. */
  gzip: number;
  brotli: number;
  body: string;
}

function get(urlPath: string, encoding: string): Promise<{ status: number; raw: Buffer; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: PORT, path: urlPath, headers: { 'accept-encoding': encoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: Buffer.concat(chunks), encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const compressed = (body: string) => ({
  gzip: gzipSync(body).length,
  brotli: brotliCompressSync(body, { params: { [zc.BROTLI_PARAM_QUALITY]: 5 } }).length,
});

async function download(urlPath: string): Promise<Download> {
  const plain = await get(urlPath, 'identity');
  if (plain.status !== 200) throw new Error(`GET ${urlPath}: HTTP ${plain.status}`);
  const wire = await get(urlPath, 'gzip, deflate, br, zstd');
  const body = plain.raw.toString('utf8');
  return { bytes: plain.raw.length, served: wire.raw.length, encoding: wire.encoding, ...compressed(body), body };
}

interface WallLoad {
  snapshotBytes: number;
  snapshotGzip: number;
  outages: number;
  map: Omit<Download, 'body'>;
  /** Station areas the wall fetches one by one for the outages in its snapshot (aggregated map only). */
  detail: { requests: number; bytes: number; served: number };
  /** Snapshot + map (+ detail): decoded, and as served. */
  totalBytes: number;
  totalServed: number;
}

async function wallLoad(label: string): Promise<WallLoad> {
  const socket = io(`http://127.0.0.1:${PORT}`, { path: '/socket.io', transports: ['websocket'] });
  const snapshot = await new Promise<Snapshot>((resolve, reject) => {
    socket.once('snapshot', resolve);
    socket.once('connect_error', reject);
  });
  socket.close();
  const snapJson = JSON.stringify(snapshot);
  const snapshotBytes = Buffer.byteLength(snapJson);
  const map = await download('/api/network/map');
  const net = JSON.parse(map.body) as MapNetwork;
  const detail = { requests: 0, bytes: 0, served: 0 };
  if (net.areasUrl) {
    // As the wall does (MapView, mapgeom's areasToLoad): the station areas of the outages, by id,
    // in requests of at most 3,000 characters of ids.
    const ids = [...new Set(snapshot.outages.flatMap((o) => o.transformers))];
    const batches: string[][] = [];
    let chars = Infinity;
    for (const id of ids) {
      const cost = encodeURIComponent(id).length + 1;
      if (chars + cost > 3_000 || batches.at(-1)!.length >= 1_000) {
        batches.push([]);
        chars = 0;
      }
      batches.at(-1)!.push(id);
      chars += cost;
    }
    for (const batch of batches) {
      const d = await download(`${net.areasUrl}?ids=${batch.map(encodeURIComponent).join(',')}`);
      detail.requests++;
      detail.bytes += d.bytes;
      detail.served += d.served;
    }
  }
  const { body: _, ...mapStats } = map;
  const w: WallLoad = {
    snapshotBytes,
    snapshotGzip: gzipSync(snapJson).length,
    outages: snapshot.outages.length,
    map: mapStats,
    detail,
    totalBytes: snapshotBytes + map.bytes + detail.bytes,
    // Socket.IO sends the snapshot uncompressed (no per-message deflate).
    totalServed: snapshotBytes + map.served + detail.served,
  };
  log(
    `${label}: wall first load ${fmtMB(w.totalServed)} as served (${fmtMB(w.totalBytes)} decoded): snapshot ${fmtMB(snapshotBytes)} (${snapshot.outages.length} outages), ` +
      `map ${fmtMB(map.bytes)} → ${fmtMB(map.served)} ${map.encoding} (gzip ${fmtMB(map.gzip)}, brotli ${fmtMB(map.brotli)})` +
      (detail.requests ? `, outages' station areas ${fmtMB(detail.bytes)} → ${fmtMB(detail.served)} in ${detail.requests} request(s)` : ''),
  );
  return w;
}

// ── traffic ─────────────────────────────────────────────────────────────────────────────────
interface Traffic {
  seconds: number;
  readings: number;
  darkAreas: number;
  outagesAtEnd: number;
}

/**
 * Every meter's 15-minute reading, spread over the run (a million meters: ~1,100 readings/s in
 * ~45 concentrator messages/s), and `DARK_LATERALS` laterals going dark one by one over the
 * first third (every station area's concentrator reports power-off): the outages a wall shows.
 */
async function traffic(seconds: number): Promise<Traffic> {
  const mqttUrl = process.env.MQTT_URL || `mqtt://127.0.0.1:${MQTT_PORT}`;
  const pub = await mqtt.connectAsync(mqttUrl, { clientId: `scale-pub-${Date.now()}` });
  const tp = topics('gw/v1');
  const areas = network.transformers.map((x) => x.id);
  const fuses = [...areasByFuse.keys()].filter((d) => d.includes('-FU'));
  const dark = new Set<string>();
  const darkPlan: string[][] = [];
  for (let i = 0; i < Math.min(DARK_LATERALS, fuses.length); i++) darkPlan.push(areasByFuse.get(fuses[Math.floor((i * fuses.length) / DARK_LATERALS)]!)!);
  const interval = 900_000;
  const stamp = new Date(Math.floor(Date.now() / interval) * interval - interval).toISOString();
  const t0 = Date.now();
  let readings = 0;
  let cursor = 0;
  let darkened = 0;
  const perSecond = areas.length / Math.max(1, seconds);
  for (let s = 0; s < seconds; s++) {
    const tick = Date.now();
    const pubs: Promise<unknown>[] = [];
    const until = Math.min(areas.length, Math.round((s + 1) * perSecond));
    for (; cursor < until; cursor++) {
      const a = areas[cursor]!;
      if (dark.has(a)) continue;
      const meters = metersOf.get(a)!;
      pubs.push(pub.publishAsync(tp.readings(a), JSON.stringify({ ts: stamp, interval_s: 900, readings: meters.map((m) => ({ meter: m, kwh: 0.31, v: 221.4 })) }), { qos: 1 }));
      readings += meters.length;
    }
    const due = Math.min(darkPlan.length, Math.round(((s + 1) / Math.max(1, seconds / 3)) * darkPlan.length));
    for (; darkened < due; darkened++) {
      const ts = new Date().toISOString();
      for (const a of darkPlan[darkened]!) {
        dark.add(a);
        pubs.push(pub.publishAsync(tp.meterEvents(a), JSON.stringify({ device: concentratorOf.get(a)!, ts, code: EVENT_CODE.powerOff }), { qos: 1 }));
      }
    }
    await Promise.all(pubs);
    await sleep(Math.max(0, 1000 - (Date.now() - tick)));
  }
  await pub.endAsync();
  const sent = Math.round((Date.now() - t0) / 1000);
  // Let the engine's hold pass and the writers drain.
  await sleep(45_000);
  const kpis = (await fetch(`http://127.0.0.1:${PORT}/api/kpis`).then((r) => r.json())) as { activeOutages: number };
  log(`traffic: ${readings.toLocaleString('en-US')} readings and ${dark.size} station areas dark in ${sent} s; ${kpis.activeOutages} active outages 45 s later`);
  return { seconds, readings, darkAreas: dark.size, outagesAtEnd: kpis.activeOutages };
}

// ── run ─────────────────────────────────────────────────────────────────────────────────────
const first = await start('first start (import)');
const firstWall = await wallLoad('first start');
await first.server.stop();
const second = await start('second start (network in the database)');
const quietWall = await wallLoad('second start');
let afterTraffic: { traffic: Traffic; memory: Memory; wall: WallLoad } | null = null;
if (TRAFFIC_S > 0) {
  const tr = await traffic(TRAFFIC_S);
  const m = await memory(second.server.child.pid!);
  log(`after traffic: RSS ${m.rssMB} MiB, peak ${m.hwmMB} MiB, heap ${m.heapMB ?? '?'} MiB, external ${m.externalMB ?? '?'} MiB`);
  afterTraffic = { traffic: tr, memory: m, wall: await wallLoad('after traffic') };
}
await second.server.stop();
if (databaseUrl) {
  // A million meters and their readings: not left behind on a shared server.
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${new URL(databaseUrl).pathname.slice(1)} WITH (FORCE)`);
  await admin.end();
}

const peak = Math.max(first.memory.hwmMB, second.memory.hwmMB, afterTraffic?.memory.hwmMB ?? 0);
const wallMax = Math.max(firstWall.totalServed, quietWall.totalServed, afterTraffic?.wall.totalServed ?? 0);
const result = {
  bench: 'scale',
  database,
  meters: network.customers.length,
  stationAreas: network.transformers.length,
  feeders: network.feeders.length,
  substations: network.substations.length,
  generateMs,
  networkFileBytes: fileBytes,
  networkJsonBytes: jsonBytes,
  firstStart: { healthMs: first.healthMs, importMs: first.importMs, memory: first.memory, wall: firstWall },
  secondStart: { healthMs: second.healthMs, memory: second.memory, wall: quietWall },
  afterTraffic,
  targets: {
    rssMB: RSS_TARGET_MB,
    peakRssMB: peak,
    rssOk: peak <= RSS_TARGET_MB,
    wallBytes: WALL_TARGET_BYTES,
    wallServedMax: wallMax,
    wallOk: wallMax <= WALL_TARGET_BYTES,
  },
};
log(`peak RSS ${peak} MiB (target ≤ ${RSS_TARGET_MB} MiB: ${result.targets.rssOk ? 'met' : 'NOT met'}); wall first load at most ${fmtMB(wallMax)} (target ≤ 2 MiB: ${result.targets.wallOk ? 'met' : 'NOT met'})`);
if (values.json) console.log(JSON.stringify(result));
process.exit(0);
