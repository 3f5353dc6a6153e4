// Pure field model: from a network, a seeded Rng and scenario actions, the exact MQTT messages
// the field would send, each stamped with the simulated instant it leaves the field. No I/O and
// no wall clock; tasks run in (time, insertion) order, so a seed yields the same sequence however
// the caller slices time into `advance` calls.
import {
  EVENT_CODE,
  indexNetwork,
  topics,
  type Customer,
  type MeterEvent,
  type NetworkFile,
  type NetworkIndex,
  type ReadingsMessage,
  type Rng,
  type Transformer,
} from '@gridwatch/shared';
import { loadKw } from './load.ts';
import { TimedQueue } from './timedQueue.ts';

export interface OutMessage {
  atSimMs: number;
  topic: string;
  payload: unknown;
}

/**
 * What happens in the field, emitted by scenarios in time order. Power actions nest per station
 * area (two overlapping causes need two restores), so device-level faults can reuse them.
 */
export type Action =
  | { kind: 'power-off'; atSimMs: number; transformers: readonly string[] }
  | { kind: 'power-on'; atSimMs: number; transformers: readonly string[] };

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
  /** Local time for load shapes; default from the network centre's longitude. */
  utcOffsetH?: number;
}

export const DEFAULT_FIELD: FieldParams = {
  readingIntervalS: 900,
  lastGaspFraction: 0.6,
  restoreEventFraction: 0.9,
  meterDelayMeanS: 20,
  meterDelayMaxS: 600,
  concentratorDelayS: 30,
  duplicateRate: 0.02,
};

const FIELD_KEYS = [...Object.keys(DEFAULT_FIELD), 'utcOffsetH'] as (keyof FieldParams)[];

export interface WorldOptions extends Partial<FieldParams> {
  network: NetworkFile | NetworkIndex;
  rng: Rng;
  startSimMs: number;
  actions?: Iterable<Action>;
  prefix?: string;
}

export interface World {
  /** Runs the field up to `untilSimMs` and returns the messages due by then, in order. */
  advance(untilSimMs: number): OutMessage[];
  /** Station areas without power as of the last `advance`. */
  readonly off: ReadonlySet<string>;
}

/** A batch may hold at most this many readings (schema limit). */
const MAX_READINGS = 5_000;

interface Area {
  tf: Transformer;
  meters: { customer: Customer; size: number }[];
  phaseMs: number;
  vBase: number;
  /** Nesting depth of power-off causes; the area is dark while > 0. */
  depth: number;
  outageNo: number;
  concentratorReportedOff: boolean;
  /** Recent dark periods, to scale the energy of partly powered intervals. */
  dark: { from: number; to: number }[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function createWorld(options: WorldOptions): World {
  const p: FieldParams = { ...DEFAULT_FIELD };
  for (const key of FIELD_KEYS) if (options[key] !== undefined) p[key] = options[key]!;
  if (!Number.isInteger(p.readingIntervalS) || p.readingIntervalS < 1 || p.readingIntervalS > 86_400) {
    throw new Error(`reading interval must be an integer 1..86400 s, got ${p.readingIntervalS}`);
  }
  const net = 'customersOf' in options.network ? options.network : indexNetwork(options.network);
  const { rng } = options;
  const topic = topics(options.prefix);
  const intervalMs = p.readingIntervalS * 1000;
  const utcOffsetMs = (p.utcOffsetH ?? Math.round(net.network.centre[0] / 15)) * 3_600_000;

  const tasks = new TimedQueue<() => void>();
  const outbox = new TimedQueue<OutMessage>();
  const off = new Set<string>();
  const seqs = new Map<string, number>();

  const transformers = net.network.transformers;
  const areas = new Map<string, Area>(
    transformers.map((tf, i) => [
      tf.id,
      {
        tf,
        meters: (net.customersOf.get(tf.id) ?? []).map((customer) => ({ customer, size: 0.6 + rng.next() })),
        // Even spread of upload times over the interval keeps broker traffic smooth.
        phaseMs: Math.floor((i * intervalMs) / transformers.length),
        vBase: 216 + rng.next() * 8,
        depth: 0,
        outageNo: 0,
        concentratorReportedOff: false,
        dark: [],
      },
    ]),
  );

  const emit = (atSimMs: number, t: string, payload: unknown) => {
    outbox.push(atSimMs, { atSimMs, topic: t, payload });
    if (rng.chance(p.duplicateRate)) {
      const again = atSimMs + rng.int(0, 2_000);
      outbox.push(again, { atSimMs: again, topic: t, payload });
    }
  };

  const event = (device: string, tsMs: number, code: string): MeterEvent => {
    const seq = (seqs.get(device) ?? 0) + 1;
    seqs.set(device, seq);
    return { device, ts: iso(tsMs), code, seq };
  };

  const meterDelayMs = () => Math.min(rng.exp(p.meterDelayMeanS), p.meterDelayMaxS) * 1000;

  const meterEvents = (area: Area, atMs: number, code: string, fraction: number) => {
    for (const { customer } of area.meters) {
      if (!rng.chance(fraction)) continue;
      const ts = atMs + rng.int(0, 999);
      emit(ts + meterDelayMs(), topic.meterEvents(area.tf.id), event(customer.meter, ts, code));
    }
  };

  const powerOff = (area: Area, atMs: number) => {
    if (area.depth++ > 0) return;
    off.add(area.tf.id);
    const outage = ++area.outageNo;
    area.dark.push({ from: atMs, to: Infinity });
    meterEvents(area, atMs, EVENT_CODE.lastGasp, p.lastGaspFraction);
    const confirmAt = atMs + p.concentratorDelayS * 1000 * (0.9 + 0.2 * rng.next());
    tasks.push(confirmAt, () => {
      if (area.outageNo !== outage || area.depth === 0) return;
      area.concentratorReportedOff = true;
      emit(confirmAt, topic.meterEvents(area.tf.id), { events: [event(area.tf.concentrator, atMs, EVENT_CODE.powerOff)] });
    });
  };

  const powerOn = (area: Area, atMs: number) => {
    if (area.depth === 0 || --area.depth > 0) return;
    off.delete(area.tf.id);
    area.dark[area.dark.length - 1]!.to = atMs;
    if (area.concentratorReportedOff) {
      area.concentratorReportedOff = false;
      const restored = event(area.tf.concentrator, atMs, EVENT_CODE.powerRestored);
      emit(atMs + rng.int(1_000, 5_000), topic.meterEvents(area.tf.id), { events: [restored] });
    }
    meterEvents(area, atMs, EVENT_CODE.powerRestored, p.restoreEventFraction);
  };

  const apply = (action: Action) => {
    for (const id of action.transformers) {
      const area = areas.get(id);
      if (!area) throw new Error(`${action.kind}: unknown transformer ${id}`);
      if (action.kind === 'power-off') powerOff(area, action.atSimMs);
      else powerOn(area, action.atSimMs);
    }
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

  const poweredShare = (area: Area, from: number, to: number) => {
    let darkMs = 0;
    for (const d of area.dark) darkMs += Math.max(0, Math.min(to, d.to) - Math.max(from, d.from));
    return 1 - darkMs / (to - from);
  };

  const batch = (area: Area, endMs: number) => {
    const sendAt = endMs + area.phaseMs;
    tasks.push(sendAt, () => {
      // A dark station area has a dark concentrator: nothing is uploaded.
      if (area.depth === 0 && area.meters.length > 0) {
        const startMs = endMs - intervalMs;
        const localHour = ((((startMs + endMs) / 2 + utcOffsetMs) / 3_600_000) % 24 + 24) % 24;
        const energyShare = (poweredShare(area, startMs, endMs) * intervalMs) / 3_600_000;
        const readings = area.meters.map(({ customer, size }) => ({
          meter: customer.meter,
          kwh: round(loadKw(customer.type, localHour) * size * (0.9 + 0.2 * rng.next()) * energyShare, 4),
          v: round(area.vBase + (rng.next() + rng.next() + rng.next() - 1.5) * 1.5, 1),
        }));
        for (let i = 0; i < readings.length; i += MAX_READINGS) {
          const message: ReadingsMessage = {
            ts: iso(endMs),
            interval_s: p.readingIntervalS,
            readings: readings.slice(i, i + MAX_READINGS),
          };
          emit(sendAt, topic.readings(area.tf.id), message);
        }
      }
      area.dark = area.dark.filter((d) => d.to > endMs);
      batch(area, endMs + intervalMs);
    });
  };
  for (const area of areas.values()) {
    // First interval end whose upload is not before the start.
    batch(area, Math.ceil((options.startSimMs - area.phaseMs) / intervalMs) * intervalMs);
  }

  return {
    off,
    advance(untilSimMs) {
      while (tasks.peekAt() <= untilSimMs) tasks.pop()!();
      const due: OutMessage[] = [];
      while (outbox.peekAt() <= untilSimMs) due.push(outbox.pop()!);
      return due;
    },
  };
}
