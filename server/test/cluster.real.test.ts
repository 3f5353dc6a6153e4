// Scale-out, for real: two GridWatch server processes in one cluster against one Mosquitto and one
// TimescaleDB (a cluster needs servers that several processes share, so this suite runs in
// `pnpm test:integration` only). The active one is killed (SIGKILL) in the middle of a scenario:
// the standby takes the leader lock, rebuilds from the database and resumes the engine's MQTT
// session; every outage appears exactly once, and no reading is lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { io as connect } from 'socket.io-client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CODE, REALTIME_PATH, generateNetwork, topics, type OutageDto, type Snapshot } from '@gridwatch/shared';
import { eventually, realMqttUrl, testDatabase, type TestResource } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const network = generateNetwork();
// One station area on each of four feeders, so no two outages roll up into one upstream.
const areas = [...new Map(network.transformers.map((t) => [t.feeder, t])).values()].slice(0, 4)
  .map((t) => ({ id: t.id, meters: network.customers.filter((c) => c.transformer === t.id).map((c) => c.meter) }));
const run = `${process.pid}${Date.now().toString(36)}`;
const group = `gwc${run}`;
const prefix = `gwcluster/${run}/v1`;
const T = topics(prefix);

let db: TestResource;
let publisher: MqttClient;
let sql: pg.Client;
const servers: ChildProcess[] = [];
const output: Record<string, string> = {};

async function startServer(name: string, port: number): Promise<ChildProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `gw-cluster-${name}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      MQTT_URL: realMqttUrl!,
      CLUSTER_GROUP: group,
      MQTT_CLIENT_ID: `${group}-${name}`,
      TOPIC_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      SIMULATOR: 'false',
      NETWORK: 'demo',
      OUTAGE_HOLD_S: '0.5',
      INGEST_FLUSH_MS: '50',
      CONSOLE_PASSWORD: 'cluster-test-password',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Kept to explain a failure: the last lines each server wrote.
  const tail = (d: Buffer) => (output[name] = ((output[name] ?? '') + d.toString()).slice(-4000));
  child.stdout!.on('data', tail);
  child.stderr!.on('data', tail);
  servers.push(child);
  return child;
}

const get = async (port: number, url: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${url}`);
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
};
const activeOn = async (port: number) => (await get(port, '/api/active').catch(() => ({ status: 0 }))).status === 200;

async function lastGasps(area: { id: string; meters: string[] }, ts: number): Promise<void> {
  await publisher.publishAsync(T.meterEvents(area.id), JSON.stringify({ events: area.meters.map((m) => ({ device: m, ts: new Date(ts).toISOString(), code: EVENT_CODE.lastGasp })) }), { qos: 1 });
}

let readingsSent = 0;
async function readings(ts: number): Promise<void> {
  for (const a of areas) {
    await publisher.publishAsync(T.readings(a.id), JSON.stringify({ ts: new Date(ts).toISOString(), interval_s: 900, readings: a.meters.map((m) => ({ meter: m, kwh: 3.25, v: 220 })) }), { qos: 1 });
    readingsSent += a.meters.length;
  }
}

const outagesIn = async (ids: string[]) =>
  (await sql.query<{ device: string; n: number }>('SELECT device, count(*)::int AS n FROM outages WHERE device = ANY($1) GROUP BY device', [ids])).rows;

beforeAll(async () => {
  if (!realMqttUrl) throw new Error('the cluster suite needs GW_TEST_MQTT_URL and GW_TEST_DATABASE_URL (pnpm test:integration)');
  db = await testDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  publisher = await mqtt.connectAsync(realMqttUrl, { clientId: `${group}-publisher`, clean: true });
});

afterAll(async () => {
  for (const s of servers) if (s.exitCode === null) s.kill('SIGKILL');
  // Discard the persistent sessions the servers left on the broker.
  for (const id of ['a', 'b', 'engine']) await (await mqtt.connectAsync(realMqttUrl!, { clientId: `${group}-${id}`, clean: true, reconnectPeriod: 0 }).catch(() => null))?.endAsync();
  await publisher?.endAsync();
  await sql?.end();
  await db?.close();
});

describe('two instances, one broker, one database', () => {
  it('the standby takes over when the active instance is killed: outages exactly once, no reading lost', async () => {
    const [portA, portB] = [3590 + (process.pid % 50) * 2, 3591 + (process.pid % 50) * 2];
    const a = await startServer('a', portA);
    await eventually(() => activeOn(portA), 60_000, 'A active');
    await startServer('b', portB);
    let lastB: unknown = null;
    await eventually(async () => (lastB = await get(portB, '/api/health')) && (lastB as { body?: { role?: string } }).body?.role === 'standby', 120_000, 'B standing by')
      .catch((err: Error) => {
        throw new Error(`${err.message}; last answer ${JSON.stringify(lastB)}; B's output:\n${output.b}`);
      });
    expect(await activeOn(portB)).toBe(false);
    expect((await get(portB, '/api/outages')).status).toBe(503);
    // A wall whose socket lands on the standby: its snapshot comes from the active instance, and
    // the active instance's deltas reach it through the PostgreSQL adapter.
    const wallOnB = connect(`http://127.0.0.1:${portB}`, { path: REALTIME_PATH, transports: ['websocket'], reconnection: false });
    const snapshots: Snapshot[] = [];
    const deltas: OutageDto[] = [];
    wallOnB.on('snapshot', (snap) => snapshots.push(snap));
    wallOnB.on('outage:changed', (d) => deltas.push(...d.outages));
    await eventually(() => snapshots.length === 1, 15_000, 'a snapshot on the standby, from the active instance');
    expect(snapshots[0]!.network.counts.transformers).toBe(network.transformers.length);
    // The standby refuses a browser page from another site, as the active instance does.
    const foreign = connect(`http://127.0.0.1:${portB}`, { path: REALTIME_PATH, transports: ['websocket'], reconnection: false, extraHeaders: { origin: 'https://evil.example.com' } });
    expect(await new Promise<string>((resolve) => {
      foreign.on('connect', () => resolve('connected'));
      foreign.on('connect_error', (err) => resolve(`refused: ${err.message}`));
    })).toMatch(/^refused/);
    foreign.close();

    // Before the kill: an outage the active instance detects and stores; readings shared by both.
    const t0 = Date.now() - 20 * 60_000;
    await readings(t0);
    await lastGasps(areas[0]!, t0 + 60_000);
    await eventually(async () => ((await get(portA, '/api/outages?status=active')).body?.outages as OutageDto[] | undefined)?.some((o) => o.device === areas[0]!.id), 20_000, 'outage 1 on A');
    await eventually(() => deltas.some((o) => o.device === areas[0]!.id), 10_000, 'outage 1 on the wall held by the standby');
    wallOnB.close();

    // Kill the active instance; the scenario goes on while nobody leads.
    a.kill('SIGKILL');
    await lastGasps(areas[1]!, t0 + 120_000);
    await readings(t0 + 900_000);
    await lastGasps(areas[2]!, t0 + 180_000);

    await eventually(() => activeOn(portB), 30_000, 'B takes over');
    const active = async () => ((await get(portB, '/api/outages?status=active')).body?.outages ?? []) as OutageDto[];
    await eventually(async () => (await active()).filter((o) => areas.slice(0, 3).some((x) => x.id === o.device)).length === 3, 30_000, 'three outages on B');
    const list = (await active()).filter((o) => areas.some((x) => x.id === o.device));
    expect(list.map((o) => o.device).sort()).toEqual(areas.slice(0, 3).map((x) => x.id).sort());
    // And after B took over: it is the engine now.
    await lastGasps(areas[3]!, t0 + 240_000);
    await eventually(async () => (await active()).some((o) => o.device === areas[3]!.id), 20_000, 'outage 4 on B');
    expect(await outagesIn(areas.map((x) => x.id))).toEqual(expect.arrayContaining(areas.map((x) => ({ device: x.id, n: 1 }))));
    expect((await outagesIn(areas.map((x) => x.id))).length).toBe(4);

    // A comes back (as orchestrators restart it) as a standby, and collects what the broker kept
    // for its session: every reading sent is stored, once.
    await startServer('a', portA);
    await eventually(async () => (await get(portA, '/api/health')).body?.role === 'standby', 60_000, 'A back as standby');
    const stored = async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM readings')).rows[0]!.n;
    await eventually(async () => (await stored()) >= readingsSent, 30_000, `${readingsSent} readings stored`);
    await new Promise((r) => setTimeout(r, 500));
    expect(await stored()).toBe(readingsSent);
  });
});
