// Faults, injected for real (issue 9: keeps working under faults, with nothing lost). Each test
// breaks something the way production breaks it and then counts, in the database, what survived:
//
// 1. the database unreachable for 30 s under steady QoS 1 ingest (a TCP proxy between a server
//    process and the real TimescaleDB drops every connection in the middle of a batch, then
//    refuses and black-holes new ones): the server stays up, health says degraded with the
//    reason, the buffers stay under their cap, and once the database is back every reading is
//    stored exactly once;
// 2. the broker restarted (our own Mosquitto with persistence; SIGTERM twice, then SIGKILL) while
//    a publisher with a persistent session keeps publishing: the server reconnects and resubscribes
//    by itself, nothing lost, nothing stored twice (after the SIGKILL, at most what the broker had
//    taken since its last save, 1 s, may be missing: the broker's loss, bounded and reported);
// 3. the server SIGKILLed in the middle of a storm and restarted: the same outages, alerts and
//    work orders come back (same ids), nothing duplicated or half-written, evidence the server had
//    acknowledged but not yet acted on (an outage in its hold) is not lost, and what was sent while
//    it was down is processed once;
// 4. duplicated and out-of-order delivery: one storm once and in order into one server and
//    database, the same storm twice over and shuffled (seed 9, FAULT_SEED to change) into
//    another; nothing double-counts. (An outage's start, and so its id, can differ by seconds
//    with the delivery order; that is reported, and outages are compared by device.)
//
// Real servers only (`pnpm test:integration`: GW_TEST_DATABASE_URL, GW_TEST_MQTT_URL; test 2 also
// needs /usr/sbin/mosquitto, which .ci/mosquitto.sh installs). Each test prints one line
// `[fault-report] {json}` with what it measured, for the README's table.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_CODE, createRng, generateNetwork, topics, type AlertDto, type OutageDto } from '@gridwatch/shared';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, realDatabaseUrl, realMqttUrl, testConfig, testDatabase, type TestResource } from './helpers.ts';

if (!realDatabaseUrl || !realMqttUrl) throw new Error('the fault suite needs GW_TEST_DATABASE_URL and GW_TEST_MQTT_URL (pnpm test:integration)');

const ROOT = path.resolve(import.meta.dirname, '../..');
const MOSQUITTO = '/usr/sbin/mosquitto';
const network = generateNetwork();
const run = `${process.pid}${Date.now().toString(36)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString();
const report = (line: Record<string, unknown>) => console.log(`[fault-report] ${JSON.stringify(line)}`);

interface Area { id: string; feeder: string; device: string; concentrator: string; meters: string[]; customers: string[] }
const areas: Area[] = network.transformers.map((t) => {
  const cs = network.customers.filter((c) => c.transformer === t.id);
  return { id: t.id, feeder: t.feeder, device: t.device, concentrator: t.concentrator, meters: cs.map((c) => c.meter), customers: cs.map((c) => c.id) };
});
/** One station area under each fuse, so that no two outages of a test roll up into one. */
const onePerFuse = [...new Map(areas.map((a) => [a.device, a])).values()];

// ── what every test tidies up ────────────────────────────────────────────────────────────────
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const c of cleanups.reverse()) await c().catch((err: Error) => console.error(`cleanup: ${err.message}`));
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function sqlClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  cleanups.push(() => c.end());
  return c;
}

const count = async (sql: pg.Client, text: string, params: unknown[] = []) => (await sql.query<{ n: number }>(text, params)).rows[0]!.n;

/** A persistent session left on the shared broker would queue every later message on its topics. */
const discardSession = (url: string, clientId: string) => async () =>
  (await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 3_000 }).catch(() => null))?.endAsync();

// ── a GridWatch server as a real child process (as orchestrators run it) ───────────────────────
interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resident memory of the server process, MB (from /proc). */
  rssMb(): number;
  stop(): Promise<void>;
}

async function startServer(name: string, env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const p = port ?? (await freePort());
  const dataDir = await mkdtemp(path.join(tmpdir(), `gw-fault-${name}-`));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(p),
      SIMULATOR: 'false',
      NETWORK: 'demo',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      CONSOLE_PASSWORD: 'fault-test-password',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  const tail = (d: Buffer) => (out = (out + d.toString()).slice(-6000));
  child.stdout!.on('data', tail);
  child.stderr!.on('data', tail);
  return {
    child,
    url: `http://127.0.0.1:${p}`,
    output: () => out,
    rssMb: () => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
      } catch {
        return NaN; // exited
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(20_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

async function getJson(url: string, timeoutMs = 5_000): Promise<{ status: number; body: any }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch (err) {
    return { status: 0, body: { error: (err as Error).message } };
  }
}

/** Unlabelled Prometheus samples by name. */
async function metrics(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const out: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+) (\S+)$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

// ── a steady stream of concentrator readings over QoS 1 ─────────────────────────────────────
/**
 * One message per station area in turn, `perSecond` messages a second; every round of the areas
 * carries the next second as its interval end, so every reading has a key of its own and the
 * database count of a time range is the number published in it.
 */
class ReadingsLoad {
  published = 0;
  acked = 0;
  failed = 0;
  readonly maxRows: number;
  readonly minRows: number;
  private tick = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly perTs = new Map<number, number>();
  private readonly sentAt: { at: number; rows: number }[] = [];

  constructor(
    private readonly client: MqttClient,
    private readonly prefix: string,
    private readonly list: Area[],
    private readonly startTs: number,
    private readonly perSecond: number,
  ) {
    this.maxRows = Math.max(...list.map((a) => a.meters.length));
    this.minRows = Math.min(...list.map((a) => a.meters.length));
  }

  start(): void {
    this.timer = setInterval(() => this.send(), 1000 / this.perSecond);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Interval end of the round being published now. */
  currentTs(): number {
    return this.startTs + Math.floor(this.tick / this.list.length) * 1000;
  }

  /** Readings published with an interval end in [from, to]. */
  publishedBetween(from: number, to: number): number {
    let n = 0;
    for (const [ts, rows] of this.perTs) if (ts >= from && ts <= to) n += rows;
    return n;
  }

  /** Readings published within [from, to] (wall clock). */
  publishedDuring(from: number, to: number): number {
    return this.sentAt.filter((s) => s.at >= from && s.at <= to).reduce((a, s) => a + s.rows, 0);
  }

  private send(): void {
    const area = this.list[this.tick % this.list.length]!;
    const ts = this.currentTs();
    this.tick++;
    const rows = area.meters.length;
    const body = { ts: iso(ts), interval_s: 900, readings: area.meters.map((m, i) => ({ meter: m, kwh: Math.round((ts / 1000 + i) % 1000) / 10, v: 220 + (i % 7) })) };
    this.published += rows;
    this.perTs.set(ts, (this.perTs.get(ts) ?? 0) + rows);
    this.sentAt.push({ at: Date.now(), rows });
    this.client.publish(topics(this.prefix).readings(area.id), JSON.stringify(body), { qos: 1 }, (err) => {
      if (err) this.failed += rows;
      else this.acked += rows;
    });
  }
}

// ── a TCP proxy in front of the database, to take it away and give it back ────────────────────
class DbProxy {
  mode: 'up' | 'refuse' | 'blackhole' = 'up';
  dropped = 0;
  /** Connections dropped in the middle of a write (a batch on its way to the database). */
  droppedMidWrite = 0;
  private trap: (() => void) | null = null;
  refused = 0;
  blackholed = 0;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private readonly held = new Set<net.Socket>();
  private readonly server: net.Server;

  constructor(private readonly host: string, private readonly port: number) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Drops every open connection; new ones are refused (reset) or black-holed (accepted, never answered). */
  down(mode: 'refuse' | 'blackhole'): void {
    this.mode = mode;
    this.trap = null;
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
      this.dropped++;
    }
    this.pairs.clear();
  }

  /**
   * Like `down`, at the moment the server is sending a batch (the next chunk of 1 KiB or more
   * towards the database): half of it goes through, then every connection is dropped, so a COPY
   * or a transaction is cut in the middle. Resolves once that happened.
   */
  downMidWrite(mode: 'refuse' | 'blackhole'): Promise<void> {
    return new Promise((resolve) => {
      this.trap = () => {
        this.trap = null;
        this.droppedMidWrite++;
        this.down(mode);
        resolve();
      };
    });
  }

  up(): void {
    this.mode = 'up';
    for (const s of this.held) s.destroy();
    this.held.clear();
  }

  async close(): Promise<void> {
    this.up();
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    await new Promise((r) => this.server.close(r));
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => {});
    if (this.mode === 'refuse') {
      this.refused++;
      socket.resetAndDestroy();
      return;
    }
    if (this.mode === 'blackhole') {
      this.blackholed++;
      this.held.add(socket);
      return;
    }
    const upstream = net.connect(this.port, this.host);
    upstream.on('error', () => socket.destroy());
    const pair: [net.Socket, net.Socket] = [socket, upstream];
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      socket.destroy();
      upstream.destroy();
    };
    socket.on('close', end);
    upstream.on('close', end);
    socket.on('data', (chunk: Buffer) => {
      if (this.trap && chunk.length >= 1024) {
        upstream.write(chunk.subarray(0, chunk.length >> 1));
        return this.trap();
      }
      if (!upstream.write(chunk)) socket.pause();
    });
    upstream.on('drain', () => socket.resume());
    upstream.pipe(socket);
  }
}

// ── our own Mosquitto, to stop and start ─────────────────────────────────────────────────────
interface OwnBroker {
  url: string;
  start(): Promise<void>;
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  output(): string;
}

async function ownMosquitto(autosaveS: number): Promise<OwnBroker> {
  if (!existsSync(MOSQUITTO)) throw new Error(`${MOSQUITTO} not found: the broker-restart test runs its own Mosquitto; install it with \`bash .ci/mosquitto.sh start\` (Debian package mosquitto)`);
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'gw-fault-mosquitto-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const conf = path.join(dir, 'mosquitto.conf');
  // As .ci/mosquitto.sh writes it, but saving the in-memory state every `autosaveS` seconds (a
  // SIGKILL loses what arrived since the last save; SIGTERM saves on the way out).
  await writeFile(conf, [
    `listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, `autosave_interval ${autosaveS}`,
    'max_queued_messages 100000', 'max_inflight_messages 1000', 'log_dest stderr', 'log_type error', 'log_type warning', 'log_type notice',
  ].join('\n') + '\n');
  // Run as root, mosquitto drops to its own user, which must be able to write the persistence file.
  if (process.getuid?.() === 0) {
    const ids = /^mosquitto:[^:]*:(\d+):(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'));
    if (ids) chownSync(dir, Number(ids[1]), Number(ids[2]));
  }
  let child: ChildProcess | null = null;
  let out = '';
  const url = `mqtt://127.0.0.1:${port}`;
  const broker: OwnBroker = {
    url,
    output: () => out,
    async start() {
      const c = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      children.add(c);
      c.stdout!.on('data', (d: Buffer) => (out = (out + d).slice(-4000)));
      c.stderr!.on('data', (d: Buffer) => (out = (out + d).slice(-4000)));
      await eventually(async () => {
        if (c.exitCode !== null) throw new Error(`mosquitto exited (${c.exitCode}): ${out}`);
        const probe = await mqtt.connectAsync(url, { clientId: `probe-${run}`, clean: true, reconnectPeriod: 0, connectTimeout: 1_000 });
        await probe.endAsync();
        return true;
      }, 10_000, `mosquitto on port ${port}`);
    },
    async stop(signal) {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill(signal);
      await exited;
    },
  };
  cleanups.push(() => broker.stop('SIGTERM'));
  return broker;
}

// ── messages of a storm ──────────────────────────────────────────────────────────────────────
interface Msg { topic: string; body: unknown }

function lossOf(T: ReturnType<typeof topics>, a: Area, ts: number, meters = 3): Msg[] {
  return [
    ...a.meters.slice(0, meters).map((m, i) => ({ topic: T.meterEvents(a.id), body: { device: m, ts: iso(ts + i * 1000), code: EVENT_CODE.lastGasp } })),
    { topic: T.meterEvents(a.id), body: { device: a.concentrator, ts: iso(ts + 30_000), code: EVENT_CODE.powerOff } },
  ];
}

const restoreOf = (T: ReturnType<typeof topics>, a: Area, ts: number): Msg => ({ topic: T.meterEvents(a.id), body: { device: a.concentrator, ts: iso(ts), code: EVENT_CODE.powerRestored } });

const contact = (T: ReturnType<typeof topics>, id: string, customer: string, ts: number, category: string, type: 'report' | 'enquiry' | 'complaint'): Msg => ({
  topic: T.contacts(),
  body: { id, ts: iso(ts), channel: 'hotline', customer, category, type, text: `${category} ${type}` },
});

const readingsOf = (T: ReturnType<typeof topics>, a: Area, ts: number, intervalS = 900): Msg => ({
  topic: T.readings(a.id),
  body: { ts: iso(ts), interval_s: intervalS, readings: a.meters.map((m) => ({ meter: m, kwh: 1.5, v: 221 })) },
});

async function publishAll(client: MqttClient, msgs: readonly Msg[]): Promise<void> {
  for (const m of msgs) await client.publishAsync(m.topic, JSON.stringify(m.body), { qos: 1 });
}

// ══════════════════════════════════════════════════════════════════════════════════════════════
describe('faults, injected for real', () => {
  it('database unreachable for 30 s during steady ingest: degraded with a reason, bounded buffers, every reading stored exactly once', async () => {
    const db = await testDatabase();
    cleanups.push(() => db.close());
    const target = new URL(db.url);
    const proxy = new DbProxy(target.hostname, Number(target.port || 5432));
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.listen());
    cleanups.push(() => proxy.close());
    const sql = await sqlClient(db.url); // straight to the database, past the proxy

    const cap = 3_000;
    const clientId = `gwf${run}-dbdown`;
    const prefix = `gwfault/${run}/dbdown/v1`;
    cleanups.push(discardSession(realMqttUrl!, clientId));
    const server = await startServer('dbdown', {
      DATABASE_URL: proxied.toString(),
      MQTT_URL: realMqttUrl!,
      MQTT_CLIENT_ID: clientId,
      TOPIC_PREFIX: prefix,
      INGEST_MAX_BUFFERED_ROWS: String(cap),
      INGEST_BATCH_ROWS: '1000',
      INGEST_FLUSH_MS: '100',
    });
    cleanups.push(() => server.stop());
    const health = () => getJson(`${server.url}/api/health`, 8_000);
    await eventually(async () => (await health()).status === 200, 60_000, 'server healthy').catch((err: Error) => {
      throw new Error(`${err.message}\n${server.output()}`);
    });

    const publisher = await mqtt.connectAsync(realMqttUrl!, { clientId: `${clientId}-pub`, clean: true });
    cleanups.push(() => publisher.endAsync());
    // 12 station areas, one message every 1/12 s: about 230 readings a second.
    const load = new ReadingsLoad(publisher, prefix, areas.slice(0, 12), Math.floor(Date.now() / 1000) * 1000 - 86_400_000, 12);
    const stored = () => count(sql, 'SELECT count(*)::int AS n FROM readings');
    load.start();
    await eventually(async () => (await stored()) > 0, 15_000, 'readings stored before the fault');
    await sleep(3_000);
    const rssBefore = server.rssMb();

    type Sample = { at: number; phase: string; status: number; body: any; buffered: number; unacked: number; rss: number };
    const samples: Sample[] = [];
    let phase = 'before';
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const at = Date.now();
        const [h, m] = await Promise.all([health(), metrics(server.url).catch(() => ({}) as Record<string, number>)]);
        samples.push({ at, phase, status: h.status, body: h.body, buffered: m.gridwatch_ingest_buffered_rows ?? NaN, unacked: m.gridwatch_ingest_unacked_messages ?? NaN, rss: server.rssMb() });
        await sleep(500);
      }
    })();

    // The fault: every connection dropped, in the middle of a batch on its way; 15 s of refused
    // connections, then 15 s of silence.
    await Promise.race([proxy.downMidWrite('refuse'), sleep(10_000)]);
    if (proxy.mode === 'up') proxy.down('refuse'); // no batch went out in 10 s: asserted below
    const downAt = Date.now();
    phase = 'down';
    await sleep(15_000);
    proxy.down('blackhole');
    await sleep(15_000);
    const publishedAtUp = load.published;
    const upAt = Date.now();
    phase = 'recovering';
    proxy.up();

    let healthyAt = 0;
    let caughtUpAt = 0;
    await eventually(async () => {
      if (!caughtUpAt && (await stored()) >= publishedAtUp) caughtUpAt = Date.now();
      if (!healthyAt && (await health()).status === 200) healthyAt = Date.now();
      return caughtUpAt && healthyAt;
    }, 90_000, 'every reading published during the outage stored and health ok again').catch(async (err: Error) => {
      // What the server was doing, to explain a failure.
      const trail = samples.filter((x) => x.phase !== 'before').slice(-12).map((x) => `+${x.at - upAt} ms ${x.status} buffered ${x.buffered} unacked ${x.unacked}: ${JSON.stringify(x.body?.database?.error ?? null)} ${JSON.stringify(x.body?.ingest?.lastWriteError ?? null)}`);
      throw new Error(`${err.message}; stored ${await stored()} of ${publishedAtUp} (published ${load.published}); healthy ${healthyAt ? healthyAt - upAt : 'never'}; metrics ${JSON.stringify(await metrics(server.url).catch((e: Error) => e.message))}\n${trail.join('\n')}\nserver output:\n${server.output()}`);
    });
    const recoveryMs = Math.max(caughtUpAt, healthyAt) - upAt;
    await sleep(3_000);
    phase = 'after';
    await load.stop();
    await eventually(() => load.acked + load.failed === load.published, 10_000, 'the broker acknowledged every publish');
    await eventually(async () => (await stored()) >= load.published, 30_000, `${load.published} readings stored`);
    await sleep(1_000);
    sampling = false;
    await sampler;
    const m = await metrics(server.url);
    const keys = (await sql.query<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT (meter, ts))::int AS distinct FROM readings')).rows[0]!;
    const rssAfter = server.rssMb();

    const down = samples.filter((s) => s.phase === 'down');
    const settledDown = down.filter((s) => s.at >= downAt + 3_000);
    const maxBuffered = Math.max(...down.map((s) => s.buffered).filter(Number.isFinite));
    const maxUnacked = Math.max(...down.map((s) => s.unacked).filter(Number.isFinite));
    const rssDuring = Math.max(...down.map((s) => s.rss));
    const reasons = [...new Set(settledDown.map((s) => s.body?.database?.error ?? s.body?.ingest?.lastWriteError ?? null))];
    report({
      fault: 'database unreachable 30 s (TCP proxy: connections dropped, 15 s refused, 15 s black-holed)',
      repetitions: 1,
      published: load.published,
      stored: keys.n,
      lost: load.published - keys.n,
      duplicated: keys.n - keys.distinct,
      redeliveriesAbsorbed: m.gridwatch_readings_duplicate_total,
      recoveryMs,
      healthOkAfterMs: healthyAt - upAt,
      caughtUpAfterMs: caughtUpAt - upAt,
      readingsPerSecond: Math.round(load.published / ((Date.now() - downAt + 6_000) / 1000)),
      bufferedCap: cap,
      maxBufferedRows: maxBuffered,
      maxUnackedMessages: maxUnacked,
      backpressureWaits: m.gridwatch_ingest_backpressure_waits_total,
      dbWriteErrors: m.gridwatch_db_write_errors_total,
      rssMb: { before: rssBefore, duringMax: rssDuring, after: rssAfter },
      healthWhileDown: { samples: settledDown.length, degraded: settledDown.filter((s) => s.status === 503 && s.body?.status === 'degraded').length, reasons: reasons.map((r) => String(r).slice(0, 80)) },
      proxy: { dropped: proxy.dropped, droppedMidWrite: proxy.droppedMidWrite, refused: proxy.refused, blackholed: proxy.blackholed },
    });

    // While down: the server answers, says degraded and why.
    expect(settledDown.length).toBeGreaterThan(20);
    for (const s of settledDown) {
      expect(s.status, `health at +${s.at - downAt} ms: ${JSON.stringify(s.body)}`).toBe(503);
      expect(s.body).toMatchObject({ status: 'degraded', database: { up: false } });
      expect(s.body.database.error ?? s.body.ingest.lastWriteError).toEqual(expect.any(String));
    }
    expect(proxy.droppedMidWrite).toBe(1);
    expect(proxy.refused + proxy.blackholed).toBeGreaterThan(0);
    // Memory bounded: the buffers stop at the cap (plus the message that crossed it) and ingest
    // stops reading, so the broker holds the backlog; what is unacknowledged is what is buffered.
    expect(m.gridwatch_ingest_backpressure_waits_total).toBeGreaterThan(0);
    expect(maxBuffered).toBeGreaterThanOrEqual(cap);
    expect(maxBuffered).toBeLessThanOrEqual(cap + load.maxRows);
    expect(maxUnacked).toBeLessThanOrEqual(Math.ceil((cap + load.maxRows) / load.minRows));
    expect(rssDuring - rssBefore).toBeLessThan(150);
    // Back: every reading once, nothing missing, healthy.
    expect(load.failed).toBe(0);
    expect(keys.n).toBe(load.published);
    expect(keys.distinct).toBe(keys.n);
    expect((await health()).body).toMatchObject({ status: 'ok', database: { up: true }, ingest: { lastWriteError: null } });
    expect(server.child.exitCode).toBeNull();
  });

  it('broker restarted (SIGTERM twice, then SIGKILL) while a persistent publisher keeps publishing: reconnects and resubscribes by itself, nothing lost, nothing twice', async () => {
    const broker = await ownMosquitto(1);
    await broker.start();
    const db = await testDatabase();
    cleanups.push(() => db.close());
    const sql = await sqlClient(db.url);
    const config = await testConfig(db, { url: broker.url, embedded: false, close: async () => {} }, { network: 'demo', ingestFlushMs: 100 });
    const system = await startSystem(config, quietLogger, { httpLogger: false });
    cleanups.push(() => system.close());
    await eventually(() => system.core.mqttConnected(), 10_000, 'ingest connected to our broker');
    // The publisher keeps its own session and, while the broker is away, queues what it publishes.
    const publisher = await mqtt.connectAsync(broker.url, { clientId: `${config.mqttClientId}-pub`, clean: false, reconnectPeriod: 250, connectTimeout: 2_000 });
    cleanups.push(() => publisher.endAsync(true));
    const load = new ReadingsLoad(publisher, config.topicPrefix, areas.slice(12, 22), Math.floor(Date.now() / 1000) * 1000 - 86_400_000, 10);
    const stored = () => count(sql, 'SELECT count(*)::int AS n FROM readings');
    const storedUpTo = (ts: number) => count(sql, 'SELECT count(*)::int AS n FROM readings WHERE ts <= $1', [iso(ts)]);
    load.start();
    await eventually(async () => (await stored()) > 0, 10_000, 'readings flowing');
    await sleep(2_000);

    const cycles: { signal: string; downMs: number; reconnectMs: number; recoveryMs: number; queuedWhileDown: number; lost?: number }[] = [];
    for (const signal of ['SIGTERM', 'SIGTERM', 'SIGKILL'] as const) {
      const killAt = Date.now();
      const killTs = load.currentTs();
      await broker.stop(signal);
      await eventually(() => !system.core.mqttConnected(), 10_000, 'the server notices the broker is gone');
      const before = load.published;
      await sleep(4_000);
      const queuedWhileDown = load.published - before;
      const upAt = Date.now();
      const upTs = load.currentTs();
      await broker.start();
      await eventually(() => system.core.mqttConnected(), 20_000, 'the server reconnects by itself');
      const reconnectMs = Date.now() - upAt;
      if (signal === 'SIGTERM') {
        // Everything published up to now — before, during and after the restart — is stored.
        const checkpoint = load.currentTs() - 1000;
        const expected = load.publishedBetween(0, checkpoint);
        await eventually(async () => (await storedUpTo(checkpoint)) >= expected, 30_000, `the ${expected} readings published up to the restart stored`);
        const lost = expected - (await storedUpTo(checkpoint));
        cycles.push({ signal, downMs: upAt - killAt, reconnectMs, recoveryMs: Date.now() - upAt, queuedWhileDown, lost });
        expect(lost).toBe(0);
      } else {
        // Killed, the broker keeps only what its last save (1 s before at most) held: messages it
        // had taken since and not yet delivered are its loss, not GridWatch's; at most those of
        // the last 2 s before the kill. Everything published after the kill (the publisher's
        // offline queue, then the live stream) is stored: the server resubscribed by itself.
        const inRange = (to: number) => count(sql, 'SELECT count(*)::int AS n FROM readings WHERE ts > $1 AND ts <= $2', [iso(killTs), iso(to)]);
        // The rounds the publisher completed while the broker was down (its offline queue).
        const queued = load.publishedBetween(killTs + 1000, upTs - 1000);
        await eventually(async () => (await inRange(upTs - 1000)) >= queued, 30_000, 'readings the publisher queued while the broker was down');
        cycles.push({ signal, downMs: upAt - killAt, reconnectMs, recoveryMs: Date.now() - upAt, queuedWhileDown, lost: load.publishedDuring(killAt - 2_000, killAt) });
        await sleep(2_000);
        const to = load.currentTs() - 1000;
        const expected = load.publishedBetween(killTs + 1000, to);
        await eventually(async () => (await inRange(to)) >= expected, 30_000, 'readings published after the broker came back');
        expect(to).toBeGreaterThan(upTs);
        expect(queued).toBeGreaterThan(0);
        expect(await inRange(upTs - 1000)).toBe(queued);
        expect(await inRange(to)).toBe(expected);
      }
    }
    await load.stop();
    await eventually(() => load.acked + load.failed === load.published, 15_000, 'the broker acknowledged every publish');
    await sleep(1_500);
    await system.core.flush();
    const keys = (await sql.query<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT (meter, ts))::int AS distinct FROM readings')).rows[0]!;
    const lostAtKill = load.published - keys.n;
    const allowed = cycles.at(-1)!.lost!;
    cycles.at(-1)!.lost = lostAtKill;
    report({
      fault: 'broker restart (own Mosquitto, persistence on; SIGTERM x2, SIGKILL x1) under QoS 1 publishing with a persistent publisher session',
      repetitions: cycles.length,
      published: load.published,
      stored: keys.n,
      lost: lostAtKill,
      duplicated: keys.n - keys.distinct,
      redeliveriesAbsorbed: system.core.metrics.duplicatesIgnored,
      recoveryMs: Math.max(...cycles.map((c) => c.recoveryMs)),
      reconnectMs: cycles.map((c) => c.reconnectMs),
      cycles,
    });
    expect(load.failed).toBe(0);
    expect(keys.distinct).toBe(keys.n);
    expect(lostAtKill).toBeGreaterThanOrEqual(0);
    expect(lostAtKill).toBeLessThanOrEqual(allowed);
    expect(system.core.unackedMessages()).toBe(0);
  });

  it('server SIGKILLed mid-storm and restarted: the same outages, alerts and orders, none twice, nothing half-written, nothing acknowledged lost', async () => {
    const db = await testDatabase();
    cleanups.push(() => db.close());
    const sql = await sqlClient(db.url);
    const clientId = `gwf${run}-kill`;
    const prefix = `gwfault/${run}/kill/v1`;
    const T = topics(prefix);
    cleanups.push(discardSession(realMqttUrl!, clientId));
    const holdS = 6;
    const env = {
      DATABASE_URL: db.url,
      MQTT_URL: realMqttUrl!,
      MQTT_CLIENT_ID: clientId,
      TOPIC_PREFIX: prefix,
      OUTAGE_HOLD_S: String(holdS),
      OUTAGE_DA_HOLD_S: '1',
      INGEST_FLUSH_MS: '100',
      RISK_EVAL_S: '2',
      RISK_ALERT_THRESHOLD: '0.01',
      ALERT_FLOOD_MAX: '100',
    };
    const port = await freePort();
    let server = await startServer('kill-1', env, port);
    const api = (p: string) => getJson(`${server.url}${p}`);
    await eventually(async () => (await api('/api/health')).status === 200, 60_000, 'server healthy').catch((err: Error) => {
      throw new Error(`${err.message}\n${server.output()}`);
    });
    const publisher = await mqtt.connectAsync(realMqttUrl!, { clientId: `${clientId}-pub`, clean: true });
    cleanups.push(() => publisher.endAsync());

    // The storm: four station areas dark (last gasps, then their concentrators), a feeder breaker
    // locked out, complaints about each, readings from the areas still live.
    const now = Date.now();
    const dark = onePerFuse.filter((a) => a.feeder !== 'F0203').slice(0, 6);
    const [a0, a1, a2, a3, inHold, whileDown] = dark;
    const breaker = 'F0203-B';
    const underBreaker = areas.filter((a) => a.feeder === 'F0203');
    const live = areas.filter((a) => !dark.includes(a) && a.feeder !== 'F0203').slice(0, 10);
    let contactSeq = 0;
    const contactsSent = new Set<string>();
    const complaint = (customer: string, ts: number, category = 'outage', type: 'report' | 'complaint' = 'complaint') => {
      const id = `C${run}-${contactSeq++}`;
      contactsSent.add(id);
      return contact(T, id, customer, ts, category, type);
    };
    let readingsSent = 0;
    const readings = (list: Area[], ts: number) => {
      readingsSent += list.reduce((n, a) => n + a.meters.length, 0);
      return list.map((a) => readingsOf(T, a, ts));
    };
    const stormStart = now - 12 * 60_000;
    await publishAll(publisher, [
      ...readings(live, now - 20 * 60_000),
      ...[a0, a1, a2, a3].flatMap((a, i) => lossOf(T, a!, stormStart + i * 20_000)),
      { topic: T.faults(underBreaker[0]!.feeder), body: { device: breaker, ts: iso(stormStart + 90_000), kind: 'breaker.trip' } },
      { topic: T.faults(underBreaker[0]!.feeder), body: { device: breaker, ts: iso(stormStart + 95_000), kind: 'breaker.lockout' } },
      ...[a0, a1, a2, a3, ...underBreaker.slice(0, 2)].flatMap((a) => a!.customers.slice(0, 3).map((c, i) => complaint(c, now - 5 * 60_000 + i * 1000, 'outage', i === 0 ? 'report' : 'complaint'))),
    ]);
    const openBefore = await eventually(async () => {
      const list = ((await api('/api/outages?status=active')).body?.outages ?? []) as OutageDto[];
      const roots = list.filter((o) => o.parentId === null);
      return roots.length === 5 ? list : null;
    }, 30_000, 'five outages open');
    const alertsBefore = await eventually(async () => {
      const list = ((await api('/api/alerts')).body?.alerts ?? []) as AlertDto[];
      return openBefore.filter((o) => o.parentId === null).every((o) => list.some((a) => a.outageId === o.id)) ? list : null;
    }, 30_000, 'an alert on every open outage');
    const ordersOf = async () =>
      (await sql.query<{ id: string; outage_id: string | null; status: string; contacts: string[] }>(
        `SELECT o.id, o.outage_id, o.status, array_agg(c.contact_id ORDER BY c.contact_id) AS contacts
         FROM work_orders o JOIN work_order_contacts c ON c.order_id = o.id WHERE o.merged_into IS NULL GROUP BY o.id ORDER BY o.id`,
      )).rows;
    await eventually(async () => (await count(sql, 'SELECT count(*)::int AS n FROM work_order_contacts')) === contactsSent.size, 20_000, 'every contact in an order');
    await eventually(async () => (await ordersOf()).filter((o) => o.outage_id !== null).length === 5, 20_000, 'one order per outage');
    const ordersBefore = await ordersOf();

    // Mid-storm: evidence for one more station area, and a burst of calls; the server takes them
    // (the broker has its acknowledgement once their rows are committed) and is killed at once,
    // while that outage is still in its hold: only the server knew of it, and only in memory.
    const burst = [...[a0, a1, a2, a3].flatMap((a) => a!.customers.slice(3, 8)), ...live.flatMap((a) => a.customers.slice(0, 2))].map((c, i) =>
      complaint(c, now - 60_000 + i * 100, i % 3 === 0 ? 'billing' : 'outage', i % 2 ? 'complaint' : 'report'),
    );
    await publishAll(publisher, [...lossOf(T, inHold!, now - 3 * 60_000), ...burst]);
    await eventually(async () => (await count(sql, 'SELECT count(*)::int AS n FROM meter_events WHERE device = $1', [inHold!.concentrator])) === 1, 10_000, 'the mid-storm evidence committed');
    await eventually(async () => (await count(sql, 'SELECT count(*)::int AS n FROM contacts')) === contactsSent.size, 10_000, 'the burst of calls committed');
    server.child.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((r) => (server.child.exitCode !== null || server.child.signalCode !== null ? r(null) : server.child.once('exit', r)));
    // The kill came while that outage was still in its hold (else this test proves less than it says).
    const heldAtKill = (await count(sql, 'SELECT count(*)::int AS n FROM outages WHERE device = $1', [inHold!.id])) === 0;
    const ordersMissingAtKill = contactsSent.size - (await count(sql, 'SELECT count(*)::int AS n FROM work_order_contacts'));

    // While it is down: a restoration, a new station area dark, more calls and readings. The
    // broker delivers them the moment the restarted server resumes its session.
    const downMsgs = [
      restoreOf(T, a0!, now - 30_000),
      ...lossOf(T, whileDown!, now - 2 * 60_000),
      ...whileDown!.customers.slice(0, 2).map((c) => complaint(c, now - 10_000)),
      ...readings(live, now - 5 * 60_000),
    ];
    await publishAll(publisher, downMsgs);

    const restartAt = Date.now();
    server = await startServer('kill-2', env, port);
    const restoredId = openBefore.find((o) => o.device === a0!.id)!.id;
    const expectedOpen = openBefore.filter((o) => o.id !== restoredId);
    let healthyAt = 0;
    const resynced = async () => {
      if ((await api('/api/health')).status !== 200) return false;
      healthyAt ||= Date.now();
      const list = ((await api('/api/outages?status=all')).body?.outages ?? []) as OutageDto[];
      const byDevice = (id: string) => list.find((o) => o.device === id);
      return (
        expectedOpen.every((o) => list.some((x) => x.id === o.id && x.restoredAt === null)) &&
        list.some((x) => x.id === restoredId && x.restoredAt !== null) &&
        byDevice(inHold!.id) && byDevice(whileDown!.id) &&
        (await count(sql, 'SELECT count(*)::int AS n FROM work_order_contacts')) === contactsSent.size &&
        (await count(sql, 'SELECT count(*)::int AS n FROM readings')) === readingsSent
      );
    };
    let resyncedAt = 0;
    const outcome = await eventually(async () => (await resynced()) && (resyncedAt = Date.now()), 60_000, 'the restarted server resynced').then(() => null, (err: Error) => err);
    const all = ((await api('/api/outages?status=all')).body?.outages ?? []) as OutageDto[];
    const alertsAfter = ((await api('/api/alerts')).body?.alerts ?? []) as AlertDto[];
    const ordersAfter = await ordersOf();
    const integrity = {
      outagesTwice: await count(sql, 'SELECT count(*)::int AS n FROM (SELECT device, started_at FROM outages GROUP BY 1, 2 HAVING count(*) > 1) x'),
      openOutagesTwicePerDevice: await count(sql, 'SELECT count(*)::int AS n FROM (SELECT device FROM outages WHERE restored_at IS NULL GROUP BY 1 HAVING count(*) > 1) x'),
      outagesWithoutAreas: await count(sql, `SELECT count(*)::int AS n FROM outages WHERE level <> 'meter' AND cardinality(transformers) = 0`),
      nestedWithoutParent: await count(sql, 'SELECT count(*)::int AS n FROM outages o WHERE parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM outages p WHERE p.id = o.parent_id)'),
      alertsTwicePerOutage: await count(sql, 'SELECT count(*)::int AS n FROM (SELECT outage_id FROM alerts GROUP BY 1 HAVING count(*) > 1) x'),
      alertsWithoutOutage: await count(sql, 'SELECT count(*)::int AS n FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM outages o WHERE o.id = a.outage_id)'),
      ordersTwicePerOutage: await count(sql, 'SELECT count(*)::int AS n FROM (SELECT outage_id FROM work_orders WHERE outage_id IS NOT NULL AND merged_into IS NULL GROUP BY 1 HAVING count(*) > 1) x'),
      ordersWithoutOutage: await count(sql, 'SELECT count(*)::int AS n FROM work_orders w WHERE outage_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM outages o WHERE o.id = w.outage_id)'),
      orderContactsWithoutOrder: await count(sql, 'SELECT count(*)::int AS n FROM work_order_contacts c WHERE NOT EXISTS (SELECT 1 FROM work_orders o WHERE o.id = c.order_id)'),
      ordersWithoutContacts: await count(sql, 'SELECT count(*)::int AS n FROM work_orders o WHERE NOT EXISTS (SELECT 1 FROM work_order_contacts c WHERE c.order_id = o.id OR c.order_id = o.merged_into)'),
      contactsWithoutOrder: await count(sql, 'SELECT count(*)::int AS n FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM work_order_contacts w WHERE w.contact_id = c.id)'),
      noticeRecipientsWithoutNotice: await count(sql, 'SELECT count(*)::int AS n FROM notice_recipients r WHERE NOT EXISTS (SELECT 1 FROM notices n WHERE n.id = r.notice_id)'),
    };
    const storedReadings = await count(sql, 'SELECT count(*)::int AS n FROM readings');
    const storedContacts = await count(sql, 'SELECT count(*)::int AS n FROM contacts');
    report({
      fault: 'server SIGKILL mid-storm (an outage in its hold), restart on the same database and broker session',
      repetitions: 1,
      published: { readings: readingsSent, contacts: contactsSent.size },
      stored: { readings: storedReadings, contacts: storedContacts, contactsInOrders: ordersAfter.reduce((n, o) => n + o.contacts.length, 0) },
      lost: readingsSent - storedReadings + contactsSent.size - storedContacts + integrity.contactsWithoutOrder + (all.some((o) => o.device === inHold!.id) ? 0 : 1) + (all.some((o) => o.device === whileDown!.id) ? 0 : 1),
      duplicated: integrity.outagesTwice + integrity.alertsTwicePerOutage + integrity.ordersTwicePerOutage,
      recoveryMs: resyncedAt ? resyncedAt - restartAt : null,
      healthyAfterRestartMs: healthyAt ? healthyAt - restartAt : null,
      outageHoldS: holdS,
      killedToRestartMs: restartAt - killedAt,
      outageHeldAtKill: heldAtKill,
      contactsNotYetInOrdersAtKill: ordersMissingAtKill,
      openOutagesBefore: openBefore.length,
      alertsBefore: alertsBefore.length,
      ordersBefore: ordersBefore.length,
      integrity,
    });
    if (outcome) throw new Error(`${outcome.message}\noutages: ${JSON.stringify(all.map((o) => [o.id, o.status]))}\nintegrity: ${JSON.stringify(integrity)}\nserver output:\n${server.output()}`);

    // The same open outages and alerts, by id; the one restored while the server was down is
    // restored under its id, and its alert resolved.
    for (const o of expectedOpen) expect(all.find((x) => x.id === o.id), o.id).toMatchObject({ restoredAt: null, customers: o.customers, device: o.device });
    const restored = all.find((x) => x.id === restoredId)!;
    expect(restored.status).toBe('restored');
    for (const a of alertsBefore) {
      if (a.outageId === restored.id) expect(alertsAfter.some((x) => x.id === a.id)).toBe(false);
      else expect(alertsAfter.find((x) => x.id === a.id), a.id).toMatchObject({ outageId: a.outageId, raisedAt: a.raisedAt });
    }
    // The work orders of before, same ids, same contacts (their outage order may have gained calls).
    for (const o of ordersBefore) {
      const after = ordersAfter.find((x) => x.id === o.id);
      expect(after, o.id).toBeDefined();
      expect(after!.contacts).toEqual(expect.arrayContaining(o.contacts));
    }
    // Acknowledged before the kill: the outage in its hold, and every call in an order.
    expect(heldAtKill).toBe(true);
    expect(all.filter((o) => o.device === inHold!.id)).toHaveLength(1);
    expect(all.filter((o) => o.device === whileDown!.id)).toHaveLength(1);
    expect(integrity).toEqual(Object.fromEntries(Object.keys(integrity).map((k) => [k, 0])));
    expect(storedReadings).toBe(readingsSent);
    expect(storedContacts).toBe(contactsSent.size);
    await server.stop();
  });

  it('duplicated and out-of-order delivery: a storm sent once in order and twice over shuffled gives the same readings, outages, complaints and work orders', async () => {
    const seed = Number(process.env.FAULT_SEED ?? 9);
    const rng = createRng(seed);
    const shuffle = <X>(xs: X[]) => {
      const a = [...xs];
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      return a;
    };
    const now = Date.now();
    const [x1, x2, x3] = onePerFuse.filter((a) => a.feeder !== 'F0203').slice(0, 3);
    const breakerFeeder = areas.filter((a) => a.feeder === 'F0203');
    const others = areas.filter((a) => a.feeder !== 'F0203' && ![x1, x2, x3].includes(a)).slice(0, 4);
    // The storm, in phases: before the restorations are sent, the engine has seen every loss.
    const storm = (T: ReturnType<typeof topics>) => {
      const tLoss = now - 20 * 60_000;
      const loss: Msg[] = [
        // readings of an interval before the losses, arriving with them (late): no restoration
        ...[x1, x2, x3, ...others].map((a) => readingsOf(T, a!, now - 40 * 60_000)),
        ...[x1, x2, x3].flatMap((a, i) => lossOf(T, a!, tLoss + i * 10_000)),
        { topic: T.faults('F0203'), body: { device: 'F0203-B', ts: iso(tLoss + 60_000), kind: 'breaker.trip', current_a: 2400 } },
        { topic: T.faults('F0203'), body: { device: 'F0203-R1', ts: iso(tLoss + 60_100), kind: 'fci.fault', current_a: 2300 } },
        { topic: T.faults('F0203'), body: { device: 'F0203-B', ts: iso(tLoss + 65_000), kind: 'breaker.lockout' } },
        ...[x1, x2, x3, breakerFeeder[0], breakerFeeder[5]].flatMap((a, k) =>
          a!.customers.slice(0, 3).map((c, i) => contact(T, `D${k}-${i}`, c, now - 10 * 60_000 + k * 1000 + i * 100, 'outage', i === 0 ? 'report' : 'complaint')),
        ),
        ...others.slice(0, 3).map((a, k) => contact(T, `B${k}`, a.customers[0]!, now - 9 * 60_000, 'billing', 'enquiry')),
      ];
      const restore: Msg[] = [
        restoreOf(T, x1!, now - 5 * 60_000),
        { topic: T.meterEvents(x2!.id), body: { device: x2!.meters[0], ts: iso(now - 4 * 60_000), code: EVENT_CODE.powerRestored } },
        // readings of a 1-minute interval after the loss: the area has power again
        readingsOf(T, x3!, now - 3 * 60_000, 60),
        ...others.slice(0, 3).map((a) => readingsOf(T, a, now - 3 * 60_000)),
        contact(T, 'R0', x1!.customers[4]!, now - 60_000, 'outage', 'complaint'),
        contact(T, 'R1', others[3]!.customers[1]!, now - 60_000, 'voltage', 'report'),
      ];
      return { loss, restore };
    };

    const db = { once: await testDatabase(), twice: await testDatabase() };
    cleanups.push(() => db.once.close(), () => db.twice.close());
    const broker = { url: realMqttUrl!, embedded: false, close: async () => {} };
    const overrides = { network: 'demo', outageHoldS: 2, ingestFlushMs: 100, riskAlertThreshold: 0.01, riskEvalS: 2, consolePassword: 'fault-test-password' };
    const systems: Record<'once' | 'twice', System> = {
      once: await startSystem(await testConfig(db.once, broker, overrides), quietLogger, { httpLogger: false }),
      twice: await startSystem(await testConfig(db.twice, broker, overrides), quietLogger, { httpLogger: false }),
    };
    for (const s of Object.values(systems)) {
      cleanups.push(() => s.close(), discardSession(realMqttUrl!, s.config.mqttClientId));
      await eventually(() => s.core.mqttConnected(), 10_000, 'ingest connected');
    }
    const sql = { once: await sqlClient(db.once.url), twice: await sqlClient(db.twice.url) };
    const publisher = await mqtt.connectAsync(realMqttUrl!, { clientId: `gwf${run}-dup-pub`, clean: true });
    cleanups.push(() => publisher.endAsync());

    const expected = (() => {
      const s = storm(topics('x'));
      const msgs = [...s.loss, ...s.restore];
      const keys = (kind: string, key: (b: any) => string[]) => new Set(msgs.filter((m) => m.topic.includes(kind)).flatMap((m) => key(m.body))).size;
      return {
        readings: keys('/readings', (b) => b.readings.map((r: { meter: string }) => `${r.meter}@${b.ts}`)),
        meterEvents: keys('/events', (b) => [`${b.device}@${b.ts}@${b.code}`]),
        faultEvents: keys('/faults', (b) => [`${b.device}@${b.ts}@${b.kind}`]),
        contacts: keys('/contacts', (b) => [b.id]),
        outageComplaints: new Set(msgs.filter((m) => m.topic.endsWith('/contacts') && (m.body as any).category === 'outage' && (m.body as any).type === 'complaint').map((m) => (m.body as any).id)).size,
        messages: msgs.length,
      };
    })();

    const settle = async (name: 'once' | 'twice', stage: 'loss' | 'restore') => {
      const q = sql[name];
      await eventually(async () => {
        const outages = ((await systems[name].app.inject({ url: '/api/outages?status=all' })).json().outages ?? []) as OutageDto[];
        const roots = outages.filter((o) => o.parentId === null);
        const done = stage === 'loss' ? roots.length === 4 : roots.filter((o) => o.restoredAt !== null).length === 3;
        const contactsIn = await count(q, 'SELECT count(*)::int AS n FROM work_order_contacts');
        const want = stage === 'loss' ? expected.contacts - 2 : expected.contacts;
        return done && contactsIn === want;
      }, 30_000, `${name}: ${stage} settled`);
      await systems[name].core.flush();
      await sleep(500);
    };
    const deliveries = { once: 0, twice: 0 };
    const send = async (name: 'once' | 'twice', msgs: Msg[]) => {
      deliveries[name] += msgs.length;
      await publishAll(publisher, msgs);
    };
    const Tonce = storm(topics(systems.once.config.topicPrefix));
    const Ttwice = storm(topics(systems.twice.config.topicPrefix));
    await Promise.all([
      (async () => {
        await send('once', Tonce.loss);
        await settle('once', 'loss');
        await send('once', Tonce.restore);
        await settle('once', 'restore');
      })(),
      (async () => {
        await send('twice', shuffle([...Ttwice.loss, ...Ttwice.loss]));
        await settle('twice', 'loss');
        await send('twice', shuffle([...Ttwice.restore, ...Ttwice.restore]));
        await settle('twice', 'restore');
      })(),
    ]);

    const facts = async (name: 'once' | 'twice') => {
      const q = sql[name];
      const s = systems[name];
      const list = (await s.app.inject({ url: '/api/outages?status=all' })).json().outages as OutageDto[];
      // By device, not id: an outage's start (and so its id) is the earliest evidence the engine
      // had when it opened it, which depends on the delivery order (measured and reported below).
      const outages = list
        .map((o) => ({ device: o.device, level: o.level, status: o.status, customers: o.customers, restored: o.restoredAt !== null }))
        .sort((a, b) => a.device.localeCompare(b.device));
      const starts = Object.fromEntries(list.map((o) => [o.device, o.startedAt]));
      const deviceOf = new Map(list.map((o) => [o.id, o.device]));
      const orders = (await q.query<{ outage: string | null; category: string; contacts: string[] }>(
        `SELECT o.outage_id AS outage, o.category, array_agg(c.contact_id ORDER BY c.contact_id) AS contacts
         FROM work_orders o JOIN work_order_contacts c ON c.order_id = o.id WHERE o.merged_into IS NULL GROUP BY o.id ORDER BY min(c.contact_id)`,
      )).rows.map((o) => ({ ...o, outage: o.outage === null ? null : (deviceOf.get(o.outage) ?? `missing ${o.outage}`) }));
      const from = now - 3 * 3_600_000;
      const kpis = (await s.app.inject({ url: `/api/kpis/service?from=${from}&to=${now + 3_600_000}` })).json();
      const k = kpis.rows[0] as Record<string, number>;
      const hourly = ((await s.app.inject({ url: '/api/complaints/hourly' })).json().hours as { actual: number }[]).reduce((n, h) => n + h.actual, 0);
      return {
        readings: await count(q, 'SELECT count(*)::int AS n FROM readings'),
        meterEvents: await count(q, 'SELECT count(*)::int AS n FROM meter_events'),
        faultEvents: await count(q, 'SELECT count(*)::int AS n FROM fault_events'),
        contacts: await count(q, 'SELECT count(*)::int AS n FROM contacts'),
        orderContacts: await count(q, 'SELECT count(*)::int AS n FROM work_order_contacts'),
        outageRows: await count(q, 'SELECT count(*)::int AS n FROM outages'),
        alerts: await count(q, 'SELECT count(*)::int AS n FROM alerts'),
        outages,
        starts,
        orders,
        kpis: { contacts: k.contacts, complaints: k.complaints, orders: k.orders, outageComplaints: k.outageComplaints },
        complaintsPerHourActual: hourly,
        readingsStoredMetric: s.core.metrics.readingsStored,
        messagesReceived: s.core.metrics.messagesReceived,
      };
    };
    const once = await facts('once');
    const twice = await facts('twice');
    const { messagesReceived: _a, starts: startsOnce, ...onceComparable } = once;
    const { messagesReceived: _b, starts: startsTwice, ...twiceComparable } = twice;
    const startShiftS = Object.fromEntries(Object.keys(startsOnce).map((d) => [d, (startsTwice[d]! - startsOnce[d]!) / 1000]));
    report({
      fault: 'duplicated (every message twice) and shuffled delivery of a storm, against the same storm once in order',
      repetitions: 1,
      published: { once: deliveries.once, twice: deliveries.twice, distinctMessages: expected.messages },
      stored: { readings: twice.readings, meterEvents: twice.meterEvents, faultEvents: twice.faultEvents, contacts: twice.contacts, outages: twice.outageRows, orders: twice.orders.length },
      lost: expected.readings - twice.readings + expected.contacts - twice.contacts,
      duplicated: twice.readings - expected.readings + twice.contacts - expected.contacts + twice.outageRows - once.outageRows + twice.orders.length - once.orders.length,
      recoveryMs: null,
      seed,
      sameAsInOrder: JSON.stringify(onceComparable) === JSON.stringify(twiceComparable),
      outageStartShiftS: startShiftS,
      outageComplaints: { expected: expected.outageComplaints, once: once.kpis.outageComplaints, twice: twice.kpis.outageComplaints, perHourOnce: once.complaintsPerHourActual, perHourTwice: twice.complaintsPerHourActual },
    });

    expect(twice.messagesReceived).toBe(2 * once.messagesReceived);
    for (const f of [once, twice]) {
      expect(f.readings).toBe(expected.readings);
      expect(f.readingsStoredMetric).toBe(expected.readings);
      expect(f.meterEvents).toBe(expected.meterEvents);
      expect(f.faultEvents).toBe(expected.faultEvents);
      expect(f.contacts).toBe(expected.contacts);
      expect(f.orderContacts).toBe(expected.contacts);
      expect(f.outages.filter((o) => o.status !== 'momentary')).toHaveLength(4);
      expect(f.kpis.contacts).toBe(expected.contacts);
      expect(f.kpis.outageComplaints).toBe(expected.outageComplaints);
      expect(f.complaintsPerHourActual).toBe(expected.outageComplaints);
      // One order per outage holding exactly the calls about it.
      const outageOrders = f.orders.filter((o) => o.outage !== null);
      expect(new Set(outageOrders.map((o) => o.outage)).size).toBe(outageOrders.length);
    }
    expect(twiceComparable).toEqual(onceComparable);
  });
});
