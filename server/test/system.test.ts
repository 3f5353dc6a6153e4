// The whole server side for real: a broker (aedes, or Mosquitto in .ci/run), a database (PGlite,
// or TimescaleDB), MQTT in, Socket.IO and HTTP out — and a restart in the middle.
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CODE, generateNetwork, topics, type ClientToServerEvents, type OutageDto, type ServerToClientEvents, type Snapshot } from '@gridwatch/shared';
import type { Config } from '../src/config.ts';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from './helpers.ts';

let db: TestResource;
let broker: TestResource;
let config: Config;
let system: System;
let publisher: MqttClient;
let sql: pg.Client;

const network = generateNetwork();
const tf = network.transformers[5]!;
const meters = network.customers.filter((c) => c.transformer === tf.id).map((c) => c.meter);

function wall(url: string) {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, { path: '/socket.io', transports: ['websocket'], reconnection: false });
  const snapshots: Snapshot[] = [];
  const deltas: { seq: number; outages: OutageDto[] }[] = [];
  socket.on('snapshot', (s) => snapshots.push(s));
  socket.on('outage:changed', (d) => deltas.push(d));
  return { socket, snapshots, deltas };
}

const publish = (topic: string, body: unknown) => publisher.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });

beforeAll(async () => {
  db = await testDatabase();
  broker = await testBroker();
  config = await testConfig(db, broker, { network: 'demo' });
  system = await startSystem(config, quietLogger, { httpLogger: false });
  await eventually(() => system.core.mqttConnected(), 10_000, 'ingest MQTT connection');
  publisher = await mqtt.connectAsync(broker.url, { clientId: `${config.mqttClientId}-pub` });
  sql = new pg.Client({ connectionString: config.databaseUrl! });
  // PGlite serves one session at a time; only talk to it directly through the server's pool there.
  if (!db.embedded) await sql.connect();
});

afterAll(async () => {
  await publisher?.endAsync();
  if (!db.embedded) await sql?.end();
  await system?.close();
  await broker?.close();
  await db?.close();
});

const query = <R extends pg.QueryResultRow>(text: string, params: unknown[] = []) => (db.embedded ? system.pool.query<R>(text, params) : sql.query<R>(text, params));

describe('the live path from MQTT to the wall', () => {
  const T = topics();
  let prefix: ReturnType<typeof topics>;
  beforeAll(() => {
    prefix = topics(config.topicPrefix);
    void T;
  });

  it('reports health and the network summary', async () => {
    const res = await system.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: { up: true }, broker: { connected: true } });
    const summary = (await system.app.inject({ url: '/api/network' })).json();
    expect(summary.counts).toMatchObject({ transformers: network.transformers.length, customers: network.customers.length });
  });

  it('stores readings from MQTT once, however often they are delivered', async () => {
    const before = system.core.kpis().readingsStored;
    const body = { ts: new Date(Date.now() - 60_000).toISOString(), interval_s: 900, readings: meters.map((m, i) => ({ meter: m, kwh: 0.5 + i / 100, v: 221 })) };
    await publish(prefix.readings(tf.id), body);
    await publish(prefix.readings(tf.id), body);
    await eventually(() => system.core.metrics.readingsReceived >= 2 * meters.length, 10_000, 'both deliveries');
    await system.core.flush();
    expect(system.core.kpis().readingsStored - before).toBe(meters.length);
    const rows = await query<{ n: number }>('SELECT count(*)::int AS n FROM readings WHERE meter = ANY($1)', [meters]);
    expect(rows.rows[0]!.n).toBe(meters.length);
  });

  it('acknowledges a message to the broker only once its rows are committed, and stores its redelivery once', async () => {
    const received = () => system.core.metrics.readingsReceived;
    const ingestClient = () => (system.core as unknown as { mqttSource: { client: MqttClient } }).mqttSource.client;
    const body = { ts: new Date(Date.now() - 120_000).toISOString(), interval_s: 900, readings: meters.map((m) => ({ meter: m, kwh: 7.5, v: 220 })) };
    // Hold the database so the readings cannot commit: the only session of PGlite, or a lock.
    let release: () => Promise<void>;
    if (db.embedded) {
      const held = await system.pool.connect();
      release = async () => held.release();
    } else {
      await sql.query('BEGIN');
      await sql.query('LOCK TABLE readings IN SHARE MODE');
      release = async () => void (await sql.query('COMMIT'));
    }
    const stored = system.core.kpis().readingsStored;
    const start = received();
    await publish(prefix.readings(tf.id), body);
    await eventually(() => received() >= start + meters.length, 10_000, 'the message taken');
    expect(system.core.unackedMessages()).toBe(1);
    // The connection drops before the rows commit: the broker never had an acknowledgement, so it
    // delivers the message again on the resumed session.
    ingestClient().stream.destroy();
    await eventually(() => received() >= start + 2 * meters.length, 15_000, 'the redelivery');
    await release();
    await system.core.flush();
    await eventually(() => system.core.unackedMessages() === 0, 10_000, 'acknowledged after commit');
    expect(system.core.kpis().readingsStored - stored).toBe(meters.length);
    const rows = await query<{ n: number }>('SELECT count(*)::int AS n FROM readings WHERE meter = ANY($1) AND kwh = 7.5', [meters]);
    expect(rows.rows[0]!.n).toBe(meters.length);
    // Acknowledged now: another dropped connection brings nothing back.
    ingestClient().stream.destroy();
    await eventually(() => system.core.mqttConnected(), 10_000, 'reconnected');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(received()).toBe(start + 2 * meters.length);
  });

  it('dead-letters malformed payloads in the database with their reason', async () => {
    await publish(prefix.readings(tf.id), 'not json at all');
    await publish(prefix.meterEvents(tf.id), { device: 'M-UNKNOWN', ts: new Date().toISOString(), code: EVENT_CODE.powerOff });
    await eventually(() => system.core.metrics.deadLetters >= 2, 10_000, 'dead letters counted');
    await system.core.flush();
    const rows = await query<{ reason: string; topic: string }>('SELECT reason, topic FROM dead_letters ORDER BY id');
    expect(rows.rows.map((r) => r.reason)).toEqual([expect.stringMatching(/^json:/), expect.stringMatching(/^unknown device: M-UNKNOWN/)]);
    expect(rows.rows[0]!.topic).toBe(prefix.readings(tf.id));
  });

  it('opens a station-area outage from power-off events and pushes snapshot + delta to a wall', async () => {
    const w = wall(system.url);
    await eventually(() => w.snapshots.length === 1, 10_000, 'snapshot on connect');
    expect(w.snapshots[0]!.outages).toEqual([]);
    expect(w.snapshots[0]!.network.counts.transformers).toBe(network.transformers.length);

    const ts = Date.now() - 10 * 60_000; // long enough ago that its restoration is not momentary
    await publish(prefix.meterEvents(tf.id), { events: meters.slice(0, 3).map((m) => ({ device: m, ts: new Date(ts).toISOString(), code: EVENT_CODE.lastGasp })) });
    const delta = await eventually(() => w.deltas.find((d) => d.outages.some((o) => o.device === tf.id)), 10_000, 'outage delta');
    expect(delta.seq).toBe(w.snapshots[0]!.seq + 1);
    const outage = delta.outages.find((o) => o.device === tf.id)!;
    expect(outage).toMatchObject({ status: 'probable', level: 'transformer', customers: meters.length, startedAt: ts, restoredAt: null });

    await publish(prefix.meterEvents(tf.id), { device: tf.concentrator, ts: new Date(ts + 30_000).toISOString(), code: EVENT_CODE.powerOff });
    await eventually(() => w.deltas.some((d) => d.outages.some((o) => o.id === outage.id && o.status === 'confirmed')), 10_000, 'confirmed delta');

    const api = (await system.app.inject({ url: '/api/outages?status=active' })).json();
    expect(api.outages.map((o: OutageDto) => o.id)).toEqual([outage.id]);
    // Why it is located there: the evidence travels with the outage.
    const detail = await system.app.inject({ url: `/api/outages/${encodeURIComponent(outage.id)}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().evidence.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['meter.power-off', 'located']));
    expect((await system.app.inject({ url: '/api/outages/nope' })).statusCode).toBe(404);
    const kpis = (await system.app.inject({ url: '/api/kpis' })).json();
    expect(kpis).toMatchObject({ activeOutages: 1, customersOut: meters.length });
    const metrics = (await system.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^gridwatch_outages_active 1$/m);
    w.socket.close();
  });

  it('keeps the open outage across a server restart, without duplicating it, then restores it', async () => {
    const openBefore = (await system.app.inject({ url: '/api/outages?status=active' })).json().outages as OutageDto[];
    expect(openBefore).toHaveLength(1);
    await system.close();
    system = await startSystem(config, quietLogger, { httpLogger: false });
    await eventually(() => system.core.mqttConnected(), 10_000, 'ingest reconnect');

    const w = wall(system.url);
    await eventually(() => w.snapshots.length === 1, 10_000, 'snapshot after restart');
    expect(w.snapshots[0]!.outages.map((o) => o.id)).toEqual([openBefore[0]!.id]);

    // Redelivered evidence after the restart is absorbed, not a second outage.
    const ts = openBefore[0]!.startedAt;
    await publish(prefix.meterEvents(tf.id), { events: meters.slice(0, 4).map((m) => ({ device: m, ts: new Date(ts).toISOString(), code: EVENT_CODE.lastGasp })) });
    await publish(prefix.meterEvents(tf.id), { device: tf.concentrator, ts: new Date(Date.now() - 1000).toISOString(), code: EVENT_CODE.powerRestored });
    const restored = await eventually(() => w.deltas.flatMap((d) => d.outages).find((o) => o.restoredAt !== null), 10_000, 'restored delta');
    expect(restored.id).toBe(openBefore[0]!.id);
    expect(restored.status).toBe('restored');
    await system.core.flush();
    const rows = await query<{ id: string; status: string }>('SELECT id, status FROM outages');
    expect(rows.rows).toEqual([{ id: openBefore[0]!.id, status: 'restored' }]);
    expect(system.core.kpis()).toMatchObject({ activeOutages: 0, customersOut: 0 });
    const rel = await system.app.inject({ url: `/api/reliability?from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}` });
    expect(rel.statusCode).toBe(200);
    expect(rel.json().company).toMatchObject({ customerInterruptions: meters.length, customersServed: network.customers.length });
    expect(rel.json().company.saidi).toBeGreaterThan(0);
    expect((await system.app.inject({ url: '/api/reliability?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z' })).statusCode).toBe(400);
    w.socket.close();
  });

  it('answers snapshot:get with a fresh snapshot (resync after a gap)', async () => {
    const w = wall(system.url);
    await eventually(() => w.snapshots.length === 1, 10_000, 'snapshot');
    const res = await w.socket.timeout(5_000).emitWithAck('snapshot:get', {});
    expect('data' in res && res.data.network.id).toBe('demo');
    w.socket.close();
  });
});
