// Pure field model: from a network, a seeded Rng and scenario actions, the exact MQTT messages the
// field would send, each stamped with the simulated instant it leaves the field, plus the ground
// truth of what happened. No I/O and no wall clock; tasks run in (time, insertion) order, so a
// seed yields the same sequence however the caller slices time into `advance` calls.
//
// Physics in brief. Devices on a feeder are open or closed; a station area has power when every
// device above it is closed and nothing else (a transformer failure, a planned or scripted outage)
// holds it off. Each reason for darkness is a *cause* with an id; an area is dark while it has at
// least one, and restorations are reported per cause. A fault on a section makes the nearest
// interrupting device above it operate (breaker/recloser: trip, recloses, lockout; fuse: blows
// silently), FCIs between the feeder head and the fault report it, and closing a device onto a
// fault that is still there trips protection again.
import {
  EVENT_CODE,
  indexNetwork,
  topics,
  type ContactMessage,
  type Customer,
  type Device,
  type FaultKind,
  type FaultMessage,
  type MeterEvent,
  type NetworkFile,
  type NetworkIndex,
  type NoticeMessage,
  type PlannedOutageMessage,
  type ReadingsMessage,
  type Rng,
  type Transformer,
  createRng,
  toEpochMs,
} from '@gridwatch/shared';
import { resolveBehaviour, type BehaviourParams } from './behaviour.ts';
import { createCustomers } from './customers.ts';
import { loadKw } from './load.ts';
import { TimedQueue } from './timedQueue.ts';
import { createTopology, REPORTING, type Topology } from './topology.ts';
import type { FaultTruth, TruthRecord } from './truth.ts';

export interface OutMessage {
  atSimMs: number;
  topic: string;
  payload: unknown;
}

/** What one `advance` call yields: messages to publish and ground truth, both in time order. */
export interface Step {
  messages: OutMessage[];
  truth: TruthRecord[];
}

/**
 * What happens in the field, emitted by scenarios in time order. Ids name causes in the truth
 * (and planned outages on the wire); a scenario picks them, unique within a run.
 */
export type Action =
  /** Scripted station-area outages; they nest per area (two overlapping ones need two restores). */
  | { kind: 'power-off'; atSimMs: number; transformers: readonly string[] }
  | { kind: 'power-on'; atSimMs: number; transformers: readonly string[] }
  /** A fault on the section below `section`; temporary when `clearAfterS` is given. */
  | { kind: 'fault'; atSimMs: number; id: string; section: string; clearAfterS?: number }
  /** The crew has repaired a permanent fault (devices still need closing). */
  | { kind: 'repair'; atSimMs: number; id: string }
  /** A crew operates a device; `cause` is the fault it isolates or restores. */
  | { kind: 'switch'; atSimMs: number; device: string; op: 'open' | 'close'; cause?: string }
  | { kind: 'transformer-failure'; atSimMs: number; id: string; transformer: string }
  | { kind: 'transformer-repair'; atSimMs: number; id: string }
  /** Announced at `atSimMs`; `device` (switching device or station area) is off start..end. */
  | { kind: 'planned'; atSimMs: number; id: string; device: string; startSimMs: number; endSimMs: number; reason?: string }
  | { kind: 'customer-loss'; atSimMs: number; id: string; customer: string; untilSimMs: number }
  | { kind: 'comm-loss'; atSimMs: number; id: string; transformer: string; untilSimMs: number }
  | { kind: 'under-voltage'; atSimMs: number; id: string; transformer: string; untilSimMs: number; volts: number };

export interface FieldParams {
  readingIntervalS: number;
  /** Share of meters whose last gasp gets through. */
  lastGaspFraction: number;
  /** Share of meters that report power-restored. */
  restoreEventFraction: number;
  /** Meter event transport delay: exponential with this mean, capped (PLC can lag an hour). */
  meterDelayMeanS: number;
  meterDelayMaxS: number;
  /** Concentrators confirm a loss this long after it (±10%); shorter outages go unreported. */
  concentratorDelayS: number;
  /** Share of messages delivered twice (QoS 1 redelivery). */
  duplicateRate: number;
  /** Share of messages held up in transit and delivered late, out of order... */
  lateRate: number;
  /** ...by up to this long. */
  lateMaxS: number;
  /** Shares of concentrators and of meters whose clock is off by a constant offset... */
  skewedConcentratorShare: number;
  skewedMeterShare: number;
  /** ...of 5 s up to this, either way. */
  skewMaxS: number;
  /** Distribution automation delivers within this (its clocks are GPS-synchronised). */
  daDelayMaxS: number;
  /** Automatic reclose attempts of breakers and reclosers, each this long after the last trip. */
  recloseIntervalsS: number[];
  /** FCIs that never lost voltage reset after this long of normal load current. */
  fciResetS: number;
  /** Background momentary interruptions (temporary faults that reclose). */
  momentaryPerFeederPerDay: number;
  /** Share of meters that report off/on now and then while their station area is live... */
  flappingMeterShare: number;
  /** ...about this often. */
  flapMeanIntervalS: number;
  /** Background communication losses: a concentrator goes silent (no power loss)... */
  commLossPerConcentratorPerDay: number;
  /** ...for about this long. */
  commLossMeanS: number;
  /** Share of meters that report an under-voltage event when it starts. */
  voltageEventFraction: number;
  /** Local time for load shapes and behaviour; default from the network centre's longitude. */
  utcOffsetH?: number;
}

export const DEFAULT_FIELD: Readonly<FieldParams> = {
  readingIntervalS: 900,
  lastGaspFraction: 0.6,
  restoreEventFraction: 0.9,
  meterDelayMeanS: 20,
  meterDelayMaxS: 600,
  concentratorDelayS: 30,
  duplicateRate: 0.02,
  lateRate: 0.01,
  lateMaxS: 120,
  skewedConcentratorShare: 0.02,
  skewedMeterShare: 0.005,
  skewMaxS: 240,
  daDelayMaxS: 2,
  recloseIntervalsS: [2, 15, 30],
  fciResetS: 300,
  momentaryPerFeederPerDay: 0.05,
  flappingMeterShare: 0.002,
  flapMeanIntervalS: 1_800,
  commLossPerConcentratorPerDay: 0.01,
  commLossMeanS: 1_800,
  voltageEventFraction: 0.5,
};

/** No field noise: every meter and clock behaves. Tests that measure one effect start here. */
export const QUIET_FIELD: Partial<FieldParams> = {
  duplicateRate: 0,
  lateRate: 0,
  skewedConcentratorShare: 0,
  skewedMeterShare: 0,
  momentaryPerFeederPerDay: 0,
  flappingMeterShare: 0,
  commLossPerConcentratorPerDay: 0,
};

const SHARE_KEYS = ['lastGaspFraction', 'restoreEventFraction', 'duplicateRate', 'lateRate', 'skewedConcentratorShare', 'skewedMeterShare', 'flappingMeterShare', 'voltageEventFraction'] as const;

/** Defaults with overrides applied; throws on an unknown key or a value out of range. */
export function resolveField(overrides: Partial<FieldParams> = {}): FieldParams {
  const p: FieldParams = { ...DEFAULT_FIELD, recloseIntervalsS: [...DEFAULT_FIELD.recloseIntervalsS] };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_FIELD) && key !== 'utcOffsetH') throw new Error(`unknown field parameter "${key}"`);
    (p as unknown as Record<string, unknown>)[key] = value;
  }
  for (const [key, value] of Object.entries(p)) {
    const bad = key === 'recloseIntervalsS'
      ? !Array.isArray(value) || value.some((v) => !(Number.isFinite(v) && v > 0))
      : key === 'utcOffsetH'
        ? !(Number.isFinite(value) && Math.abs(value) <= 14)
        : !(Number.isFinite(value) && value >= 0) || ((SHARE_KEYS as readonly string[]).includes(key) && value > 1);
    if (bad) throw new Error(`field parameter ${key}: bad value ${JSON.stringify(value)}`);
  }
  if (!Number.isInteger(p.readingIntervalS) || p.readingIntervalS < 1 || p.readingIntervalS > 86_400) {
    throw new Error(`reading interval must be an integer 1..86400 s, got ${p.readingIntervalS}`);
  }
  return p;
}

export interface WorldOptions {
  network: NetworkFile | NetworkIndex;
  rng: Rng;
  startSimMs: number;
  actions?: Iterable<Action>;
  prefix?: string;
  field?: Partial<FieldParams>;
  behaviour?: BehaviourParams;
  /** Seed of the customers' own random stream (default: drawn from `rng`). */
  behaviourSeed?: number;
  /** Prefix of ids the world makes up (contacts, background events); keeps runs apart. */
  idPrefix?: string;
  /** The network's topology when the caller built it already (it caches subtrees). */
  topology?: Topology;
}

export interface World {
  /** Runs the field up to `untilSimMs` and returns what is due by then, in order. */
  advance(untilSimMs: number): Step;
  /**
   * A GridWatch notice reached the listed customers at `atSimMs` (clamped to the time already
   * simulated); it changes what they do from then on.
   */
  notify(notice: NoticeMessage, atSimMs: number): void;
  /** Station areas without power as of the last `advance`. */
  readonly off: ReadonlySet<string>;
  /** Contacts made so far. */
  readonly contacts: number;
  readonly topology: Topology;
}

/** A batch may hold at most this many readings (schema limit). */
const MAX_READINGS = 5_000;
const DAY_MS = 86_400_000;

interface Meter {
  customer: Customer;
  size: number;
  skewMs: number;
  /** Customer-side loss: this meter has no power although its station area does. */
  off: boolean;
}

interface Area {
  tf: Transformer;
  meters: Meter[];
  phaseMs: number;
  vBase: number;
  /** Voltage while an under-voltage episode lasts, else null. */
  vLow: number | null;
  dcuSkewMs: number;
  /** Reasons the area is dark now; empty means it has power. */
  causes: Set<string>;
  /** The cause that started the current dark period. */
  interruptedBy: string | null;
  /** Causes not coming from open devices: failures, planned or scripted outages. */
  held: Set<string>;
  /** Scripted outages in the order they came, so power-on releases the oldest. */
  scripted: string[];
  outageNo: number;
  concentratorReportedOff: boolean;
  /** Recent dark periods, to scale the energy of partly powered intervals. */
  dark: { from: number; to: number }[];
  /** Communication losses: nothing from this station area arrives inside them. */
  silent: { from: number; to: number }[];
}

interface DeviceState {
  dev: Device;
  open: boolean;
  /** Cause the device was opened for. */
  cause: string | null;
  fciLatched: boolean;
  fciToken: number;
}

interface Fault {
  id: string;
  section: string;
  feeder: string;
  persistence: 'permanent' | 'temporary';
  clearsAt: number;
  active: boolean;
  operations: number;
  phase: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function createWorld(options: WorldOptions): World {
  const p = resolveField(options.field);
  const net = 'customersOf' in options.network ? options.network : indexNetwork(options.network);
  const topo = options.topology ?? createTopology(net);
  const { rng } = options;
  const topic = topics(options.prefix);
  const idPrefix = options.idPrefix ?? '';
  const intervalMs = p.readingIntervalS * 1000;
  const utcOffsetMs = (p.utcOffsetH ?? Math.round(net.network.centre[0] / 15)) * 3_600_000;

  const tasks = new TimedQueue<() => void>();
  const outbox = new TimedQueue<{ m: OutMessage; area: Area | null }>();
  let truth: TruthRecord[] = [];
  const record = (r: TruthRecord) => truth.push(r);
  const off = new Set<string>();
  const seqs = new Map<string, number>();
  let now = options.startSimMs;
  let serial = 0;
  const newId = (letter: string) => `${idPrefix}${letter}${++serial}`;

  const skew = () => (rng.chance(0.5) ? 1 : -1) * rng.int(5_000, Math.max(5_000, p.skewMaxS * 1000));

  const transformers = net.network.transformers;
  const areas = new Map<string, Area>(
    transformers.map((tf, i) => [
      tf.id,
      {
        tf,
        meters: (net.customersOf.get(tf.id) ?? []).map((customer) => ({
          customer,
          size: 0.6 + rng.next(),
          skewMs: rng.chance(p.skewedMeterShare) ? skew() : 0,
          off: false,
        })),
        // Even spread of upload times over the interval keeps broker traffic smooth.
        phaseMs: Math.floor((i * intervalMs) / transformers.length),
        vBase: 216 + rng.next() * 8,
        vLow: null,
        dcuSkewMs: rng.chance(p.skewedConcentratorShare) ? skew() : 0,
        causes: new Set(),
        interruptedBy: null,
        held: new Set(),
        scripted: [],
        outageNo: 0,
        concentratorReportedOff: false,
        dark: [],
        silent: [],
      },
    ]),
  );
  const areaList = [...areas.values()];
  const areaOf = (id: string) => {
    const area = areas.get(id);
    if (!area) throw new Error(`unknown transformer ${id}`);
    return area;
  };
  const devices = new Map<string, DeviceState>(net.network.devices.map((dev) => [dev.id, { dev, open: false, cause: null, fciLatched: false, fciToken: 0 }]));
  const deviceOf = (id: string) => {
    const d = devices.get(id);
    if (!d) throw new Error(`unknown device ${id}`);
    return d;
  };
  const faults = new Map<string, Fault>();
  /** cause id → station areas it holds dark */
  const causeIndex = new Map<string, Set<Area>>();

  // ---- transport --------------------------------------------------------------------------------

  const push = (at: number, t: string, payload: unknown, area: Area | null) => outbox.push(at, { m: { atSimMs: at, topic: t, payload }, area });
  const emit = (atSimMs: number, t: string, payload: unknown, area: Area | null, r: Rng = rng) => {
    const at = r.chance(p.lateRate) ? atSimMs + r.int(1_000, Math.max(1_000, p.lateMaxS * 1000)) : atSimMs;
    push(at, t, payload, area);
    if (r.chance(p.duplicateRate)) push(at + r.int(0, 2_000), t, payload, area);
  };
  const silentAt = (area: Area, at: number) => area.silent.some((w) => at >= w.from && at < w.to);

  const event = (device: string, tsMs: number, code: string): MeterEvent => {
    const seq = (seqs.get(device) ?? 0) + 1;
    seqs.set(device, seq);
    return { device, ts: iso(tsMs), code, seq };
  };
  const meterDelayMs = () => Math.min(rng.exp(p.meterDelayMeanS), p.meterDelayMaxS) * 1000;
  const meterEvent = (area: Area, m: Meter, atMs: number, code: string) => {
    const ts = atMs + rng.int(0, 999);
    emit(ts + meterDelayMs(), topic.meterEvents(area.tf.id), event(m.customer.meter, ts + m.skewMs, code), area);
  };
  const meterEvents = (area: Area, atMs: number, code: string, fraction: number) => {
    for (const m of area.meters) if (!m.off && rng.chance(fraction)) meterEvent(area, m, atMs, code);
  };

  const da = (deviceId: string, atMs: number, kind: FaultKind, extra: Partial<FaultMessage> = {}) => {
    const dev = deviceOf(deviceId).dev;
    const message: FaultMessage = { device: dev.id, ts: iso(atMs), kind, ...extra };
    emit(atMs + rng.int(200, Math.max(200, p.daDelayMaxS * 1000)), topic.faults(dev.feeder), message, null);
  };

  // ---- customers --------------------------------------------------------------------------------

  const behaviour = options.behaviour ?? resolveBehaviour();
  // Customers draw from their own stream, so what they do (and what notices change in it) never
  // shifts the field's noise: a run with notices differs from one without only in contacts.
  const customerRng = createRng(options.behaviourSeed ?? Math.floor(rng.next() * 2 ** 32));
  const customers = createCustomers({
    net,
    rng: customerRng,
    b: behaviour,
    utcOffsetMs,
    startSimMs: options.startSimMs,
    idPrefix,
    schedule: (at, task) => tasks.push(at, task),
    contact: (at, message: ContactMessage) => emit(at + customerRng.int(500, 3_000), topic.contacts(), message, null, customerRng),
    truth: record,
  });

  // ---- station-area power -----------------------------------------------------------------------

  const powerOff = (area: Area, atMs: number, cause: string) => {
    off.add(area.tf.id);
    const outage = ++area.outageNo;
    area.dark.push({ from: atMs, to: Infinity });
    meterEvents(area, atMs, EVENT_CODE.lastGasp, p.lastGaspFraction);
    const confirmAt = atMs + p.concentratorDelayS * 1000 * (0.9 + 0.2 * rng.next());
    tasks.push(confirmAt, () => {
      if (area.outageNo !== outage || area.causes.size === 0) return;
      area.concentratorReportedOff = true;
      emit(confirmAt, topic.meterEvents(area.tf.id), { events: [event(area.tf.concentrator, atMs + area.dcuSkewMs, EVENT_CODE.powerOff)] }, area);
    });
    for (const m of area.meters) if (!m.off) customers.dark(m.customer, atMs, cause, false);
  };

  const powerOn = (area: Area, atMs: number) => {
    off.delete(area.tf.id);
    area.dark[area.dark.length - 1]!.to = atMs;
    if (area.concentratorReportedOff) {
      area.concentratorReportedOff = false;
      const restored = event(area.tf.concentrator, atMs + area.dcuSkewMs, EVENT_CODE.powerRestored);
      emit(atMs + rng.int(1_000, 5_000), topic.meterEvents(area.tf.id), { events: [restored] }, area);
    }
    meterEvents(area, atMs, EVENT_CODE.powerRestored, p.restoreEventFraction);
    for (const m of area.meters) if (!m.off) customers.live(m.customer, atMs);
  };

  const causesOf = (area: Area) => {
    const causes = new Set(area.held);
    for (const d of topo.path(area.tf.device)) {
      const s = devices.get(d)!;
      if (s.open) causes.add(s.cause!);
    }
    return causes;
  };

  const customerIds = (list: Iterable<Area>) => [...list].flatMap((a) => a.meters.map((m) => m.customer.id));
  const customerCount = (list: Iterable<Area>) => [...list].reduce((n, a) => n + a.meters.length, 0);

  /**
   * Recomputes the causes of these station areas and switches their power. Like an IEEE 1366
   * interruption, a dark period belongs to the cause that started it, even when another cause
   * keeps the area dark longer (a fault behind a locked-out feeder); its restoration is reported
   * for that cause when the power returns. Returns the areas that lost power.
   */
  const refresh = (ids: Iterable<string>, at: number): Area[] => {
    const darkened: Area[] = [];
    const relit = new Map<string, Area[]>();
    for (const id of ids) {
      const area = areas.get(id)!;
      const wasDark = area.causes.size > 0;
      area.causes = causesOf(area);
      if (!wasDark && area.causes.size > 0) {
        const cause = area.causes.values().next().value!;
        area.interruptedBy = cause;
        let set = causeIndex.get(cause);
        if (!set) causeIndex.set(cause, (set = new Set()));
        set.add(area);
        powerOff(area, at, cause);
        darkened.push(area);
      } else if (wasDark && area.causes.size === 0) {
        powerOn(area, at);
        const cause = area.interruptedBy!;
        causeIndex.get(cause)?.delete(area);
        let list = relit.get(cause);
        if (!list) relit.set(cause, (list = []));
        list.push(area);
        area.interruptedBy = null;
      }
    }
    for (const [cause, list] of relit) {
      const remaining = causeIndex.get(cause) ?? new Set();
      const remainingCustomers = customerCount(remaining);
      record({
        type: 'restoration',
        cause,
        at,
        partial: remainingCustomers > 0,
        transformers: list.map((a) => a.tf.id),
        customers: customerIds(list),
        customerCount: customerCount(list),
        remainingCustomers,
      });
      if (remaining.size === 0) causeIndex.delete(cause);
    }
    return darkened;
  };

  const hold = (area: Area, cause: string, at: number) => {
    area.held.add(cause);
    refresh([area.tf.id], at);
  };
  const release = (area: Area, cause: string, at: number) => {
    if (area.held.delete(cause)) refresh([area.tf.id], at);
  };

  // ---- devices, protection and FCIs -------------------------------------------------------------

  const live = (deviceId: string) => topo.path(deviceId).every((d) => !devices.get(d)!.open);

  const latchFci = (s: DeviceState, at: number, extra: Partial<FaultMessage>) => {
    s.fciLatched = true;
    const token = ++s.fciToken;
    da(s.dev.id, at, 'fci.fault', extra);
    // An FCI whose line never lost voltage resets on normal load current after a while.
    tasks.push(at + p.fciResetS * 1000, () => {
      if (s.fciLatched && s.fciToken === token && live(s.dev.id)) clearFci(s, at + p.fciResetS * 1000);
    });
  };
  const clearFci = (s: DeviceState, at: number) => {
    s.fciLatched = false;
    s.fciToken++;
    da(s.dev.id, at, 'fci.clear');
  };
  /** FCIs reset when voltage returns: every latched one at or below a device just energised. */
  const clearFcisBelow = (deviceId: string, at: number) => {
    for (const d of topo.devicesBelow(deviceId)) {
      const s = devices.get(d)!;
      if (s.fciLatched && live(d)) clearFci(s, at + rng.int(500, 3_000));
    }
  };

  /** Opens a device for `cause`; returns the station areas that lost power. */
  const openDevice = (id: string, at: number, cause: string): Area[] => {
    const s = deviceOf(id);
    if (s.open) return [];
    s.open = true;
    s.cause = cause;
    return refresh(topo.below(id), at);
  };

  const closeDevice = (id: string, at: number): boolean => {
    const s = deviceOf(id);
    if (!s.open) return false;
    s.open = false;
    s.cause = null;
    // Energising a section whose fault is still there: protection operates again at once.
    for (const f of faults.values()) {
      if (f.active && f.feeder === s.dev.feeder && live(f.section) && topo.isAtOrBelow(f.section, id)) operate(f, at, true);
    }
    refresh(topo.below(id), at);
    clearFcisBelow(id, at);
    return true;
  };

  const operate = (f: Fault, at: number, closedOnto: boolean) => {
    f.operations++;
    const op = topo.interrupter(f.section);
    const opState = deviceOf(op);
    const currentA = rng.int(600, 8_000);
    const extra = { phase: f.phase, current_a: currentA };
    // Switching onto a fault trips a few cycles after the close.
    const tripAt = closedOnto ? at + 60 : at;
    const fcis = topo.fcisFor(f.section);
    const fciReported: string[] = [];
    for (const d of fcis) {
      const s = devices.get(d)!;
      if (s.fciLatched) continue;
      latchFci(s, tripAt, extra);
      fciReported.push(d);
    }
    let outcome: FaultTruth['outcome'] = 'lockout';
    let restoredAt: number | undefined;
    let lockoutAt: number | undefined;
    let interrupted: Area[];
    if (opState.dev.kind === 'fuse') {
      outcome = 'fuse';
      interrupted = openDevice(op, at, f.id);
    } else {
      da(op, tripAt, 'breaker.trip', extra);
      interrupted = openDevice(op, at, f.id);
      const shots = closedOnto ? [] : p.recloseIntervalsS;
      const untouched = () => opState.open && opState.cause === f.id;
      let elapsed = tripAt;
      for (let k = 0; k < shots.length; k++) {
        elapsed += shots[k]! * 1000;
        const shot = elapsed;
        if (f.clearsAt <= shot) {
          outcome = 'reclosed';
          restoredAt = shot;
          tasks.push(shot, () => {
            if (!untouched()) return;
            da(op, shot, 'breaker.reclose');
            closeDevice(op, shot);
            record({
              type: 'momentary',
              id: f.id,
              at: tripAt,
              restoredAt: shot,
              device: op,
              feeder: f.feeder,
              transformers: interrupted.map((a) => a.tf.id),
              customerCount: customerCount(interrupted),
            });
          });
          break;
        }
        const last = k === shots.length - 1;
        if (last) lockoutAt = shot + 150;
        tasks.push(shot, () => {
          if (!untouched()) return;
          da(op, shot, 'breaker.reclose');
          da(op, shot + 80, 'breaker.trip', { phase: f.phase, current_a: rng.int(600, 8_000) });
          if (last) da(op, shot + 150, 'breaker.lockout');
        });
      }
      if (shots.length === 0) {
        lockoutAt = tripAt + 100;
        da(op, lockoutAt, 'breaker.lockout');
      }
    }
    record({
      type: 'fault',
      id: f.id,
      at: tripAt,
      feeder: f.feeder,
      section: f.section,
      persistence: f.persistence,
      device: op,
      deviceKind: opState.dev.kind,
      outcome,
      operation: f.operations,
      closedOnto,
      fcis: [...fcis],
      fciReported,
      ...(restoredAt === undefined ? {} : { restoredAt }),
      ...(lockoutAt === undefined ? {} : { lockoutAt }),
      transformers: interrupted.map((a) => a.tf.id),
      customers: customerIds(interrupted),
      transformerCount: interrupted.length,
      customerCount: customerCount(interrupted),
    });
  };

  const fault = (id: string, section: string, at: number, clearAfterS: number | undefined) => {
    const dev = deviceOf(section).dev;
    if (faults.get(id)?.active) throw new Error(`fault ${id} is already active`);
    const f: Fault = {
      id,
      section,
      feeder: dev.feeder,
      persistence: clearAfterS === undefined ? 'permanent' : 'temporary',
      clearsAt: clearAfterS === undefined ? Infinity : at + clearAfterS * 1000,
      active: true,
      operations: 0,
      phase: rng.pick(['A', 'B', 'C', 'AB', 'BC', 'ABC']),
    };
    faults.set(id, f);
    if (clearAfterS !== undefined) tasks.push(f.clearsAt, () => (f.active = false));
    if (live(section)) return operate(f, at, false);
    // No voltage, no fault current: nothing operates until something energises the section.
    record({
      type: 'fault', id, at, feeder: f.feeder, section, persistence: f.persistence, device: null, deviceKind: null,
      outcome: 'no-current', operation: 0, closedOnto: false, fcis: [], fciReported: [],
      transformers: [], customers: [], transformerCount: 0, customerCount: 0,
    });
  };

  const switching = (deviceId: string, op: 'open' | 'close', at: number, cause: string | null) => {
    const s = deviceOf(deviceId);
    if (s.open === (op === 'open')) return;
    const reported = REPORTING.has(s.dev.kind);
    record({ type: 'switching', at, device: deviceId, op, cause, reported });
    if (op === 'open') {
      openDevice(deviceId, at, cause ?? `${deviceId}:open`);
      if (reported) da(deviceId, at, 'switch.open');
    } else {
      if (reported) da(deviceId, at, 'switch.close');
      closeDevice(deviceId, at);
    }
  };

  // ---- actions ----------------------------------------------------------------------------------

  const failures = new Map<string, Area>();

  const apply = (a: Action) => {
    const at = a.atSimMs;
    switch (a.kind) {
      case 'power-off': {
        const list = a.transformers.map(areaOf);
        const id = newId('o');
        record({ type: 'outage', id, at, transformers: list.map((x) => x.tf.id), customers: customerIds(list), customerCount: customerCount(list) });
        for (const area of list) {
          area.scripted.push(id);
          hold(area, id, at);
        }
        return;
      }
      case 'power-on':
        for (const area of a.transformers.map(areaOf)) {
          const id = area.scripted.shift();
          if (id) release(area, id, at);
        }
        return;
      case 'fault':
        return fault(a.id, a.section, at, a.clearAfterS);
      case 'repair': {
        const f = faults.get(a.id);
        if (f) f.active = false;
        return;
      }
      case 'switch':
        return switching(a.device, a.op, at, a.cause ?? null);
      case 'transformer-failure': {
        const area = areaOf(a.transformer);
        failures.set(a.id, area);
        record({ type: 'transformer-failure', id: a.id, at, transformer: area.tf.id, feeder: area.tf.feeder, customers: customerIds([area]), customerCount: area.meters.length });
        return hold(area, a.id, at);
      }
      case 'transformer-repair': {
        const area = failures.get(a.id);
        if (area) release(area, a.id, at);
        failures.delete(a.id);
        return;
      }
      case 'planned':
        return announce(a);
      case 'customer-loss': {
        const c = net.customer.get(a.customer);
        if (!c) throw new Error(`unknown customer ${a.customer}`);
        const area = areaOf(c.transformer);
        const m = area.meters.find((x) => x.customer.id === c.id)!;
        if (m.off) return;
        record({ type: 'customer-side', id: a.id, at, until: a.untilSimMs, customer: c.id, meter: c.meter, transformer: area.tf.id });
        if (area.causes.size === 0) {
          // The meter's own supply fails: its last gasp is the only sign.
          meterEvent(area, m, at, EVENT_CODE.lastGasp);
          customers.dark(c, at, a.id, true);
        }
        m.off = true;
        tasks.push(a.untilSimMs, () => {
          m.off = false;
          if (area.causes.size > 0) return;
          meterEvent(area, m, a.untilSimMs, EVENT_CODE.powerRestored);
          customers.live(c, a.untilSimMs);
          record({ type: 'restoration', cause: a.id, at: a.untilSimMs, partial: false, transformers: [], customers: [c.id], customerCount: 1, remainingCustomers: 0 });
        });
        return;
      }
      case 'comm-loss':
        return commLoss(areaOf(a.transformer), at, a.untilSimMs, a.id);
      case 'under-voltage': {
        const area = areaOf(a.transformer);
        const list = area.meters.map((m) => m.customer);
        record({ type: 'voltage', id: a.id, at, until: a.untilSimMs, transformer: area.tf.id, volts: a.volts, customerCount: list.length });
        area.vLow = a.volts;
        if (area.causes.size === 0) meterEvents(area, at, EVENT_CODE.underVoltage, p.voltageEventFraction);
        customers.voltageStart(list, at, a.id);
        tasks.push(a.untilSimMs, () => {
          area.vLow = null;
          customers.voltageEnd(list, a.id);
        });
        return;
      }
    }
  };

  const announce = (a: Extract<Action, { kind: 'planned' }>) => {
    const area = areas.get(a.device) ?? null;
    if (!area && !devices.has(a.device)) throw new Error(`planned ${a.id}: unknown device or transformer ${a.device}`);
    if (!(a.endSimMs > a.startSimMs && a.startSimMs >= a.atSimMs)) throw new Error(`planned ${a.id}: needs announcement <= start < end`);
    const affected = area ? [area] : topo.below(a.device).map(areaOf);
    const ids = customerIds(affected);
    const informed = ids.filter(() => rng.chance(behaviour.notice.plannedReach));
    const message: PlannedOutageMessage = {
      id: a.id,
      ts: iso(a.atSimMs),
      device: a.device,
      start: iso(a.startSimMs),
      end: iso(a.endSimMs),
      ...(a.reason === undefined ? {} : { reason: a.reason }),
    };
    emit(a.atSimMs + rng.int(200, 2_000), topic.planned(), message, null);
    record({
      type: 'planned', id: a.id, at: a.atSimMs, start: a.startSimMs, end: a.endSimMs, device: a.device,
      transformers: affected.map((x) => x.tf.id), customers: ids, customerCount: ids.length, informedCount: informed.length,
    });
    customers.notify(informed, a.atSimMs, a.endSimMs);
    tasks.push(a.startSimMs, () => (area ? hold(area, a.id, a.startSimMs) : switching(a.device, 'open', a.startSimMs, a.id)));
    tasks.push(a.endSimMs, () => (area ? release(area, a.id, a.endSimMs) : switching(a.device, 'close', a.endSimMs, a.id)));
  };

  const commLoss = (area: Area, at: number, until: number, id: string) => {
    area.silent = area.silent.filter((w) => w.to > at - DAY_MS);
    area.silent.push({ from: at, to: until });
    record({ type: 'comm-loss', id, at, until, transformer: area.tf.id, concentrator: area.tf.concentrator });
  };

  const actions = options.actions?.[Symbol.iterator]();
  // Pulled one at a time because scenarios such as `demo` never end.
  const nextAction = () => {
    const r = actions?.next();
    if (!r || r.done) return;
    tasks.push(r.value.atSimMs, () => {
      apply(r.value);
      nextAction();
    });
  };
  nextAction();

  // ---- readings ---------------------------------------------------------------------------------

  const poweredShare = (area: Area, from: number, to: number) => {
    let darkMs = 0;
    for (const d of area.dark) darkMs += Math.max(0, Math.min(to, d.to) - Math.max(from, d.from));
    return 1 - darkMs / (to - from);
  };

  const batch = (area: Area, endMs: number) => {
    const sendAt = endMs + area.phaseMs;
    tasks.push(sendAt, () => {
      // A dark station area has a dark concentrator: nothing is uploaded.
      if (area.causes.size === 0 && area.meters.length > 0) {
        const startMs = endMs - intervalMs;
        const localHour = ((((startMs + endMs) / 2 + utcOffsetMs) / 3_600_000) % 24 + 24) % 24;
        const energyShare = (poweredShare(area, startMs, endMs) * intervalMs) / 3_600_000;
        const noise = () => rng.next() + rng.next() + rng.next() - 1.5;
        const readings = [];
        for (const { customer, size, off: meterOff } of area.meters) {
          // A meter without supply cannot be read over power-line carrier.
          if (meterOff) continue;
          readings.push({
            meter: customer.meter,
            kwh: round(loadKw(customer.type, localHour) * size * (0.9 + 0.2 * rng.next()) * energyShare, 4),
            v: round(area.vLow !== null ? area.vLow + noise() * 4 : area.vBase + noise() * 1.5, 1),
          });
        }
        for (let i = 0; i < readings.length; i += MAX_READINGS) {
          const message: ReadingsMessage = {
            ts: iso(endMs + area.dcuSkewMs),
            interval_s: p.readingIntervalS,
            readings: readings.slice(i, i + MAX_READINGS),
          };
          emit(sendAt, topic.readings(area.tf.id), message, area);
        }
      }
      area.dark = area.dark.filter((d) => d.to > endMs);
      batch(area, endMs + intervalMs);
    });
  };
  for (const area of areaList) {
    // First interval end whose upload is not before the start.
    batch(area, Math.ceil((options.startSimMs - area.phaseMs) / intervalMs) * intervalMs);
  }

  // ---- field noise ------------------------------------------------------------------------------

  const start = options.startSimMs;
  for (const area of areaList) {
    if (area.dcuSkewMs) record({ type: 'clock-skew', at: start, device: area.tf.concentrator, transformer: area.tf.id, offsetS: area.dcuSkewMs / 1000 });
    for (const m of area.meters) {
      if (m.skewMs) record({ type: 'clock-skew', at: start, device: m.customer.meter, transformer: area.tf.id, offsetS: m.skewMs / 1000 });
    }
  }

  /** A Poisson process: `fire` at exponential gaps with this rate per day. */
  const poisson = (perDay: number, fire: (at: number) => void) => {
    if (!(perDay > 0)) return;
    const next = (from: number) => {
      const at = Math.round(from + rng.exp(DAY_MS / perDay));
      tasks.push(at, () => {
        fire(at);
        next(at);
      });
    };
    next(start);
  };

  // Temporary faults clear by reclosing: only on sections a breaker or recloser protects (below a
  // fuse the fuse would blow for good, and nobody would come to replace it).
  const trunk = new Map<string, string[]>();
  for (const d of net.network.devices) {
    if (d.kind === 'fuse' || net.device.get(topo.interrupter(d.id))?.kind === 'fuse') continue;
    let list = trunk.get(d.feeder);
    if (!list) trunk.set(d.feeder, (list = []));
    list.push(d.id);
  }
  const trunkFeeders = [...trunk.keys()];
  poisson(trunkFeeders.length * p.momentaryPerFeederPerDay, (at) => {
    const section = rng.pick(trunk.get(rng.pick(trunkFeeders))!);
    if (live(section)) fault(newId('m'), section, at, 0.2 + rng.next() * 1.3);
  });

  poisson(areaList.length * p.commLossPerConcentratorPerDay, (at) => {
    const area = rng.pick(areaList);
    commLoss(area, at, at + Math.max(60_000, Math.round(rng.exp(p.commLossMeanS * 1000))), newId('k'));
  });

  for (const area of areaList) {
    for (const m of area.meters) {
      if (!rng.chance(p.flappingMeterShare)) continue;
      record({ type: 'flapping-meter', at: start, meter: m.customer.meter, customer: m.customer.id, transformer: area.tf.id });
      const flap = (from: number) => {
        const at = Math.round(from + rng.exp(p.flapMeanIntervalS * 1000));
        tasks.push(at, () => {
          const back = at + rng.int(2_000, 30_000);
          if (area.causes.size === 0 && !m.off) {
            meterEvent(area, m, at, EVENT_CODE.powerOff);
            meterEvent(area, m, back, EVENT_CODE.powerRestored);
          }
          flap(back);
        });
      };
      flap(start);
    }
  }

  return {
    off,
    topology: topo,
    get contacts() {
      return customers.contacts;
    },
    advance(untilSimMs) {
      while (tasks.peekAt() <= untilSimMs) {
        now = Math.max(now, tasks.peekAt());
        tasks.pop()!();
      }
      now = Math.max(now, untilSimMs);
      const messages: OutMessage[] = [];
      while (outbox.peekAt() <= untilSimMs) {
        const { m, area } = outbox.pop()!;
        if (area && silentAt(area, m.atSimMs)) continue;
        messages.push(m);
      }
      const out = truth;
      truth = [];
      return { messages, truth: out };
    },
    notify(notice, atSimMs) {
      const at = Math.max(atSimMs, now);
      const etrMs = notice.etr === undefined ? undefined : toEpochMs(notice.etr);
      const etr = etrMs !== undefined && Number.isFinite(etrMs) ? etrMs : undefined;
      const ids = [...notice.customers];
      tasks.push(at, () => {
        const reached = customers.notify(ids, at, etr);
        record({ type: 'notice', at, notice: notice.id, outage: notice.outage, ...(etr === undefined ? {} : { etr }), customers: ids.length, reached });
      });
    },
  };
}
