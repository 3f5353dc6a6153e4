// The running GridWatch core, independent of HTTP: network in memory, ingest with its batch
// writers, the outage engine and its persistence, metrics. The Fastify app and the realtime hub
// sit on top of it; `close()` stops intake first, then drains every buffer to the database.
import { indexNetwork, topics, type Kpis, type NetworkIndex, type NetworkSummary, type OutageDto } from '@gridwatch/shared';
import type { Config } from './config.ts';
import { importNetwork, loadNetwork } from './db/network.ts';
import { loadOpenOutages, loadOutagesBetween, loadRestoredOutages, upsertOutages } from './db/outages.ts';
import { reliability, type ReliabilityReport } from './outage/reliability.ts';
import type { Pool } from './db/pool.ts';
import {
  countReadings, loadPlanned, insertContacts, insertDeadLetters, insertFaultEvents, insertMeterEvents, readingsWriter, upsertPlanned,
  type ContactRow, type DeadLetterRow, type FaultEventRow, type MeterEventRow, type PlannedRow, type ReadingRow,
} from './db/telemetry.ts';
import { startDeadLetterPruner, type DeadLetterPruner } from './db/deadLetters.ts';
import { recentEvidence } from './db/evidence.ts';
import { BatchWriter } from './ingest/batchWriter.ts';
import { Ingest } from './ingest/ingest.ts';
import { startMqttSource, type MqttSource } from './ingest/mqttSource.ts';
import { Metrics } from './metrics.ts';
import { resolveNetwork } from './network.ts';
import { OutageEngine, type PlannedWindow } from './outage/engine.ts';
import { pendingEvidence, REPLAY_WINDOW_MS } from './outage/replay.ts';

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface CoreOptions {
  config: Config;
  pool: Pool;
  timescaledb: string | null;
  log: Logger;
  now?: () => number;
  /** Connect to MQTT (tests that drive ingest directly pass false). */
  mqtt?: boolean;
  /**
   * Scale-out: the MQTT shared-subscription group. The core then starts as a standby — readings
   * only, a share of them — until `activate()` (it won the leader lock) starts the outage engine.
   */
  cluster?: string | null;
}

export interface Health {
  status: 'ok' | 'degraded';
  /** single: no cluster; active / standby: a cluster member with or without the leader lock. */
  role: 'single' | 'active' | 'standby';
  database: { up: boolean; latencyMs: number | null; timescaledb: string | null; error: string | null };
  broker: { connected: boolean; url: string | null };
  ingest: { bufferedRows: number; maxBufferedRows: number; lastWriteError: string | null };
}

export class Core {
  readonly metrics: Metrics;
  readonly index: NetworkIndex;
  readonly summary: NetworkSummary;
  readonly ingest: Ingest;
  private outageEngine: OutageEngine;
  /** Runs the outage engine on the event stream (always, unless a cluster standby). */
  private active: boolean;
  private engineSource: MqttSource | null = null;
  private readonly writers: {
    readings: BatchWriter<ReadingRow>;
    meterEvents: BatchWriter<MeterEventRow>;
    faultEvents: BatchWriter<FaultEventRow>;
    contacts: BatchWriter<ContactRow>;
    deadLetters: BatchWriter<DeadLetterRow>;
    planned: BatchWriter<PlannedRow>;
    outages: BatchWriter<OutageDto>;
  };
  private mqttSource: MqttSource | null = null;
  private monthIndices = { saifi: 0, saidi: 0 };
  private readonly reliabilityTimer: NodeJS.Timeout;
  private readonly tickTimer: NodeJS.Timeout;
  private readonly waiters: (() => void)[] = [];
  private outageListeners: ((outages: OutageDto[]) => void)[] = [];
  private contactListeners: ((contact: ContactRow) => void)[] = [];
  /** Messages waiting for their rows to commit before the broker is told: FIFO from `ackHead`. */
  private acks: { marks: number[]; ack: () => void }[] = [];
  private ackHead = 0;
  private readonly writerList: BatchWriter<unknown>[];
  private opened = false;
  private readonly openWaiters: (() => void)[] = [];
  private readonly deadLetterPruner: DeadLetterPruner;

  private constructor(
    private readonly o: CoreOptions & { now: () => number; pglite: boolean },
    index: NetworkIndex,
    version: string,
    openOutages: OutageDto[],
    readingsAtStart: number,
    planned: PlannedWindow[],
    history: OutageDto[],
  ) {
    const { config, pool, log, now } = o;
    this.metrics = new Metrics(now);
    this.metrics.readingsStoredAtStart = readingsAtStart;
    this.index = index;
    this.summary = summarise(index, version);
    this.active = !o.cluster;
    this.outageEngine = this.makeEngine(openOutages, planned, history);

    const onError = (name: string) => (err: Error) => {
      this.metrics.dbWriteErrors++;
      log.warn(`database write (${name}) failed, will retry: ${err.message}`);
    };
    const common = { maxBatch: config.ingestBatchRows, flushMs: config.ingestFlushMs, onDrained: () => this.release(), onWritten: () => this.settle() };
    const writer = <Row>(name: string, write: (rows: Row[]) => Promise<number>, extra: Partial<ConstructorParameters<typeof BatchWriter<Row>>[0]> = {}) =>
      new BatchWriter<Row>({ name, write, ...common, onError: onError(name), onRejected: (_row, err) => this.rejected(name, err), ...extra });
    this.writers = {
      // Two batches in flight on a real server: one is sent while the database commits the other.
      readings: writer('readings', readingsWriter(pool, config.ingestCopy ?? !o.pglite), {
        concurrency: o.pglite ? 1 : 2,
        onWritten: (written, attempted) => {
          this.metrics.readingsStored += written;
          this.metrics.duplicatesIgnored += attempted - written;
          this.release();
          this.settle();
        },
      }),
      meterEvents: writer('meter_events', (rows) => insertMeterEvents(pool, rows)),
      faultEvents: writer('fault_events', (rows) => insertFaultEvents(pool, rows)),
      contacts: writer('contacts', (rows) => insertContacts(pool, rows)),
      deadLetters: writer('dead_letters', (rows) => insertDeadLetters(pool, rows)),
      planned: writer('planned_outages', (rows) => upsertPlanned(pool, rows)),
      // Outage changes are broadcast only after they are stored.
      outages: writer('outages', async (rows) => {
        const latest = [...new Map(rows.map((r) => [r.id, r])).values()];
        await upsertOutages(pool, latest);
        for (const l of this.outageListeners) l(latest);
        return latest.length;
      }, { flushMs: 20, maxBatch: 500 }),
    };
    this.writerList = Object.values(this.writers) as BatchWriter<unknown>[];
    // Contacts are stored and also handed to the early warning as they arrive.
    const contacts = this.writers.contacts;
    const contactTee = {
      push: (row: ContactRow) => {
        contacts.push(row);
        for (const l of this.contactListeners) l(row);
      },
      pushMany: (rows: readonly ContactRow[]) => rows.forEach((r) => contactTee.push(r)),
    };
    this.ingest = new Ingest({
      index,
      sinks: { ...this.writers, contacts: contactTee },
      metrics: this.metrics,
      now,
      topicPrefix: config.topicPrefix,
      maxFutureSkewMs: config.maxFutureSkewS * 1000,
      maxPastAgeMs: config.maxPastAgeS * 1000,
      // A standby stores what it takes; only the active instance's engine acts on it.
      onPowerEvent: (ev) => {
        if (!this.active) return;
        this.engine.apply(ev);
        this.engineChanged();
      },
      onReadings: (transformer, intervalEnd, intervalMs, meters) => {
        if (!this.active) return;
        this.engine.readings(transformer, intervalEnd, intervalMs, meters);
        this.engineChanged();
      },
      onFault: (ev) => {
        if (!this.active) return;
        this.engine.fault(ev);
        this.engineChanged();
      },
      onPlanned: (w) => {
        if (!this.active) return;
        this.engine.setPlanned(w);
        this.engineChanged();
      },
    });
    // Housekeeping (estimates, clean-up) on a slow beat; holds expire on their own timer, set
    // for the exact instant the engine names, so nothing waits for a polling interval.
    this.tickTimer = setInterval(() => this.runEngineTick(), 5_000);
    this.reliabilityTimer = setInterval(() => void this.refreshReliability(), 60_000);
    this.reliabilityTimer.unref();
    void this.refreshReliability();
    this.tickTimer.unref();
    this.deadLetterPruner = startDeadLetterPruner({ pool, now, log, retentionDays: config.deadLetterRetentionDays, maxRows: config.deadLetterMaxRows });
  }

  get engine(): OutageEngine {
    return this.outageEngine;
  }

  /** Whether this instance runs the outage engine (false: a cluster standby). */
  isActive(): boolean {
    return this.active;
  }

  private makeEngine(open: OutageDto[], planned: PlannedWindow[], history: OutageDto[]): OutageEngine {
    const { config, now } = this.o;
    const engine = new OutageEngine(
      {
        index: this.index,
        now,
        minMeters: config.outageMinMeters,
        holdMs: config.outageHoldS * 1000,
        customerSideHoldMs: config.outageCustomerSideHoldS * 1000,
        customerSideEarlyMs: config.outageCustomerSideEarlyS * 1000,
        daHoldMs: config.outageDaHoldS * 1000,
        rollupFraction: config.outageRollupFraction,
      },
      open,
    );
    for (const w of planned) engine.setPlanned(w);
    for (const h of history) engine.learn(h);
    return engine;
  }

  /** Loads what the engine starts from: open outages, planned windows, a year of restored outages. */
  private static async engineState(pool: Pool, now: number) {
    return {
      open: await loadOpenOutages(pool),
      planned: await loadPlanned(pool, now),
      history: await loadRestoredOutages(pool, now - 365 * 86_400_000),
    };
  }

  /**
   * Replays into a rebuilt engine the evidence the previous process had taken (and the broker has
   * been told so) but not yet acted on: a station area in its hold, a trip awaiting its lockout.
   * Only what no stored outage accounts for (outage/replay.ts).
   */
  private async replayPending(open: OutageDto[], history: OutageDto[]): Promise<void> {
    const { config, pool, log, now } = this.o;
    const recent = await recentEvidence(pool, this.index, now() - REPLAY_WINDOW_MS - config.outageHoldS * 1000);
    if (recent.truncated) log.warn('replay of recent evidence cut short: more rows than a replay takes');
    const items = pendingEvidence({ index: this.index, minMeters: config.outageMinMeters, daHoldMs: config.outageDaHoldS * 1000, outages: [...open, ...history], ...recent });
    for (const x of items) {
      if ('power' in x) this.engine.apply(x.power);
      else this.engine.fault(x.fault);
    }
    if (items.length) log.info(`replayed ${items.length} event(s) taken before the restart that no stored outage accounts for`);
    this.engineChanged();
  }

  /**
   * A standby becomes active (it holds the leader lock): the engine is rebuilt from the database —
   * the open outages as the previous active instance last stored them, and the evidence it had
   * not yet acted on. `openIngest()` then takes over the engine's persistent MQTT session, where
   * the broker kept every event not yet acknowledged.
   */
  async activate(): Promise<void> {
    if (this.active) return;
    await this.flush();
    const state = await Core.engineState(this.o.pool, this.o.now());
    this.outageEngine = this.makeEngine(state.open, state.planned, state.history);
    await this.replayPending(state.open, state.history);
    this.active = true;
    this.o.log.info(`cluster: active; resumed ${state.open.length} open outage(s) from the database`);
    this.runEngineTick();
  }

  /**
   * Starts taking messages (outside a cluster), or connects the events' session (a cluster member
   * once active). Called once the early warning and the work orders listen: a resumed session
   * delivers its backlog at once, and a contact taken before they listen would be stored without
   * its order. Until then the connection is up but nothing is read from it.
   */
  openIngest(): void {
    if (!this.o.cluster) {
      this.opened = true;
      for (const w of this.openWaiters.splice(0)) w();
    } else if (this.active && !this.engineSource && this.o.mqtt !== false) {
      this.engineSource = this.connect(`${this.o.cluster}-engine`, topics(this.o.config.topicPrefix).subscriptions().filter((t) => !isReadings(t)));
    }
  }

  static async start(options: CoreOptions): Promise<Core> {
    // PGlite (the embedded default) serves one session and cannot take COPY FROM STDIN over the wire.
    const version = (await options.pool.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v ?? '';
    const o = { ...options, now: options.now ?? Date.now, pglite: /PGlite|emscripten/i.test(version) };
    const file = await resolveNetwork(o.config.network);
    const t0 = Date.now();
    if (await importNetwork(o.pool, file)) o.log.info(`network "${file.id}" imported (${file.transformers.length} station areas, ${file.customers.length} customers) in ${Date.now() - t0} ms`);
    const loaded = await loadNetwork(o.pool);
    if (!loaded) throw new Error('no network in the database after import');
    const readings = await countReadings(o.pool, o.timescaledb !== null);
    // A standby loads the engine's state when it becomes active, not now.
    const state = o.cluster ? { open: [], planned: [], history: [] } : await Core.engineState(o.pool, o.now());
    if (state.open.length) o.log.info(`resumed ${state.open.length} open outage(s) from the database`);
    const core = new Core(o, indexNetwork(loaded.network), loaded.version, state.open, readings, state.planned, state.history);
    if (!o.cluster) await core.replayPending(state.open, state.history);
    if (o.mqtt !== false) core.connectMqtt();
    return core;
  }

  onOutagesStored(listener: (outages: OutageDto[]) => void): void {
    this.outageListeners.push(listener);
  }

  onContact(listener: (contact: ContactRow) => void): void {
    this.contactListeners.push(listener);
  }

  /** Publishes at QoS 1 on the ingest connection; rejects if the broker has not acknowledged in 10 s. */
  async publish(topic: string, payload: string): Promise<void> {
    const client = this.mqttSource?.client;
    if (!client) throw new Error('not connected to MQTT');
    await Promise.race([
      client.publishAsync(topic, payload, { qos: 1 }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('broker did not acknowledge within 10 s')), 10_000).unref()),
    ]);
  }

  bufferedRows(): number {
    let n = 0;
    for (const w of Object.values(this.writers)) n += w.size;
    return n;
  }

  /** null when ingest can take a message; otherwise resolves once it can (opened, buffers below the limit). */
  whenReady(): Promise<void> | null {
    // Not open yet (see openIngest); a cluster member's own session carries only readings.
    if (!this.opened && !this.o.cluster) return new Promise((resolve) => this.openWaiters.push(resolve));
    if (this.bufferedRows() < this.o.config.ingestMaxBufferedRows) return null;
    this.metrics.backpressureWaits++;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Writes everything buffered now (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all(Object.values(this.writers).map((w) => w.flush()));
    await this.writers.outages.flush();
  }

  kpis(): Kpis {
    const m = this.metrics;
    return {
      at: this.o.now(),
      messagesPerSec: round1(m.messages.rate()),
      readingsPerSec: round1(m.readings.rate()),
      readingsStored: m.readingsStoredAtStart + m.readingsStored,
      deadLetters: m.deadLetters,
      activeOutages: this.engine.active().filter((o) => o.parentId === null).length,
      customersOut: this.engine.customersOut(),
      customersServed: this.index.network.customers.length,
      saifiMonth: this.monthIndices.saifi,
      saidiMonth: this.monthIndices.saidi,
    };
  }

  async health(): Promise<Health> {
    let up = false;
    let latencyMs: number | null = null;
    let error: string | null = null;
    const t0 = performance.now();
    try {
      await Promise.race([
        this.o.pool.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2_000).unref()),
      ]);
      up = true;
      latencyMs = Math.round((performance.now() - t0) * 10) / 10;
    } catch (err) {
      error = (err as Error).message;
    }
    const lastWriteError = Object.values(this.writers).find((w) => w.lastError)?.lastError?.message ?? null;
    // Both sessions of an active cluster member: its share of the readings, and the engine's events.
    const connected = (this.mqttSource?.connected() ?? false) && (this.engineSource?.connected() ?? true);
    const buffered = this.bufferedRows();
    return {
      status: up && connected && !lastWriteError ? 'ok' : 'degraded',
      role: !this.o.cluster ? 'single' : this.active ? 'active' : 'standby',
      database: { up, latencyMs, timescaledb: this.o.timescaledb, error },
      broker: { connected, url: this.o.config.mqttUrl ? redact(this.o.config.mqttUrl) : null },
      ingest: { bufferedRows: buffered, maxBufferedRows: this.o.config.ingestMaxBufferedRows, lastWriteError },
    };
  }

  mqttConnected(): boolean {
    return this.mqttSource?.connected() ?? false;
  }

  /** Indices for [from, to) from the stored outages (CEMI looks back 12 months from `to`). */
  async reliability(from: number, to: number, includePlanned = true): Promise<ReliabilityReport> {
    const outages = await loadOutagesBetween(this.o.pool, Math.min(from, to - 365 * 86_400_000), to);
    return reliability(this.index, outages, { from, to, now: Math.min(to, this.o.now()), includePlanned });
  }

  private async refreshReliability(): Promise<void> {
    const now = new Date(this.o.now());
    const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    try {
      const r = await this.reliability(monthStart, this.o.now() + 1);
      this.monthIndices = { saifi: r.company.saifi, saidi: r.company.saidi };
    } catch (err) {
      this.o.log.warn(`reliability refresh failed: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.tickTimer);
    clearInterval(this.reliabilityTimer);
    await this.deadLetterPruner.stop();
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    // Commit what was taken while still connected, so its acknowledgements reach the broker.
    const drain = () => Promise.race([this.flush(), new Promise<void>((r) => setTimeout(r, 15_000).unref())]);
    if (this.engineSource) await this.engineSource.close(drain).catch(() => {});
    if (this.mqttSource) await this.mqttSource.close(drain).catch(() => {});
    const left = await Promise.all(Object.values(this.writers).map((w) => w.close(15_000)));
    const lost = left.reduce((a, b) => a + b, 0);
    if (lost) this.o.log.error(`${lost} buffered row(s) could not be written before shutdown`);
    this.release();
  }

  private connectMqtt(): void {
    const all = topics(this.o.config.topicPrefix).subscriptions();
    // In a cluster every instance takes a share of the readings; the events go to the active one.
    const group = this.o.cluster;
    this.mqttSource = this.connect(this.o.config.mqttClientId, group ? all.filter(isReadings).map((t) => `$share/${group}/${t}`) : all);
  }

  private connect(clientId: string, subscriptions: string[]): MqttSource {
    const c = this.o.config;
    if (!c.mqttUrl) throw new Error('MQTT_URL is not set');
    return startMqttSource({
      url: c.mqttUrl,
      clientId,
      username: c.mqttUsername,
      password: c.mqttPassword,
      subscriptions,
      onMessage: (topic, payload, ack) => {
        this.ingest.accept(topic, payload);
        this.acks.push({ marks: this.writerList.map((w) => w.pushed), ack });
        this.settle();
      },
      whenReady: () => this.whenReady(),
      log: this.o.log,
    });
  }

  private engineChanged(): void {
    const changed = this.engine.drainChanges();
    if (changed.length) this.writers.outages.pushMany(changed);
    this.scheduleDeadline();
  }

  private runEngineTick(): void {
    if (!this.active) return;
    this.engine.tick();
    this.engineChanged();
  }

  private deadlineTimer: NodeJS.Timeout | null = null;
  private deadlineAt = Infinity;

  private scheduleDeadline(): void {
    const next = this.engine.nextDeadline();
    if (next === null || next >= this.deadlineAt) return;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineAt = next;
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = null;
      this.deadlineAt = Infinity;
      this.runEngineTick();
    }, Math.max(0, next - this.o.now()));
    this.deadlineTimer.unref();
  }

  /** Messages received from the broker and not yet acknowledged (their rows not yet committed). */
  unackedMessages(): number {
    return this.acks.length - this.ackHead;
  }

  /** Acknowledges, in order, every message whose rows have all been settled by their writers. */
  private settle(): void {
    const list = this.writerList;
    while (this.ackHead < this.acks.length) {
      const head = this.acks[this.ackHead]!;
      for (let i = 0; i < list.length; i++) if (list[i]!.settled < head.marks[i]!) return this.compactAcks();
      this.ackHead++;
      head.ack();
    }
    this.compactAcks();
  }

  private compactAcks(): void {
    if (this.ackHead === this.acks.length) {
      this.acks = [];
      this.ackHead = 0;
    } else if (this.ackHead > 1024) {
      this.acks = this.acks.slice(this.ackHead);
      this.ackHead = 0;
    }
  }

  private release(): void {
    if (this.waiters.length === 0 || this.bufferedRows() >= this.o.config.ingestMaxBufferedRows) return;
    for (const w of this.waiters.splice(0)) w();
  }

  private rejected(table: string, err: Error): void {
    const reason = `database: ${table} row refused: ${err.message.slice(0, 200)}`;
    this.ingest.rejectExternal('database', '', reason);
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const isReadings = (subscription: string) => subscription.endsWith('/readings');
const redact = (url: string) => url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');

function summarise(index: NetworkIndex, version: string): NetworkSummary {
  const n = index.network;
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  const add = (lon: number, lat: number) => {
    minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
  };
  for (const s of n.substations) add(s.lon, s.lat);
  for (const t of n.transformers) add(t.lon, t.lat);
  if (!Number.isFinite(minLon)) add(n.centre[0], n.centre[1]);
  return {
    id: n.id,
    name: n.name,
    version,
    counts: { substations: n.substations.length, feeders: n.feeders.length, devices: n.devices.length, transformers: n.transformers.length, customers: n.customers.length },
    bounds: [[minLon, minLat], [maxLon, maxLat]],
  };
}
