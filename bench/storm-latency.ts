// Storm latency, end to end: a real GridWatch server process, a real broker, a Socket.IO client.
// 50,000 last gasps within 60 s (plus concentrator last gasps and some breaker lockouts) on top
// of steady concentrator reading traffic; for every outage the client receives, the latency from
// its decisive moment — the lockout message, or the end of the engine's configured hold after the
// first evidence — to its arrival at the client. Also checks that no reading was lost.
//
//   pnpm bench:storm [--meters 100000] [--gasps 50000] [--readings-per-s 20000] [--json]
//
// Uses DATABASE_URL / MQTT_URL when set (TimescaleDB + Mosquitto), else the embedded parts.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { io } from 'socket.io-client';
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
  },
});
const METERS = Number(values.meters);
const GASPS = Number(values.gasps);
const READINGS_PER_S = Number(values['readings-per-s']);
const STORM_S = Number(values['storm-s']);
const HOLD_S = Number(values['hold-s']);
const PORT = Number(values.port);
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
const embeddedMqttPort = 18900;
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
const socket = io(`http://127.0.0.1:${PORT}`, { path: '/socket.io', transports: ['websocket'] });
const firstSeen = new Map<string, { at: number; outage: OutageDto }>();
/** When the first evidence of each station area was published. */
const evidenceAt = new Map<string, number>();
const lockoutAt = new Map<string, number>();
let bytes = 0;
socket.onAny((_e, payload) => (bytes += JSON.stringify(payload).length));
socket.on('outage:changed', (d) => {
  const at = Date.now();
  for (const o of d.outages) if (!firstSeen.has(o.id) && o.parentId === null) firstSeen.set(o.id, { at, outage: o });
});
await new Promise<void>((r) => socket.once('snapshot', () => r()));

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

await sleep(10_000);
const before = (await fetch(`http://127.0.0.1:${PORT}/api/kpis`).then((r) => r.json())) as { readingsPerSec: number };
log(`background readings running: ${before.readingsPerSec} readings/s at the server`);

// ── the storm ─────────────────────────────────────────────────────────────────────────────
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
stopReadings = true;
await readingsLoop;

// ── results ───────────────────────────────────────────────────────────────────────────────
// Each outage the wall received: decisive moment = its lockout message, or the end of the hold
// after the first evidence of the earliest station area it covers.
const latencies: number[] = [];
const covered = new Set<string>();
for (const { at, outage } of firstSeen.values()) {
  for (const a of outage.transformers) covered.add(a);
  const lock = outage.evidence.some((e) => e.kind === 'breaker.lockout') ? lockoutAt.get(outage.device) : undefined;
  const first = Math.min(...outage.transformers.map((a) => evidenceAt.get(a) ?? Infinity));
  const decisive = lock ?? first + HOLD_S * 1000;
  if (Number.isFinite(decisive)) latencies.push(at - decisive);
}
let missing = 0;
for (const a of dark) if (!covered.has(a)) missing++;
latencies.sort((a, b) => a - b);
const qn = (q: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(q * latencies.length) - 1))] ?? NaN;

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
socket.close();
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
  socketBytes: bytes,
};
console.log(
  `storm: ${result.lastGasps} last gasps in ${STORM_S} s over ${result.readingsPerSecTarget} readings/s (${result.backend})\n` +
    `outages received ${result.outagesReceived} covering ${dark.size - missing}/${dark.size} dark station areas; latency beyond hold p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms\n` +
    `readings sent ${readingsSent}, stored ${stored}, lost ${result.readingsLost}`,
);
if (values.json) console.log(JSON.stringify(result));
process.exit(result.missing === 0 && result.readingsLost === 0 ? 0 : 1);
