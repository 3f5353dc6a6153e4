// Scenarios script what happens in the field as a time-ordered (possibly endless) stream of
// actions; the world turns actions into telemetry, protection operations and customer contacts.
// A new scenario is one entry here. Scenarios only decide *where* and *when* (faults, crew
// switching, repairs, announcements); what protection, FCIs, meters and customers do follows
// from the world's physics, so a scenario cannot make them inconsistent.
import type { Device, NetworkIndex, Rng } from '@gridwatch/shared';
import { REPORTING, type Topology } from './topology.ts';
import type { Action } from './world.ts';
import type { BehaviourOverrides } from './behaviour.ts';

export interface ScenarioContext {
  net: NetworkIndex;
  topo: Topology;
  /** The scenario's own stream, so field noise cannot shift the plot. */
  rng: Rng;
  startSimMs: number;
  /** Prefix for ids (faults, planned outages), distinct per run. */
  idPrefix: string;
  transformer?: string;
  /** Section (device) for feeder-lockout, reclose-success, planned, chronic-line. */
  device?: string;
  customer?: string;
  /** Length of the main outage or episode, seconds. */
  outageS?: number;
  /** Storm size; daily: mean unplanned outages a day. */
  faults?: number;
  /** Planned outage: announcement ahead of start, seconds. */
  leadS?: number;
  /** Chronic line: the period its outages spread over, seconds. */
  spanS?: number;
}

export interface Scenario {
  summary: string;
  /** Never ends (`demo`, `daily`): take actions up to a time, never all of them. */
  endless?: boolean;
  /** The scenario's own customer behaviour, under any `--behaviour` overrides. */
  behaviour?: BehaviourOverrides;
  actions(ctx: ScenarioContext): Iterable<Action>;
}

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

const byTime = (actions: Action[]) => actions.sort((a, b) => a.atSimMs - b.atSimMs);

const positive = (name: string, v: number | undefined, fallback: number) => {
  const x = v ?? fallback;
  if (!(x > 0)) throw new Error(`${name} must be > 0, got ${x}`);
  return x;
};

const pickTransformer = ({ net, rng, transformer }: ScenarioContext) => {
  const id = transformer ?? rng.pick(net.network.transformers).id;
  if (!net.transformer.has(id)) throw new Error(`unknown transformer ${id}`);
  return id;
};

const checkDevice = (net: NetworkIndex, id: string) => {
  if (!net.device.has(id)) throw new Error(`unknown device ${id}`);
  return id;
};

/**
 * Trunk sections whose fault trips a breaker or recloser above them and leaves something to
 * restore by switching: a sectionalising switch (or other non-fuse device) below the interrupter,
 * with customers below it.
 */
const switchableSections = (topo: Topology) =>
  topo.net.network.devices
    .filter((d) => d.kind !== 'fuse' && topo.interrupter(d.id) !== d.id && topo.customersBelow(d.id) > 0)
    .map((d) => d.id);

/** Trunk sections (non-fuse devices) with customers below. */
const trunkSections = (topo: Topology) =>
  topo.net.network.devices.filter((d) => d.kind !== 'fuse' && topo.customersBelow(d.id) > 0).map((d) => d.id);

export interface FaultPlan {
  id: string;
  section: string;
  atSimMs: number;
  /** Crew on site and isolating the faulted section. */
  isolateAfterMs: number;
  /** Repair done; the last devices close right after. */
  repairAfterMs: number;
  /** The crew restores the faulted section before the repair (the paper's wrong isolation step). */
  wrongStep?: boolean;
}

/**
 * A permanent fault and the crew's response: isolate the faulted section by opening its own
 * device, restore the healthy sections above it by closing the operated device, repair, close
 * the last device. A blown fuse is replaced after the repair.
 */
export function faultResponse(topo: Topology, plan: FaultPlan): Action[] {
  const { id, section, atSimMs: at } = plan;
  const op = topo.interrupter(section);
  const isolate = at + plan.isolateAfterMs;
  const repaired = at + Math.max(plan.repairAfterMs, plan.isolateAfterMs + 10 * MIN);
  const out: Action[] = [{ kind: 'fault', atSimMs: at, id, section }];
  const sw = (atSimMs: number, device: string, op: 'open' | 'close'): Action => ({ kind: 'switch', atSimMs, device, op, cause: id });
  if (op === section) {
    out.push({ kind: 'repair', atSimMs: repaired, id }, sw(repaired + MIN, op, 'close'));
    return out;
  }
  out.push(sw(isolate, section, 'open'), sw(isolate + 5 * MIN, op, 'close'));
  if (plan.wrongStep) {
    // Closing the faulted section early trips the feeder again: a repeat outage for the
    // customers just restored. The crew isolates once more and restores the healthy part.
    out.push(sw(isolate + 15 * MIN, section, 'close'), sw(isolate + 35 * MIN, section, 'open'), sw(isolate + 40 * MIN, op, 'close'));
  }
  const done = Math.max(repaired, isolate + (plan.wrongStep ? 45 : 10) * MIN);
  out.push({ kind: 'repair', atSimMs: done, id }, sw(done + MIN, section, 'close'));
  return out;
}

/** Weighted sampling without replacement; weights from `weight`. */
function sample<T>(rng: Rng, items: readonly T[], n: number, weight: (t: T) => number): T[] {
  const pool = items.map((item) => ({ item, w: weight(item) }));
  const out: T[] = [];
  let total = pool.reduce((a, p) => a + p.w, 0);
  while (out.length < n && pool.length > 0 && total > 0) {
    let r = rng.next() * total;
    let i = 0;
    while (i < pool.length - 1 && (r -= pool[i]!.w) >= 0) i++;
    const [chosen] = pool.splice(i, 1);
    total -= chosen!.w;
    out.push(chosen!.item);
  }
  return out;
}

export interface StormOptions {
  /** Ids of the storm's faults, from a letter (f: fault, tf: transformer failure). */
  id: (letter: string) => string;
  /** Candidate trunk sections (lockouts, momentaries); default: non-fuse devices with customers below. */
  trunk?: readonly Device[];
  /** Candidate fuses; default: fuses with customers below. */
  fuses?: readonly Device[];
  /** Elements a storm fault must leave alone (still out from an earlier fault). */
  busy?: { device(id: string): boolean; transformer(id: string): boolean };
}

/**
 * A storm cell: `n` faults within an hour of `startSimMs` around a random point of the network -
 * lockouts on trunk sections (some with a wrong switching step), fuse blows, transformer failures,
 * momentaries - and the crews' response over hours, in time order.
 */
export function stormCell(topo: Topology, rng: Rng, startSimMs: number, n: number, o: StormOptions): Action[] {
  const { net } = topo;
  // The cell: a random point of the network; faults are likelier close to it.
  const devs = net.network.devices;
  const centre: { lon: number; lat: number } = devs.length ? rng.pick(devs) : rng.pick(net.network.transformers);
  const dist = (x: { lon: number; lat: number }) => Math.hypot((x.lon - centre.lon) * Math.cos((centre.lat * Math.PI) / 180), x.lat - centre.lat);
  const reach = Math.max(1e-4, ...devs.map(dist), ...net.network.transformers.map(dist)) / 2;
  const weight = (x: { lon: number; lat: number }) => Math.exp(-((dist(x) / reach) ** 2));
  const { busy } = o;
  // A busy element weighs nothing, so it is never drawn (the filter catches rounding at the end).
  const deviceWeight = busy ? (d: Device) => (busy.device(d.id) ? 0 : weight(d)) : weight;
  const freeDevice = (d: Device) => !busy?.device(d.id);

  const mix = { lockout: 0.3, fuse: 0.35, transformer: 0.15, momentary: 0.2 };
  const counts = { lockout: 0, fuse: 0, transformer: 0, momentary: 0 };
  for (let i = 0; i < n; i++) {
    let r = rng.next();
    const kind = (Object.keys(mix) as (keyof typeof mix)[]).find((k) => (r -= mix[k]) < 0) ?? 'momentary';
    counts[kind]++;
  }
  const trunkCandidates = o.trunk ?? trunkSections(topo).map((id) => net.device.get(id)!);
  const fuseCandidates = o.fuses ?? devs.filter((d) => d.kind === 'fuse' && topo.customersBelow(d.id) > 0);
  const trunk = sample(rng, trunkCandidates, counts.lockout + counts.momentary, deviceWeight).filter(freeDevice);
  const fuses = sample(rng, fuseCandidates, counts.fuse, deviceWeight).filter(freeDevice);
  const tfs = busy
    ? sample(rng, net.network.transformers, counts.transformer, (t) => (busy.transformer(t.id) ? 0 : weight(t))).filter((t) => !busy.transformer(t.id))
    : sample(rng, net.network.transformers, counts.transformer, weight);

  const when = () => startSimMs + 2 * MIN + Math.floor(rng.next() * H);
  // Crews are busy in a storm: the later a fault, the longer it waits.
  const crew = (at: number) => ({
    isolateAfterMs: 20 * MIN + rng.int(0, 70) * MIN + (at - startSimMs) / 2,
    repairAfterMs: 90 * MIN + rng.int(0, 270) * MIN,
  });
  const out: Action[] = [];
  const { id } = o;
  trunk.forEach((d, i) => {
    const at = when();
    if (i < counts.lockout) {
      const wrongStep = topo.interrupter(d.id) !== d.id && rng.chance(0.15);
      out.push(...faultResponse(topo, { id: id('f'), section: d.id, atSimMs: at, ...crew(at), wrongStep }));
    } else {
      out.push({ kind: 'fault', atSimMs: at, id: id('f'), section: d.id, clearAfterS: 0.2 + rng.next() * 1.5 });
    }
  });
  for (const d of fuses) {
    const at = when();
    out.push(...faultResponse(topo, { id: id('f'), section: d.id, atSimMs: at, ...crew(at) }));
  }
  for (const t of tfs) {
    const at = when();
    const fid = id('tf');
    out.push(
      { kind: 'transformer-failure', atSimMs: at, id: fid, transformer: t.id },
      { kind: 'transformer-repair', atSimMs: at + crew(at).repairAfterMs + 2 * H, id: fid },
    );
  }
  return byTime(out);
}

const DAY = 24 * H;

/** Relative rate of unplanned outages by local hour: quiet nights, a peak 15-20 h (heat, load, wind). */
const DIURNAL = [0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 0.8, 0.8, 1, 1, 1, 1.2, 1.2, 1.2, 1.4, 1.4, 1.4, 1.4, 1.4, 1.1, 1.1, 0.8, 0.8];
const DIURNAL_MEAN = DIURNAL.reduce((a, w) => a + w, 0) / DIURNAL.length;
const DIURNAL_MAX = Math.max(...DIURNAL);

/** Unplanned outages of a day, by count. */
const DAILY_MIX = { fuse: 0.35, transformer: 0.25, lockout: 0.1, customer: 0.2, momentary: 0.1 } as const;
type DailyKind = keyof typeof DAILY_MIX;

/** Share of fuses and trunk sections, and of transformers, that are chronic weak spots... */
const WEAK_SHARE = 0.03;
const WEAK_TRANSFORMER_SHARE = 0.01;
/** ...and the chance that a fault of their kind hits one of them. */
const WEAK_PICK = 0.3;
const PLANNED_PER_DAY = 0.5;
const STORMS_PER_DAY = 0.1;
/** Tries to find an element that is not out already before an outage is dropped. */
const TRIES = 8;

/** `share` of `items` (at least one when there are any), chosen by a partial shuffle. */
function choose<T>(rng: Rng, items: readonly T[], share: number): T[] {
  const pool = [...items];
  const k = pool.length ? Math.max(1, Math.round(share * pool.length)) : 0;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

/** Two time-ordered lists as one; `a` first on ties. */
function merge(a: readonly Action[], b: readonly Action[]): Action[] {
  const out: Action[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i]!.atSimMs <= b[j]!.atSimMs) ? a[i++]! : b[j++]!);
  return out;
}

/**
 * Everyday operations, endless: one simulated day at a time, unplanned outages (Poisson, more in
 * the afternoon and evening) with the crews' response, chronic weak spots that fail again and
 * again, planned maintenance announced days ahead, and now and then a storm cell. An element that
 * is out (or below one that is) gets no new fault until it is back.
 */
function* dailyActions(ctx: ScenarioContext): Generator<Action> {
  const { net, topo, rng, startSimMs, idPrefix } = ctx;
  const perDay = positive('faults', ctx.faults, 24);
  const utcOffsetMs = Math.round(net.network.centre[0] / 15) * H;
  const diurnal = (t: number) => DIURNAL[Math.floor(((((t + utcOffsetMs) % DAY) + DAY) % DAY) / H)]!;

  // Candidates, once. Lockouts and momentaries go on trunk sections a breaker or recloser clears:
  // below a fuse a "momentary" would blow the fuse for good, and a lockout would be a fuse blow.
  const kindOf = (id: string) => net.device.get(id)!.kind;
  const devs = net.network.devices;
  const fuses = devs.filter((d) => d.kind === 'fuse' && topo.customersBelow(d.id) > 0);
  const trunk = devs.filter((d) => d.kind !== 'fuse' && kindOf(topo.interrupter(d.id)) !== 'fuse' && topo.customersBelow(d.id) > 0);
  const transformers = net.network.transformers.filter((t) => (net.customersOf.get(t.id)?.length ?? 0) > 0);
  const residential = net.network.customers.filter((c) => c.type === 'residential');
  const customers = residential.length ? residential : net.network.customers;
  // Planned work: a switching device below the feeder head, as in `planned`.
  const switches = devs.filter((d) => REPORTING.has(d.kind) && d.parent !== null && topo.customersBelow(d.id) > 0);
  const weak = {
    fuses: choose(rng, fuses, WEAK_SHARE),
    trunk: choose(rng, trunk, WEAK_SHARE),
    transformers: choose(rng, transformers, WEAK_TRANSFORMER_SHARE),
  };
  const pick = <T>(all: readonly T[], chronic: readonly T[], draw: () => T = () => rng.pick(all)) => (chronic.length && rng.chance(WEAK_PICK) ? rng.pick(chronic) : draw());
  // A lateral's faults grow with its length (faults per km): weight fuses by the station areas
  // they feed, a proxy for the lateral's length, so long laterals fail more often than stubs.
  const fuseCum: number[] = [];
  for (const f of fuses) fuseCum.push((fuseCum.at(-1) ?? 0) + topo.below(f.id).length);
  const exposedFuse = () => {
    const r = rng.next() * (fuseCum.at(-1) ?? 0);
    let [lo, hi] = [0, fuseCum.length - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fuseCum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return fuses[lo]!;
  };

  // Busy elements: key (d: device, t: transformer, c: customer) → intervals it is out.
  const busy = new Map<string, [number, number][]>();
  const reserve = (key: string, from: number, to: number) => {
    let list = busy.get(key);
    if (!list) busy.set(key, (list = []));
    list.push([from, to]);
  };
  const clash = (key: string, from: number, to: number) => busy.get(key)?.some(([a, b]) => a <= to && from <= b) ?? false;
  /** Neither the device nor any device above it (that would leave it dead) is out over from..to. */
  const deviceFree = (id: string, from: number, to: number) => !topo.path(id).some((d) => clash(`d:${d}`, from, to));
  const transformerFree = (id: string, from: number, to: number) => !clash(`t:${id}`, from, to) && deviceFree(net.transformer.get(id)!.device, from, to);
  /** Nothing below the device is out over from..to either (for planned work). */
  const subtreeFree = (id: string, from: number, to: number) =>
    topo.devicesBelow(id).every((d) => !clash(`d:${d}`, from, to)) && topo.below(id).every((t) => !clash(`t:${t}`, from, to));
  /** Marks what a list of actions puts out, until it is back. */
  const reserveActions = (actions: readonly Action[]) => {
    const last = new Map<string, number>();
    const closed = new Map<string, number>();
    for (const a of actions) {
      const id = a.kind === 'switch' ? a.cause : 'id' in a ? a.id : undefined;
      if (id !== undefined) last.set(id, Math.max(last.get(id) ?? a.atSimMs, a.atSimMs));
      if (a.kind === 'switch' && a.op === 'close') closed.set(`${a.cause}|${a.device}`, a.atSimMs);
    }
    for (const a of actions) {
      if (a.kind === 'fault') {
        // A momentary recloses within seconds; a permanent fault is out until its last close.
        const end = a.clearAfterS === undefined ? last.get(a.id)! : a.atSimMs + MIN;
        reserve(`d:${a.section}`, a.atSimMs, end);
        // The interrupter is open (its whole feeder part dead) until the crew closes it again.
        const op = topo.interrupter(a.section);
        if (op !== a.section) reserve(`d:${op}`, a.atSimMs, closed.get(`${a.id}|${op}`) ?? end);
      } else if (a.kind === 'transformer-failure') reserve(`t:${a.transformer}`, a.atSimMs, last.get(a.id)!);
      else if (a.kind === 'customer-loss') reserve(`c:${a.customer}`, a.atSimMs, a.untilSimMs);
      else if (a.kind === 'planned') reserve(`d:${a.device}`, a.startSimMs, a.endSimMs);
    }
    return actions;
  };
  const sweep = (before: number) => {
    for (const [key, list] of busy) {
      const left = list.filter(([, to]) => to >= before);
      if (left.length === 0) busy.delete(key);
      else if (left.length < list.length) busy.set(key, left);
    }
  };

  let no = 0;
  const nextId = (letter: string) => `${idPrefix}d${letter}${++no}`;
  let storms = 0;
  const round = Math.round;
  /** Log-uniform between lo and hi: most repairs short, a few long. */
  const spread = (lo: number, hi: number) => round(lo * (hi / lo) ** rng.next());
  /** The first element `ok` accepts out of a few draws, or null. */
  const find = <T>(draw: () => T, ok: (t: T) => boolean): T | null => {
    for (let i = 0; i < TRIES; i++) {
      const t = draw();
      if (ok(t)) return t;
    }
    return null;
  };

  const permanent = (at: number, kind: 'fuse' | 'lockout'): Action[] => {
    const isolateAfterMs = spread(15 * MIN, 60 * MIN);
    const repairAfterMs = spread(45 * MIN, 300 * MIN);
    const wrong = rng.chance(0.1);
    // Out at most this long: the repair, or a (wrong) isolation sequence, and the last close.
    const end = at + Math.max(repairAfterMs, isolateAfterMs + 45 * MIN) + 2 * MIN;
    const d = kind === 'fuse' ? find(() => pick(fuses, weak.fuses, exposedFuse), (x) => deviceFree(x.id, at, end)) : find(() => pick(trunk, weak.trunk), (x) => deviceFree(x.id, at, end));
    if (!d) return [];
    const wrongStep = kind === 'lockout' && wrong && topo.interrupter(d.id) !== d.id;
    return faultResponse(topo, { id: nextId('f'), section: d.id, atSimMs: at, isolateAfterMs, repairAfterMs, wrongStep });
  };

  const unplanned = (at: number, kind: DailyKind): Action[] => {
    switch (kind) {
      case 'fuse':
      case 'lockout':
        return permanent(at, kind);
      case 'momentary': {
        const clearAfterS = 0.2 + rng.next() * 1.5;
        const d = find(() => pick(trunk, weak.trunk), (x) => deviceFree(x.id, at, at + MIN));
        return d ? [{ kind: 'fault', atSimMs: at, id: nextId('m'), section: d.id, clearAfterS }] : [];
      }
      case 'transformer': {
        const until = at + spread(2 * H, 8 * H);
        const t = find(() => pick(transformers, weak.transformers), (x) => transformerFree(x.id, at, until));
        if (!t) return [];
        const id = nextId('tf');
        return [
          { kind: 'transformer-failure', atSimMs: at, id, transformer: t.id },
          { kind: 'transformer-repair', atSimMs: until, id },
        ];
      }
      case 'customer': {
        const until = at + spread(30 * MIN, 240 * MIN);
        const c = find(() => rng.pick(customers), (x) => !clash(`c:${x.id}`, at, until) && transformerFree(x.transformer, at, until));
        return c ? [{ kind: 'customer-loss', atSimMs: at, id: nextId('cs'), customer: c.id, untilSimMs: until }] : [];
      }
    }
  };

  const plannedWork = (at: number): Action[] => {
    // Announced 2-4 days ahead, starting 08:00-14:00 local, for 2-6 h.
    const target = at + 2 * DAY + rng.next() * 2 * DAY;
    const localMidnight = Math.floor((target + utcOffsetMs) / DAY) * DAY - utcOffsetMs;
    let start = localMidnight + 8 * H + rng.int(0, 24) * 15 * MIN;
    if (start < at + 2 * DAY) start += DAY;
    else if (start > at + 4 * DAY) start -= DAY;
    const end = start + rng.int(8, 24) * 15 * MIN;
    const d = find(() => rng.pick(switches), (x) => deviceFree(x.id, start, end) && subtreeFree(x.id, start, end));
    if (!d) return [];
    return [{ kind: 'planned', atSimMs: at, id: nextId('p'), device: d.id, startSimMs: start, endSimMs: end, reason: '计划检修 / planned maintenance' }];
  };

  const storm = (at: number): Action[] => {
    const cell = ++storms;
    // Anything out (or dead below something out) from now until the crews are done is left
    // alone: the few busy elements' subtrees, rather than a path check for every candidate.
    const to = at + 12 * H;
    const devices = new Set<string>();
    const tfs = new Set<string>();
    for (const [key, list] of busy) {
      if (!list.some(([a, b]) => a <= to && at <= b)) continue;
      const id = key.slice(2);
      if (key.startsWith('t:')) tfs.add(id);
      else if (key.startsWith('d:')) {
        for (const d of topo.devicesBelow(id)) devices.add(d);
        for (const t of topo.below(id)) tfs.add(t);
      }
    }
    return stormCell(topo, rng, at, rng.int(15, 30), {
      id: (letter) => `${idPrefix}ds${cell}${letter}${++no}`,
      trunk,
      fuses,
      busy: { device: (id) => devices.has(id), transformer: (id) => tfs.has(id) },
    });
  };

  /** Times of a Poisson process over from..to with this mean per day, thinned by the diurnal curve. */
  const arrivals = (perDayMean: number, from: number, to: number, diurnalShape: boolean): number[] => {
    const out: number[] = [];
    if (!(perDayMean > 0)) return out;
    const peak = diurnalShape ? (perDayMean * DIURNAL_MAX) / DIURNAL_MEAN : perDayMean;
    for (let t = from + rng.exp(DAY / peak); t < to; t += rng.exp(DAY / peak)) {
      if (!diurnalShape || rng.next() * DIURNAL_MAX < diurnal(t)) out.push(round(t));
    }
    return out;
  };

  const kinds = Object.keys(DAILY_MIX) as DailyKind[];
  let pending: Action[] = [];
  for (let from = startSimMs; ; from += DAY) {
    const to = from + DAY;
    sweep(from);
    type Event = { at: number; make: () => Action[] };
    const events: Event[] = [];
    for (const at of arrivals(perDay, from, to, true)) {
      let r = rng.next();
      const kind = kinds.find((k) => (r -= DAILY_MIX[k]) < 0) ?? 'momentary';
      events.push({ at, make: () => unplanned(at, kind) });
    }
    for (const at of arrivals(PLANNED_PER_DAY, from, to, false)) events.push({ at, make: () => plannedWork(at) });
    for (const at of arrivals(STORMS_PER_DAY, from, to, true)) events.push({ at, make: () => storm(at) });
    // In time order, so each sees what the earlier ones put out.
    events.sort((a, b) => a.at - b.at);
    const fresh: Action[] = [];
    for (const e of events) fresh.push(...reserveActions(e.make()));
    pending = merge(pending, byTime(fresh));
    // Everything from later days starts at or after `to`.
    let i = 0;
    while (i < pending.length && pending[i]!.atSimMs < to) yield pending[i++]!;
    pending = pending.slice(i);
  }
}

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  steady: {
    summary: 'readings and background field noise only',
    actions: () => [],
  },

  'station-area-outage': {
    summary: 'one station area (--transformer or by seed) loses power at +20 s for --outage-s (default 90 s)',
    actions(ctx) {
      const id = pickTransformer(ctx);
      const outageS = positive('outage-s', ctx.outageS, 90);
      const at = ctx.startSimMs + 20 * S;
      return [
        { kind: 'power-off', atSimMs: at, transformers: [id] },
        { kind: 'power-on', atSimMs: at + outageS * S, transformers: [id] },
      ];
    },
  },

  demo: {
    summary:
      'readings, and every ~2 min one random station area is dark for 1-8 min (some momentary, most sustained); every ' +
      'fifth outage is a lateral (all station areas below a fuse) dark for 20-45 min, long enough for complaints; ' +
      'customers contact the utility about other matters (billing, service) ~70x as often as in daily life, so the work orders have traffic',
    endless: true,
    behaviour: { background: { perCustomerPerDay: 0.1 } },
    *actions({ net, topo, rng, startSimMs }) {
      const ids = net.network.transformers.map((t) => t.id);
      const laterals = net.network.devices.filter((d) => d.kind === 'fuse' && topo.below(d.id).length >= 2).map((d) => d.id);
      const restores: Action[] = [];
      let n = 0;
      // The first outage comes soon so a freshly opened wall has something to show.
      for (let at = startSimMs + 30 * S; ; at += rng.int(90, 150) * S) {
        while (restores[0] && restores[0].atSimMs <= at) yield restores.shift()!;
        const dark = new Set(restores.flatMap((a) => (a.kind === 'power-on' ? a.transformers : [])));
        n++;
        const lateral = n % 5 === 2 && laterals.length ? rng.pick(laterals) : null;
        const below = lateral ? topo.below(lateral) : [];
        let out: string[];
        let forS: number;
        if (lateral && below.every((t) => !dark.has(t))) {
          out = [...below];
          forS = rng.int(20 * 60, 45 * 60);
        } else {
          const candidates = ids.filter((id) => !dark.has(id));
          if (candidates.length === 0) continue;
          out = [rng.pick(candidates)];
          // Long enough to be seen on the wall as a live outage; a few are momentary (< 5 min).
          forS = rng.int(60, 480);
        }
        yield { kind: 'power-off', atSimMs: at, transformers: out };
        restores.push({ kind: 'power-on', atSimMs: at + forS * S, transformers: out });
        restores.sort((a, b) => a.atSimMs - b.atSimMs);
      }
    },
  },

  daily: {
    summary:
      'everyday operations, endless: --faults unplanned outages a day (default 24, most in the afternoon and evening) - fuse ' +
      'blows (long laterals more often), transformer failures, customer-side losses, trunk lockouts (some with a wrong switching step), momentaries - ' +
      'repeating on chronic weak spots; crews isolate and repair over hours; planned work every ~2 days announced 2-4 days ' +
      'ahead; a storm cell every ~10 days',
    endless: true,
    actions: dailyActions,
  },

  'transformer-failure': {
    summary: 'one service transformer (--transformer or by seed) fails at +60 s; repaired after --outage-s (default 3 h)',
    actions(ctx) {
      const transformer = pickTransformer(ctx);
      const at = ctx.startSimMs + MIN;
      const id = `${ctx.idPrefix}tf1`;
      return [
        { kind: 'transformer-failure', atSimMs: at, id, transformer },
        { kind: 'transformer-repair', atSimMs: at + positive('outage-s', ctx.outageS, 3 * 3600) * S, id },
      ];
    },
  },

  'feeder-lockout': {
    summary:
      'permanent fault on a trunk section (--device or by seed) at +60 s: trip, failed recloses, lockout; crew opens the ' +
      'section at +40 min, recloses the feeder at +45 min (partial restoration), repairs and closes at --outage-s (default 3 h)',
    actions(ctx) {
      const section = ctx.device ? checkDevice(ctx.net, ctx.device) : ctx.rng.pick(switchableSections(ctx.topo));
      const outageMs = positive('outage-s', ctx.outageS, 3 * 3600) * S;
      return byTime(
        faultResponse(ctx.topo, {
          id: `${ctx.idPrefix}f1`,
          section,
          atSimMs: ctx.startSimMs + MIN,
          isolateAfterMs: Math.min(40 * MIN, outageMs / 3),
          repairAfterMs: outageMs,
        }),
      );
    },
  },

  'reclose-success': {
    summary: 'temporary fault on a trunk section (--device or by seed) at +60 s: trip and a successful reclose within seconds',
    actions(ctx) {
      const section = ctx.device ? checkDevice(ctx.net, ctx.device) : ctx.rng.pick(trunkSections(ctx.topo));
      return [{ kind: 'fault', atSimMs: ctx.startSimMs + MIN, id: `${ctx.idPrefix}f1`, section, clearAfterS: 0.5 }];
    },
  },

  storm: {
    summary:
      'storm cell: --faults (default 1.5 per feeder, 10-200) faults within an hour around one area - lockouts on trunk sections ' +
      '(some with a wrong switching step), fuse blows on laterals, transformer failures, momentaries; crews restore over hours',
    actions(ctx) {
      const n = Math.round(positive('faults', ctx.faults, Math.min(200, Math.max(10, Math.round(ctx.net.network.feeders.length * 1.5)))));
      let no = 0;
      return stormCell(ctx.topo, ctx.rng, ctx.startSimMs, n, { id: (letter) => `${ctx.idPrefix}${letter}${++no}` });
    },
  },

  planned: {
    summary:
      'planned outage on a switching device (--device or by seed) announced on oms/planned at +10 s, --lead ahead ' +
      '(default 1 h): the switch opens at the start and closes after --outage-s (default 2 h)',
    actions(ctx) {
      const { net, topo, rng } = ctx;
      // A DA-equipped switch below the feeder head, so the outage is a part of a feeder.
      const switches = net.network.devices.filter((d) => REPORTING.has(d.kind) && d.parent !== null && topo.customersBelow(d.id) > 0);
      const device = ctx.device ?? (switches.length ? rng.pick(switches).id : rng.pick(net.network.transformers).id);
      if (!net.device.has(device) && !net.transformer.has(device)) throw new Error(`unknown device ${device}`);
      const announce = ctx.startSimMs + 10 * S;
      const start = announce + positive('lead', ctx.leadS, 3600) * S;
      return [
        {
          kind: 'planned',
          atSimMs: announce,
          id: `${ctx.idPrefix}p1`,
          device,
          startSimMs: start,
          endSimMs: start + positive('outage-s', ctx.outageS, 2 * 3600) * S,
          reason: '计划检修 / planned maintenance',
        },
      ];
    },
  },

  'chronic-line': {
    summary:
      'one trunk section (--device or by seed) with 18 sustained outages and a few momentaries spread over --span ' +
      '(default 730 d, the paper\'s two years); run it compressed, e.g. --span 12h',
    actions(ctx) {
      const { topo, rng, startSimMs } = ctx;
      const section = ctx.device ? checkDevice(ctx.net, ctx.device) : rng.pick(switchableSections(topo));
      const spanMs = positive('span', ctx.spanS, 730 * 86_400) * S;
      const outages = 18;
      const slot = spanMs / outages;
      const out: Action[] = [];
      for (let i = 0; i < outages; i++) {
        // One outage per slot, over before the next slot starts however short the span.
        const duration = Math.min(40 * MIN + rng.next() * 200 * MIN, slot * 0.6);
        const at = startSimMs + MIN + i * slot + rng.next() * (slot - duration - MIN) * 0.8;
        out.push(...faultResponse(topo, { id: `${ctx.idPrefix}f${i + 1}`, section, atSimMs: at, isolateAfterMs: duration / 4, repairAfterMs: duration }));
        if (rng.chance(0.3)) {
          const blip = at + duration + (slot - duration) * 0.3;
          out.push({ kind: 'fault', atSimMs: blip, id: `${ctx.idPrefix}m${i + 1}`, section, clearAfterS: 0.5 });
        }
      }
      return byTime(out);
    },
  },

  'voltage-complaints': {
    summary: 'under-voltage (3.26.38.150 events, ~186 V readings) on one station area (--transformer or by seed) from +60 s for --outage-s (default 3 h); voltage complaints, no outage',
    actions(ctx) {
      const transformer = pickTransformer(ctx);
      const at = ctx.startSimMs + MIN;
      return [{ kind: 'under-voltage', atSimMs: at, id: `${ctx.idPrefix}v1`, transformer, untilSimMs: at + positive('outage-s', ctx.outageS, 3 * 3600) * S, volts: 186 }];
    },
  },

  'customer-side': {
    summary: 'one customer (--customer or by seed) loses power at +60 s for --outage-s (default 3 h) while the station area is live; the meter sends a last gasp and the customer calls',
    actions(ctx) {
      const { net, rng } = ctx;
      const residential = net.network.customers.filter((c) => c.type === 'residential');
      const customer = ctx.customer ?? rng.pick(residential.length ? residential : net.network.customers).id;
      if (!net.customer.has(customer)) throw new Error(`unknown customer ${customer}`);
      const at = ctx.startSimMs + MIN;
      return [{ kind: 'customer-loss', atSimMs: at, id: `${ctx.idPrefix}cs1`, customer, untilSimMs: at + positive('outage-s', ctx.outageS, 3 * 3600) * S }];
    },
  },

  'comm-loss': {
    summary: 'one concentrator (--transformer or by seed) goes silent from +60 s for --outage-s (default 1 h): no readings, no events, no last gasp; power stays on',
    actions(ctx) {
      const transformer = pickTransformer(ctx);
      const at = ctx.startSimMs + MIN;
      return [{ kind: 'comm-loss', atSimMs: at, id: `${ctx.idPrefix}k1`, transformer, untilSimMs: at + positive('outage-s', ctx.outageS, 3600) * S }];
    },
  },
};
