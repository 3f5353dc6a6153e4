// Bad input against the running system (issue 9, "Bad input"): 10,000 hostile MQTT messages through
// the real broker (aedes, or Mosquitto in the integration suite) mixed with valid traffic whose
// outcome is known; then hostile HTTP requests, then hostile socket clients. The process must not
// crash, valid traffic must be stored exactly once, every refused message must be dead-lettered
// once with a reason of a known class and counted, and what is stored must stay bounded.
// Prints one `[fault-report] {json}` line with the figures (README table).
import mqtt, { type MqttClient } from 'mqtt';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CODE, generateNetwork, topics, type OutageDto, type Snapshot } from '@gridwatch/shared';
import type { Config } from '../src/config.ts';
import { DEAD_LETTER_PAYLOAD_BYTES } from '../src/ingest/ingest.ts';
import { reasonClass } from '../src/metrics.ts';
import { CLIENT_MESSAGE_MAX_BYTES, SOCKET_DEAD_LETTERS_PER_MIN, SOCKET_REJECTS_BEFORE_DISCONNECT } from '../src/realtime/hub.ts';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from './helpers.ts';
import { DEEPEST, HOSTILE_CLASSES, INJECTIONS, hostileHttpRequests, hostileMessages, type HostileMessage } from './hostile.ts';

const SEED = 9;
const HOSTILE = 10_000;
const HTTP_REQUESTS = 1_200;
const CONSOLE_PASSWORD = 'fuzz-console-password';
const INTAKE_KEY = 'fuzz-intake-key-0123456789';

let db: TestResource;
let broker: TestResource;
let config: Config;
let system: System;
let publisher: MqttClient;
const report: Record<string, unknown> = {};

const network = generateNetwork();
const metersOf = (tf: string) => network.customers.filter((c) => c.transformer === tf).map((c) => c.meter);
// The outage: a station area that the engine locates at itself (as in system.test).
const tfOut = network.transformers[5]!;
const readingAreas = network.transformers.filter((t) => t.id !== tfOut.id && metersOf(t.id).length > 0).slice(0, 6);
const iso = (ms: number) => new Date(ms).toISOString();
const query = <R extends Record<string, unknown>>(text: string, params: unknown[] = []) => system.pool.query<R>(text, params).then((r) => r.rows);
const count = async (text: string, params: unknown[] = []) => Number((await query<{ n: number }>(text, params))[0]!.n);

beforeAll(async () => {
  db = await testDatabase();
  broker = await testBroker();
  config = await testConfig(db, broker, { network: 'demo', consolePassword: CONSOLE_PASSWORD, intakeApiKeys: [{ name: 'fuzz', key: INTAKE_KEY }] });
  system = await startSystem(config, { ...quietLogger, warn: (w) => console.warn(`WARN ${new Date().toISOString()} ${w}`) }, { httpLogger: false });
  await eventually(() => system.core.mqttConnected(), 10_000, 'ingest MQTT connection');
  publisher = await mqtt.connectAsync(broker.url, { clientId: `${config.mqttClientId}-fuzz` });
  report.broker = broker.embedded ? 'aedes' : 'mosquitto';
  report.database = db.embedded ? 'pglite' : 'timescaledb';
});

afterAll(async () => {
  console.log(`[fault-report] ${JSON.stringify(report)}`);
  await publisher?.endAsync();
  await system?.close();
  await broker?.close();
  await db?.close();
});

/** Publishes in order at QoS 1 with up to `window` awaiting the broker's PUBACK. */
async function publishAll(items: readonly { topic: string; payload: Buffer | string }[], window = 256): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const m = items[next++]!;
      await publisher.publishAsync(m.topic, m.payload as Buffer, { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}

const classCounts = <T>(xs: readonly T[], key: (x: T) => string) => {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
};

describe('MQTT: 10,000 hostile messages through the broker, mixed with valid traffic', () => {
  it('dead-letters each hostile message once with its reason, stores the valid traffic exactly once, and still finds the outage', async () => {
    const t = topics(config.topicPrefix);
    const now = Date.now();
    // Empty topic levels only through Mosquitto: see HostileContext.emptyTopicLevels.
    const hostile = hostileMessages({ prefix: config.topicPrefix, network, now, emptyTopicLevels: !broker.embedded }, HOSTILE, SEED);
    expect(hostile).toHaveLength(HOSTILE);
    expect(new Set(hostile.map((m) => m.cls))).toEqual(new Set(HOSTILE_CLASSES));

    // ---- valid traffic with a known outcome --------------------------------------------------
    const valid: { topic: string; payload: string }[] = [];
    let expectedReadings = 0;
    let duplicates = 0;
    for (const [a, tf] of readingAreas.entries()) {
      const meters = metersOf(tf.id);
      for (let j = 0; j < 30; j++) {
        const body = JSON.stringify({ ts: iso(now - (j + 1) * 900_000), interval_s: 900, readings: meters.map((m, k) => ({ meter: m, kwh: 0.25 + k / 100, v: 221 })) });
        // Three carry a 100,000-deep field the schema does not look at: accepted, ignored, no crash.
        const payload = a === 0 && j < 3 ? body.replace(/}$/, `,"extra":${'['.repeat(DEEPEST)}${']'.repeat(DEEPEST)}}`) : body;
        valid.push({ topic: t.readings(tf.id), payload });
        expectedReadings += meters.length;
        // Redelivered: stored once all the same.
        if (j % 10 === 0) {
          valid.push({ topic: t.readings(tf.id), payload });
          duplicates++;
        }
      }
    }
    const outageAt = now - 10 * 60_000;
    const gasps = metersOf(tfOut.id).slice(0, 3);
    valid.push({ topic: t.meterEvents(tfOut.id), payload: JSON.stringify({ events: gasps.map((m) => ({ device: m, ts: iso(outageAt), code: EVENT_CODE.lastGasp })) }) });
    valid.push({ topic: t.meterEvents(tfOut.id), payload: JSON.stringify({ device: tfOut.concentrator, ts: iso(outageAt + 30_000), code: EVENT_CODE.powerOff }) });
    // Valid contacts whose text and category are hostile: stored as written (NUL aside), by parameter.
    const callers = network.customers.filter((c) => c.transformer !== tfOut.id);
    const contacts = INJECTIONS.map((text, k) => ({
      id: ['__proto__', 'constructor', 'toString'][k] ?? `KF${k}`, ts: iso(now - 120_000 - k * 1_000), channel: 'app', customer: callers[k * 7]!.id,
      category: k % 2 ? "x'); DROP TABLE contacts;--" : 'billing', type: 'enquiry', text,
    }));
    for (const c of contacts) valid.push({ topic: t.contacts(), payload: JSON.stringify(c) });

    // Interleaved: one valid message after about every 40 hostile ones.
    const all: { topic: string; payload: Buffer | string }[] = [];
    const every = Math.floor(hostile.length / valid.length);
    for (let i = 0, v = 0; i < hostile.length; i++) {
      all.push(hostile[i]!);
      if (i % every === every - 1 && v < valid.length) all.push(valid[v++]!);
      if (i === hostile.length - 1) all.push(...valid.slice(v));
    }
    expect(all).toHaveLength(hostile.length + valid.length);

    const m = system.core.metrics;
    const before = { received: m.messagesReceived, dead: m.deadLetters, byReason: { ...m.deadLettersByReason } };
    const t0 = performance.now();
    await publishAll(all);
    const publishMs = performance.now() - t0;
    await eventually(() => m.messagesReceived - before.received >= all.length, 120_000, `ingest of all ${all.length} messages`);
    const ingestMs = performance.now() - t0;
    await system.core.flush();
    expect(m.messagesReceived - before.received).toBe(all.length);

    // ---- the process is alive and well ----------------------------------------------------------
    const health = await system.app.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', database: { up: true }, broker: { connected: true }, ingest: { lastWriteError: null } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'isAdmin')).toBe(false);

    // ---- every hostile message: counted once, stored once, with its reason class -----------------
    const expectedByReason = classCounts(hostile, (h) => h.reason);
    const metricByReason: Record<string, number> = {};
    for (const [k, n] of Object.entries(m.deadLettersByReason)) if (n - (before.byReason[k] ?? 0) > 0) metricByReason[k] = n - (before.byReason[k] ?? 0);
    expect(m.deadLetters - before.dead).toBe(HOSTILE);
    expect(metricByReason).toEqual(expectedByReason);

    const rows = await query<{ topic: string; reason: string; payload_bytes: number; stored: number; topic_bytes: number }>(
      `SELECT topic, reason, payload_bytes, octet_length(payload) AS stored, octet_length(topic) AS topic_bytes FROM dead_letters WHERE source = 'mqtt'`,
    );
    expect(rows).toHaveLength(HOSTILE);
    expect(rows.every((r) => r.reason.length > 0 && !/^(internal|other)/.test(reasonClass(r.reason)))).toBe(true);
    expect(classCounts(rows, (r) => reasonClass(r.reason))).toEqual(expectedByReason);
    // Row for row: the same topic, size and reason class as a message sent.
    const key = (topic: string, bytes: number, reason: string) => `${topic}|${bytes}|${reason}`;
    const sent = hostile.map((h: HostileMessage) => key(h.topic, h.payload.length, h.reason)).sort();
    const stored = rows.map((r) => key(r.topic, Number(r.payload_bytes), reasonClass(r.reason))).sort();
    const unmatched = stored.filter((s, i) => s !== sent[i]);
    expect(unmatched.slice(0, 5)).toEqual([]);
    // Bounded: at most 2 KiB of payload per row, whatever came in (up to 576 KiB here).
    const maxStored = Math.max(...rows.map((r) => Number(r.stored ?? 0)));
    expect(maxStored).toBeLessThanOrEqual(DEAD_LETTER_PAYLOAD_BYTES);
    expect(Math.max(...rows.map((r) => Number(r.topic_bytes)))).toBeLessThanOrEqual(256);
    const bytesIn = hostile.reduce((a, h) => a + h.payload.length, 0);
    const bytesStored = rows.reduce((a, r) => a + Number(r.stored ?? 0), 0);

    // ---- valid traffic: exactly once, nothing else -----------------------------------------------
    const validMeters = readingAreas.flatMap((tf) => metersOf(tf.id));
    expect(await count('SELECT count(*)::int AS n FROM readings')).toBe(expectedReadings);
    expect(await count('SELECT count(*)::int AS n FROM readings WHERE NOT (meter = ANY($1))', [validMeters])).toBe(0);
    expect(system.core.kpis().readingsStored).toBe(expectedReadings);
    const events = await query<{ device: string }>('SELECT device FROM meter_events ORDER BY device');
    expect(events.map((e) => e.device)).toEqual([...gasps, tfOut.concentrator].sort());
    expect(await count('SELECT count(*)::int AS n FROM fault_events')).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM planned_outages')).toBe(0);
    const storedContacts = await query<{ id: string; category: string; text: string }>('SELECT id, category, text FROM contacts ORDER BY id');
    expect(storedContacts).toEqual(
      contacts.map((c) => ({ id: c.id, category: c.category, text: c.text.replace(/\u0000/g, '\uFFFD') })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    );

    // ---- the valid outage is found, confirmed and stored ------------------------------------------
    const outage = await eventually(() => system.core.engine.active().find((o) => o.transformers.includes(tfOut.id) && o.status === 'confirmed'), 15_000, 'the valid outage');
    expect(outage).toMatchObject({ device: tfOut.id, customers: metersOf(tfOut.id).length, startedAt: outageAt });
    await system.core.flush();
    expect(await count(`SELECT count(*)::int AS n FROM outages WHERE device = $1 AND status = 'confirmed'`, [tfOut.id])).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM outages')).toBe(1);

    // ---- and it keeps ingesting --------------------------------------------------------------------
    const after = readingAreas[0]!;
    await publishAll([{ topic: t.readings(after.id), payload: JSON.stringify({ ts: iso(now - 31 * 900_000), interval_s: 900, readings: metersOf(after.id).map((mm) => ({ meter: mm, kwh: 9 })) }) }]);
    await eventually(async () => (await count('SELECT count(*)::int AS n FROM readings WHERE kwh = 9')) === metersOf(after.id).length, 10_000, 'a reading after the fuzz');

    report.mqtt = {
      hostile: HOSTILE,
      byClass: classCounts(hostile, (h) => h.cls),
      valid: { messages: valid.length, duplicates, readings: expectedReadings, events: gasps.length + 1, contacts: contacts.length },
      deadLetters: { metric: m.deadLetters - before.dead, rows: rows.length, byReason: expectedByReason },
      bytesIn,
      bytesStored,
      maxStoredPayloadBytes: maxStored,
      publishMs: Math.round(publishMs),
      ingestMs: Math.round(ingestMs),
      rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
  });
});

describe('HTTP: hostile bodies and query strings', () => {
  it('answers every request below 500, refuses oversized bodies with 413 and dead-letters refused contacts with their reason', async () => {
    const login = await system.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'officer', password: CONSOLE_PASSWORD }, remoteAddress: '127.0.9.1' });
    expect(login.statusCode).toBe(200);
    const officer = login.json().token as string;
    const orders = await system.app.inject({ url: '/api/orders?limit=1', headers: { authorization: `Bearer ${officer}` } });
    const orderId = (orders.json().orders?.[0]?.id as string | undefined) ?? null;
    const requests = hostileHttpRequests({ network, now: Date.now(), orderId, alertId: null }, HTTP_REQUESTS);
    const deadBefore = await count(`SELECT count(*)::int AS n FROM dead_letters WHERE source LIKE 'http:%'`);

    const t0 = performance.now();
    const statuses: Record<string, number> = {};
    const fives: string[] = [];
    const wrong413: string[] = [];
    const refusedContacts: string[] = [];
    let reachedValidation = 0;
    for (const [i, r] of requests.entries()) {
      const authorization = r.auth === 'officer' ? `Bearer ${officer}` : r.auth === 'intake' ? `Bearer ${INTAKE_KEY}` : undefined;
      const res = await system.app.inject({
        method: r.method, url: r.url, payload: r.payload, headers: { ...r.headers, ...(authorization ? { authorization } : {}) },
        // Many client addresses, as from many integrations: a per-address rate limit is not what is tested here.
        remoteAddress: `127.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`,
      });
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 500) fives.push(`${res.statusCode} ${r.cls} ${r.method} ${r.url.slice(0, 120)} ${String(r.payload ?? '').slice(0, 80)}: ${res.body.slice(0, 200)}`);
      if (r.status === 413 && res.statusCode !== 413 && res.statusCode !== 429) wrong413.push(`${r.cls} → ${res.statusCode}`);
      // A refusal by the contact checks (not by the body parser) names its reason class.
      const error = res.statusCode === 400 ? ((res.json() as { error?: string }).error ?? '') : '';
      if (r.contact && res.statusCode === 400 && /^(schema|unknown device|timestamp): /.test(error)) refusedContacts.push(error);
      if (r.contact && (res.statusCode === 400 || res.statusCode === 201 || res.statusCode === 200) && /^(schema|unknown device|timestamp): |^$/.test(error)) reachedValidation++;
    }
    const ms = performance.now() - t0;
    expect(fives).toEqual([]);
    expect(wrong413).toEqual([]);
    expect(requests.filter((r) => r.status === 413).length).toBeGreaterThan(10);
    expect(statuses['413']).toBeGreaterThan(0);
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(HTTP_REQUESTS);

    // Every contact refused by validation is a dead letter with that very reason.
    await system.core.flush();
    expect(refusedContacts.length).toBeGreaterThan(50);
    const dead = await query<{ reason: string; stored: number }>(`SELECT reason, octet_length(payload) AS stored FROM dead_letters WHERE source LIKE 'http:%' ORDER BY id OFFSET $1`, [deadBefore]);
    expect(dead.map((d) => d.reason).sort()).toEqual([...refusedContacts].sort());
    expect(Math.max(...dead.map((d) => Number(d.stored ?? 0)))).toBeLessThanOrEqual(DEAD_LETTER_PAYLOAD_BYTES);
    expect(refusedContacts.some((e) => e.startsWith('schema: '))).toBe(true);

    // Plainly bad queries get a clear 400.
    for (const url of ['/api/outages?limit=abc', '/api/alerts?limit=0', '/api/reliability?from=yesterday', '/api/kpis/service?by=__proto__']) {
      const res = await system.app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toEqual(expect.any(String));
    }
    const health = await system.app.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    report.http = { requests: requests.length, byStatus: statuses, contactsReachedValidation: reachedValidation, contactsDeadLettered: dead.length, byClass: classCounts(requests, (r) => r.cls.split(':')[0]!), ms: Math.round(ms) };
  });
});

describe('Socket.IO: hostile clients', () => {
  type Raw = Socket & { io: Socket['io'] & { engine: { write(data: string): void } } };
  const open = (opts: Record<string, unknown> = {}) => connect(system.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, ...opts }) as Raw;
  const connected = async (s: Socket) => {
    await eventually(() => s.connected, 10_000, 'socket connected');
    return s;
  };
  const disconnected = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
  const socketRows = () => count(`SELECT count(*)::int AS n FROM dead_letters WHERE source = 'socket'`);

  it('refuses, counts and dead-letters what hostile clients send, within a storage budget, while a wall keeps being served', async () => {
    const t0 = performance.now();
    const m = system.core.metrics;
    const wall = open();
    const snapshots: Snapshot[] = [];
    const deltas: OutageDto[][] = [];
    let kpiUpdates = 0;
    wall.on('snapshot', (s: Snapshot) => snapshots.push(s));
    wall.on('outage:changed', (d: { outages: OutageDto[] }) => deltas.push(d.outages));
    wall.on('kpi:update', () => kpiUpdates++);
    await connected(wall);
    await eventually(() => snapshots.length === 1, 10_000, 'the wall snapshot');

    const before = { dead: m.deadLetters, socket: m.deadLettersByReason.socket ?? 0, notStored: m.deadLettersNotStored, rows: await socketRows() };
    let expected = 0;

    // Unknown events, server-to-client event names, and `error`, which a client may emit too.
    const a = await connected(open());
    const unknown: [string, ...unknown[]][] = [['hello', { a: 1 }], ['error', 'boom'], ['__proto__', { polluted: 'yes' }], ['constructor'], ['snapshot:set', {}], ['toString'], ['e'.repeat(1_000)], ['outage:changed', { seq: 1e9, outages: [] }], ['kpi:update', "'; DROP TABLE dead_letters;--"]];
    for (const [event, ...args] of unknown) a.emit(event, ...args);
    expected += unknown.length;

    // snapshot:get with garbage: no acknowledgement, a string, a number, an array, deep nesting.
    const b = await connected(open());
    b.emit('snapshot:get', {});
    const garbage: unknown[] = ['x', 42, [1, 2], JSON.parse('['.repeat(3_000) + ']'.repeat(3_000))];
    const answers = await Promise.all(garbage.map((g) => b.timeout(5_000).emitWithAck('snapshot:get', g)));
    expect(answers).toEqual(garbage.map(() => ({ error: 'snapshot:get takes {} as its request' })));
    expected += 1 + garbage.length;

    // snapshot:get far too often: a burst is answered, the rest refused.
    const c = await connected(open());
    const burst = await Promise.all(Array.from({ length: 12 }, () => c.timeout(5_000).emitWithAck('snapshot:get', {})));
    const answered = burst.filter((r) => 'data' in r).length;
    expect(answered).toBeGreaterThanOrEqual(5);
    expect(answered).toBeLessThan(12);
    expected += 12 - answered;

    // A packet Socket.IO cannot decode: refused, and that client disconnected.
    const d = await connected(open());
    const dGone = disconnected(d);
    d.io.engine.write('2garbage[');
    expect(await dGone).toBe('transport close');
    expected += 1;

    // A message over the size limit, over WebSocket and over long-polling.
    const e = await connected(open());
    const eGone = disconnected(e);
    e.emit('hello', 'x'.repeat(CLIENT_MESSAGE_MAX_BYTES + 1));
    await eGone;
    expected += 1;
    const f = await connected(open({ transports: ['polling'] }));
    const fGone = disconnected(f);
    f.emit('hello', 'x'.repeat(CLIENT_MESSAGE_MAX_BYTES + 1));
    await fGone;
    expected += 1;

    await eventually(() => (m.deadLettersByReason.socket ?? 0) - before.socket >= expected, 10_000, `${expected} socket rejections counted`);
    await system.core.flush();
    expect((m.deadLettersByReason.socket ?? 0) - before.socket).toBe(expected);
    expect(m.deadLetters - before.dead).toBe(expected);
    expect((await socketRows()) - before.rows).toBe(expected);
    const reasons = (await query<{ reason: string; stored: number }>(`SELECT reason, octet_length(payload) AS stored FROM dead_letters WHERE source = 'socket'`)).map((r) => r.reason);
    expect(reasons.every((r) => reasonClass(r) === 'socket')).toBe(true);
    for (const pattern of [/^socket: unknown event "hello"/, /^socket: unknown event "error"/, /^socket: snapshot:get without an acknowledgement/, /^socket: snapshot:get takes \{\}/, /^socket: snapshot:get more often/, /^socket: malformed packet/, /^socket: message over \d+ bytes/, /^socket: long-polling message of \d+ bytes/]) {
      expect(reasons.some((r) => pattern.test(r)), String(pattern)).toBe(true);
    }
    expect(reasons.find((r) => r.startsWith('socket: unknown event "eee'))!.length).toBeLessThan(100);

    // A flood from one client: all counted, SOCKET_DEAD_LETTERS_PER_MIN stored, then disconnected.
    const flood = await connected(open());
    const floodGone = disconnected(flood);
    const mid = { socket: m.deadLettersByReason.socket ?? 0, notStored: m.deadLettersNotStored, rows: await socketRows() };
    for (let i = 0; i < 1_000; i++) flood.emit('flood', i, 'x'.repeat(500));
    expect(await floodGone).toBe('io server disconnect');
    await system.core.flush();
    const counted = (m.deadLettersByReason.socket ?? 0) - mid.socket;
    expect(counted).toBeGreaterThan(SOCKET_REJECTS_BEFORE_DISCONNECT);
    expect(counted).toBeLessThanOrEqual(1_000);
    expect((await socketRows()) - mid.rows).toBe(SOCKET_DEAD_LETTERS_PER_MIN);
    expect(m.deadLettersNotStored - mid.notStored).toBe(counted - SOCKET_DEAD_LETTERS_PER_MIN);

    // The wall never noticed: still connected, still updated, still answered, and sees the restoration.
    expect(wall.connected).toBe(true);
    const kpisBefore = kpiUpdates;
    const fresh = await wall.timeout(5_000).emitWithAck('snapshot:get', {});
    expect('data' in fresh && fresh.data.outages.some((o: OutageDto) => o.transformers.includes(tfOut.id))).toBe(true);
    await publishAll([{ topic: topics(config.topicPrefix).meterEvents(tfOut.id), payload: JSON.stringify({ device: tfOut.concentrator, ts: iso(Date.now() - 1_000), code: EVENT_CODE.powerRestored }) }]);
    await eventually(() => deltas.flat().some((o) => o.transformers.includes(tfOut.id) && o.restoredAt !== null), 10_000, 'the restoration delta on the wall');
    await eventually(() => kpiUpdates > kpisBefore, 5_000, 'kpi updates keep coming');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await system.app.inject({ url: '/api/health' })).statusCode).toBe(200);
    for (const s of [wall, a, b, c, d, e, f, flood]) s.close();

    report.socket = {
      rejected: expected, stored: expected, flood: { sent: 1_000, counted, stored: SOCKET_DEAD_LETTERS_PER_MIN, disconnectedAfter: SOCKET_REJECTS_BEFORE_DISCONNECT },
      snapshotBurst: { asked: 12, answered }, ms: Math.round(performance.now() - t0),
    };
  });
});
