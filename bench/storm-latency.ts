// Storm latency, end to end: a real GridWatch server process, a real broker, a Socket.IO client.
// 50,000 last gasps within 60 s (plus concentrator last gasps and some breaker lockouts) on top
// of steady concentrator reading traffic; for every outage the client receives, the latency from
// its decisive moment — the lockout message, or the end of the engine's configured hold after the
// first evidence — to its arrival at the client. Also checks that no reading was lost.
//
// Fan-out: --walls Socket.IO clients (default 50, issue 8) are connected through the run, each its
// own connection with the wall's handshake. Each measures the latency of every outage on its own
// and counts the bytes it receives: the payload of every WebSocket message, i.e. every engine.io
// packet as sent (`42["outage:changed",{…}]`, pings), read from the client's socket (`ws`), plus
// the WebSocket frame headers for the bytes on the wire (no compression: the server does not
// negotiate permessage-deflate); TCP/IP headers are not counted. The server process's CPU
// (utime + stime from /proc/<pid>/stat) is sampled at the start and end of the quiet and storm
// windows; with the embedded parts it includes the database and the broker, with DATABASE_URL /
// MQTT_URL it does not (they run in processes of their own).
//
//   pnpm bench:storm [--meters 100000] [--gasps 50000] [--readings-per-s 20000] [--walls 50]
//                    [--port 3400] [--mqtt-port 18900] [--json]
//
// Uses DATABASE_URL / MQTT_URL when set (TimescaleDB + Mosquitto), else the embedded parts.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import pg from 'pg';
import { EVENT_CODE, generateNetwork, indexNetwork, topics, type OutageDto } from '@gridwatch/shared';
import { saveNetworkFile } from '@gridwatch/shared/node';
import { ROOT, freshDatabase, startServer } from './serverProcess.ts';

const { values } = parseArgs({
  options: {
    meters: { type: 'string', default: '100000' },
    gasps: { type: 'string', default: '50000' },
    'readings-per-s': { type: 'string', default: '20000' },
    'storm-s': { type: 'string', default: '60' },
    'hold-s': { type: 'string', default: '35' },
    json: { type: 'boolean', default: false },
    port: { type: 'string', default: '3400' },
    /** Port of the embedded broker (unused with MQTT_URL). */
    'mqtt-port': { type: 'string', default: '18900' },
    /** Wall clients connected during the storm. */
    walls: { type: 'string', default: '50' },
  },
});
const METERS = Number(values.meters);
const GASPS = Number(values.gasps);
const READINGS_PER_S = Number(values['readings-per-s']);
const STORM_S = Number(values['storm-s']);
const HOLD_S = Number(values['hold-s']);
const PORT = Number(values.port);
const WALLS = Math.max(1, Number(values.walls));
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = path.join(ROOT, '.gridwatch', 'bench');
rmSync(path.join(dir, 'pglite'), { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const network = generateNetwork({ meters: METERS, seed: 7, id: 'bench', name: `bench ${METERS}` });
const index = indexNetwork(network);
const file = path.join(dir, 'network.json.gz');
saveNetworkFile(file, network);
log(`network: ${network.transformers.length} station areas, ${network.customers.length} meters, ${network.feeders.length} feeders`);

// A real server gets a fresh database per run, so the reading count below is exact.
const databaseUrl = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'gw_bench') : '';
const embeddedMqttPort = Number(values['mqtt-port']);
const mqttUrl = process.env.MQTT_URL || `mqtt://127.0.0.1:${embeddedMqttPort}`;
const prefix = 'gw/v1';
const server = startServer({ network: file, port: PORT, mqttPort: embeddedMqttPort, dataDir: dir, databaseUrl: databaseUrl || null, clientId: `gridwatch-bench-${Date.now()}`, env: { OUTAGE_HOLD_S: String(HOLD_S) } });
const stopServer = server.stop;
const waitFor = server.waitFor;

await waitFor(async () => (await fetch(`http://127.0.0.1:${PORT}/api/health`)).status === 200, 180_000, 'server health');
log('server up');

// ── plan the storm ────────────────────────────────────────────────────────────────────────
// A fifth of the feeders lock out (decisive: the lockout message); elsewhere whole laterals
// (fuses) go dark with no DA report (decisive: end of the hold after their first evidence).
const t = topics(prefix);
const feeders = [...network.feeders];
const byFeeder = new Map<string, string[]>();
for (const tf of network.transformers) (byFeeder.get(tf.feeder) ?? byFeeder.set(tf.feeder, []).get(tf.feeder)!).push(tf.id);
const fuseIds = new Set(network.devices.filter((d) => d.kind === 'fuse').map((d) => d.id));
const fuseAreas = new Map<string, string[]>();
for (const tf of network.transformers) {
  const fuse = index.upstream(tf.id).find((d) => fuseIds.has(d));
  if (fuse) (fuseAreas.get(fuse) ?? fuseAreas.set(fuse, []).get(fuse)!).push(tf.id);
}
interface Planned { key: string; device: string; areas: string[]; lockout: boolean }
const plan: Planned[] = [];
let gasps = 0;
const lockoutFeeders = new Set(feeders.filter((_, i) => i % 5 === 0).map((f) => f.id));
for (const f of lockoutFeeders) {
  const head = network.devices.find((d) => d.feeder === f && d.parent === null)!;
  const areas = byFeeder.get(f)!;
  plan.push({ key: head.id, device: head.id, areas, lockout: true });
  gasps += areas.reduce((n, a) => n + index.customersOf.get(a)!.length, 0);
  if (gasps >= GASPS) break;
}
// Scattered over the network, as a storm is: every seventh fuse in turn, not neighbours.
const fuseList = [...fuseAreas];
const order = fuseList.map((_, i) => (i * 7) % fuseList.length);
for (const [fuse, areas] of [...new Set(order)].map((i) => fuseList[i]!)) {
  if (gasps >= GASPS) break;
  if (lockoutFeeders.has(index.device.get(fuse)!.feeder)) continue;
  plan.push({ key: fuse, device: fuse, areas, lockout: false });
  gasps += areas.reduce((n, a) => n + index.customersOf.get(a)!.length, 0);
}
log(`storm plan: ${plan.length} outages (${plan.filter((p) => p.lockout).length} lockouts), ${gasps} last gasps over ${STORM_S} s`);

// ── clients ───────────────────────────────────────────────────────────────────────────────
const publisher = await mqtt.connectAsync(mqttUrl, { clientId: `bench-pub-${Date.now()}` });
/** When the first evidence of each station area was published. */
const evidenceAt = new Map<string, number>();
const lockoutAt = new Map<string, number>();

/** One wall: its own connection (forceNew: no shared Manager), what it saw and what it received. */
interface Wall {
  socket: Socket;
  firstSeen: Map<string, { at: number; outage: OutageDto }>;
  /** WebSocket message payloads (= engine.io packets), their count, and frame headers. */
  payloadBytes: number;
  messages: number;
  frameHeaderBytes: number;
  reconnects: number;
}
/** Header of an unmasked server → client WebSocket frame carrying `n` payload bytes. */
const frameHeader = (n: number) => (n < 126 ? 2 : n < 65_536 ? 4 : 10);
function connectWall(): Wall {
  const socket = io(`http://127.0.0.1:${PORT}`, { path: '/socket.io', transports: ['websocket'], forceNew: true });
  const wall: Wall = { socket, firstSeen: new Map(), payloadBytes: 0, messages: 0, frameHeaderBytes: 0, reconnects: 0 };
  // The engine's WebSocket transport wraps a `ws` WebSocket; count every message it receives. Hooked
  // on each (re)open, so the handshake's own open packet (before the hook) is not counted.
  socket.io.on('open', () => {
    const ws = (socket.io.engine as unknown as { transport: { ws?: { on(e: 'message', f: (d: Buffer | ArrayBuffer | Buffer[]) => void): void } } }).transport.ws;
    if (!ws) throw new Error('no WebSocket under the engine.io transport');
    ws.on('message', (d) => {
      const n = Array.isArray(d) ? d.reduce((a, b) => a + b.length, 0) : d instanceof ArrayBuffer ? d.byteLength : d.length;
      wall.payloadBytes += n;
      wall.frameHeaderBytes += frameHeader(n);
      wall.messages++;
    });
  });
  socket.io.on('reconnect', () => wall.reconnects++);
  socket.on('outage:changed', (d: { outages: OutageDto[] }) => {
    const at = Date.now();
    for (const o of d.outages) if (!wall.firstSeen.has(o.id) && o.parentId === null) wall.firstSeen.set(o.id, { at, outage: o });
  });
  return wall;
}
const walls = Array.from({ length: WALLS }, connectWall);
await Promise.all(walls.map((w) => new Promise<void>((r) => w.socket.once('snapshot', () => r()))));
log(`${WALLS} wall client${WALLS === 1 ? '' : 's'} connected`);
// The first wall is the client of the single-client runs: its figures keep their old keys.
const socket = walls[0]!.socket;
const firstSeen = walls[0]!.firstSeen;
let bytes = 0;
socket.onAny((_e, payload) => (bytes += JSON.stringify(payload).length));

/** CPU time of a process so far, ms (utime + stime; its threads included, children not). */
const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}
/** Busy and total jiffies of the whole machine (/proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - (f[4] ?? 0), total };
}
interface Sample { at: number; server: number; bench: number; machine: { busy: number; total: number }; payload: number[]; wire: number[]; messages: number[] }
const serverPid = server.child.pid!;
function sample(): Sample {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    server: cpuMs(serverPid),
    bench: (u.user + u.system) / 1000,
    machine: machineTicks(),
    payload: walls.map((w) => w.payloadBytes),
    wire: walls.map((w) => w.payloadBytes + w.frameHeaderBytes),
    messages: walls.map((w) => w.messages),
  };
}
const CORES = os.cpus().length;
/** What happened between two samples: CPU shares and each wall's bytes/s. */
function windowOf(a: Sample, b: Sample) {
  const s = (b.at - a.at) / 1000;
  const perWall = (k: 'payload' | 'wire' | 'messages') => walls.map((_, i) => (b[k][i]! - a[k][i]!) / s);
  const payload = perWall('payload');
  const wire = perWall('wire');
  const msgs = perWall('messages');
  const mean = (x: number[]) => x.reduce((p, q) => p + q, 0) / x.length;
  const serverCore = (b.server - a.server) / (b.at - a.at);
  return {
    seconds: round(s, 1),
    serverCpu: { percentOfOneCore: round(serverCore * 100, 1), percentOfMachine: round((serverCore * 100) / CORES, 1), cores: CORES },
    benchCpuPercentOfOneCore: round(((b.bench - a.bench) / (b.at - a.at)) * 100, 1),
    machineBusyPercent: round(((b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total)) * 100, 1),
    perWall: {
      payloadBytesPerSec: { mean: round(mean(payload)), min: round(Math.min(...payload)), max: round(Math.max(...payload)) },
      wireBytesPerSec: { mean: round(mean(wire)), min: round(Math.min(...wire)), max: round(Math.max(...wire)) },
      messagesPerSec: round(mean(msgs), 1),
    },
    allWallsPayloadBytesPerSec: round(payload.reduce((p, q) => p + q, 0)),
  };
}
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

// ── background readings ───────────────────────────────────────────────────────────────────
const dark = new Set<string>();
let readingsSent = 0;
let readingMessages = 0;
let stopReadings = false;
const areas = network.transformers.map((x) => x.id);
// Interval ends a few hours back, one per pass, so they are unique and never "in the future".
const base = Math.floor(Date.now() / 900_000) * 900_000 - 6 * 3_600_000;
function recentStamp(pass: number): string {
  return new Date(base + (pass % 20) * 900_000 + Math.floor(pass / 20) * 1000).toISOString();
}
const readingsLoop = (async () => {
  let cursor = 0;
  let pass = 0;
  const perTick = READINGS_PER_S / 10;
  while (!stopReadings) {
    const t0 = Date.now();
    let sent = 0;
    const pubs: Promise<unknown>[] = [];
    while (sent < perTick) {
      const a = areas[cursor]!;
      cursor = (cursor + 1) % areas.length;
      if (cursor === 0) pass++;
      if (dark.has(a)) continue;
      const meters = index.customersOf.get(a)!;
      pubs.push(publisher.publishAsync(t.readings(a), JSON.stringify({ ts: recentStamp(pass), interval_s: 900, readings: meters.map((m) => ({ meter: m.meter, kwh: 0.4, v: 221 })) }), { qos: 1 }));
      sent += meters.length;
      readingsSent += meters.length;
      readingMessages++;
    }
    await Promise.all(pubs);
    await sleep(Math.max(0, 100 - (Date.now() - t0)));
  }
})();

await sleep(3_000);
const quietStart = sample();
await sleep(7_000);
const quietEnd = sample();
const before = (await fetch(`http://127.0.0.1:${PORT}/api/kpis`).then((r) => r.json())) as { readingsPerSec: number };
log(`background readings running: ${before.readingsPerSec} readings/s at the server`);

// ── the storm ─────────────────────────────────────────────────────────────────────────────
const stormSample = sample();
const stormStart = Date.now();
const perOutageGap = (STORM_S * 1000) / plan.length;
for (let i = 0; i < plan.length; i++) {
  const p = plan[i]!;
  const due = stormStart + i * perOutageGap;
  await sleep(Math.max(0, due - Date.now()));
  const lossTs = new Date().toISOString();
  for (const a of p.areas) dark.add(a);
  if (p.lockout) {
    await publisher.publishAsync(t.faults(index.device.get(p.device)!.feeder), JSON.stringify({ device: p.device, ts: lossTs, kind: 'breaker.trip' }), { qos: 1 });
    await publisher.publishAsync(t.faults(index.device.get(p.device)!.feeder), JSON.stringify({ device: p.device, ts: lossTs, kind: 'breaker.lockout' }), { qos: 1 });
    lockoutAt.set(p.device, Date.now());
  }
  const pubs: Promise<unknown>[] = [];
  for (const a of p.areas) {
    evidenceAt.set(a, Date.now());
    const meters = index.customersOf.get(a)!;
    pubs.push(publisher.publishAsync(t.meterEvents(a), JSON.stringify({ events: meters.map((m) => ({ device: m.meter, ts: lossTs, code: EVENT_CODE.lastGasp })) }), { qos: 1 }));
    pubs.push(publisher.publishAsync(t.meterEvents(a), JSON.stringify({ device: index.transformer.get(a)!.concentrator, ts: lossTs, code: EVENT_CODE.powerOff }), { qos: 1 }));
  }
  await Promise.all(pubs);
}
log(`storm published in ${((Date.now() - stormStart) / 1000).toFixed(1)} s`);
await sleep((HOLD_S + 15) * 1000);
const stormEnd = sample();
stopReadings = true;
await readingsLoop;

// ── results ───────────────────────────────────────────────────────────────────────────────
// Each outage the wall received: decisive moment = its lockout message, or the end of the hold
// after the first evidence of the earliest station area it covers.
/** The latest outage at the first wall: what it was, for a look at outliers. */
let slowest: { device: string; lockout: boolean; areas: number; latencyMs: number } | null = null;
function latenciesOf(seen: Wall['firstSeen']): { latencies: number[]; missing: number } {
  const latencies: number[] = [];
  const covered = new Set<string>();
  for (const { at, outage } of seen.values()) {
    for (const a of outage.transformers) covered.add(a);
    const lock = outage.evidence.some((e) => e.kind === 'breaker.lockout') ? lockoutAt.get(outage.device) : undefined;
    const first = Math.min(...outage.transformers.map((a) => evidenceAt.get(a) ?? Infinity));
    const decisive = lock ?? first + HOLD_S * 1000;
    if (!Number.isFinite(decisive)) continue;
    latencies.push(at - decisive);
    if (seen === firstSeen && (!slowest || at - decisive > slowest.latencyMs)) slowest = { device: outage.device, lockout: lock !== undefined, areas: outage.transformers.length, latencyMs: at - decisive };
  }
  let missing = 0;
  for (const a of dark) if (!covered.has(a)) missing++;
  latencies.sort((a, b) => a - b);
  return { latencies, missing };
}
const quantile = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))] ?? NaN;
const { latencies, missing } = latenciesOf(firstSeen);
const qn = (q: number) => quantile(latencies, q);
// Every wall on its own: the same outages, each measured at its own arrival.
const perWall = walls.map((w) => ({ ...latenciesOf(w.firstSeen), outages: w.firstSeen.size, reconnects: w.reconnects }));
const pooled = perWall.flatMap((w) => w.latencies).sort((a, b) => a - b);
const wallP99 = perWall.map((w) => quantile(w.latencies, 0.99));
// Fan-out spread: for each outage, from its arrival at the first wall to its arrival at the last.
const spreads = [...firstSeen.keys()]
  .map((id) => walls.map((w) => w.firstSeen.get(id)?.at).filter((x): x is number => x !== undefined))
  .map((ats) => Math.max(...ats) - Math.min(...ats))
  .sort((a, b) => a - b);
const wallsMissingOutages = walls.filter((w) => [...firstSeen.keys()].some((id) => !w.firstSeen.has(id)) || w.firstSeen.size !== firstSeen.size).length;
const wallsNotCovering = perWall.filter((w) => w.missing > 0).length;
const quiet = windowOf(quietStart, quietEnd);
const storm = windowOf(stormSample, stormEnd);

// Every reading sent must be stored: the server drains its buffers, then count rows.
await waitFor(async () => {
  const h = (await fetch(`http://127.0.0.1:${PORT}/api/health`).then((r) => r.json())) as { ingest: { bufferedRows: number } };
  return h.ingest.bufferedRows === 0;
}, 120_000, 'ingest buffers to drain');
const metrics = await fetch(`http://127.0.0.1:${PORT}/metrics`).then((r) => r.text());
const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
let stored = metric('gridwatch_readings_stored_total');
if (databaseUrl) {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  stored = Number((await c.query('SELECT count(*)::int8 AS n FROM readings')).rows[0].n);
  await c.end();
}
for (const w of walls) w.socket.close();
await publisher.endAsync();
await stopServer();

const result = {
  bench: 'storm-latency',
  backend: process.env.DATABASE_URL ? 'timescaledb+mosquitto' : 'embedded (PGlite + aedes)',
  meters: network.customers.length,
  outages: plan.length,
  lockouts: plan.filter((p) => p.lockout).length,
  lastGasps: gasps,
  stormSeconds: STORM_S,
  holdSeconds: HOLD_S,
  readingsPerSecTarget: READINGS_PER_S,
  readingsSent,
  readingMessages,
  readingsStored: stored,
  readingsLost: readingsSent - stored,
  outagesReceived: firstSeen.size,
  darkAreas: dark.size,
  darkAreasNotCovered: missing,
  missing,
  latencyMs: { p50: qn(0.5), p95: qn(0.95), p99: qn(0.99), max: latencies.at(-1) ?? NaN },
  slowestOutage: slowest,
  socketBytes: bytes,
  walls: {
    count: WALLS,
    outagesReceived: { min: Math.min(...perWall.map((w) => w.outages)), max: Math.max(...perWall.map((w) => w.outages)) },
    /** Walls that missed an outage the first wall got, or got one more. */
    wallsMissingOutages,
    /** Walls whose outages did not cover every dark station area. */
    wallsNotCovering,
    reconnects: perWall.reduce((a, w) => a + w.reconnects, 0),
    /** Over every (wall, outage): latency beyond the hold at that wall. */
    latencyMs: { p50: quantile(pooled, 0.5), p95: quantile(pooled, 0.95), p99: quantile(pooled, 0.99), max: pooled.at(-1) ?? NaN, worstWallP99: Math.max(...wallP99) },
    /** Per outage, its arrival at the last wall minus at the first. */
    spreadMs: { p50: quantile(spreads, 0.5), p99: quantile(spreads, 0.99), max: spreads.at(-1) ?? NaN },
    bytesCounted: 'WebSocket message payloads = engine.io packets (payload); plus WebSocket frame headers (wire); no TCP/IP headers',
    quiet,
    storm,
  },
};
console.log(
  `storm: ${result.lastGasps} last gasps in ${STORM_S} s over ${result.readingsPerSecTarget} readings/s (${result.backend})\n` +
    `outages received ${result.outagesReceived} covering ${dark.size - missing}/${dark.size} dark station areas; latency beyond hold p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms\n` +
    `readings sent ${readingsSent}, stored ${stored}, lost ${result.readingsLost}\n` +
    `${WALLS} walls: outages received ${result.walls.outagesReceived.min}–${result.walls.outagesReceived.max} each, ${wallsMissingOutages} missing any, ${result.walls.reconnects} reconnects; latency over all walls p50 ${result.walls.latencyMs.p50} ms, p99 ${result.walls.latencyMs.p99} ms, worst wall's p99 ${result.walls.latencyMs.worstWallP99} ms; first to last wall p50 ${result.walls.spreadMs.p50} ms, max ${result.walls.spreadMs.max} ms\n` +
    `storm (${storm.seconds} s): ${storm.perWall.payloadBytesPerSec.mean} B/s to each wall (${storm.perWall.wireBytesPerSec.mean} B/s with frame headers, ${storm.perWall.messagesPerSec} messages/s), ${storm.allWallsPayloadBytesPerSec} B/s to all; server CPU ${storm.serverCpu.percentOfOneCore} % of a core = ${storm.serverCpu.percentOfMachine} % of ${CORES} cores; machine busy ${storm.machineBusyPercent} %, bench process ${storm.benchCpuPercentOfOneCore} % of a core\n` +
    `quiet (${quiet.seconds} s): ${quiet.perWall.payloadBytesPerSec.mean} B/s to each wall; server CPU ${quiet.serverCpu.percentOfOneCore} % of a core; machine busy ${quiet.machineBusyPercent} %`,
);
if (values.json) console.log(JSON.stringify(result));
process.exit(result.missing === 0 && result.readingsLost === 0 && wallsMissingOutages === 0 && wallsNotCovering === 0 ? 0 : 1);
