// Scenarios script what happens in the field as a time-ordered (possibly endless) stream of
// actions; the world turns actions into telemetry, protection operations and customer contacts.
// A new scenario is one entry here. Scenarios only decide *where* and *when* (faults, crew
// switching, repairs, announcements); what protection, FCIs, meters and customers do follows
// from the world's physics, so a scenario cannot make them inconsistent.
import type { NetworkIndex, Rng } from '@gridwatch/shared';
import { REPORTING, type Topology } from './topology.ts';
import type { Action } from './world.ts';

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
  /** Storm size. */
  faults?: number;
  /** Planned outage: announcement ahead of start, seconds. */
  leadS?: number;
  /** Chronic line: the period its outages spread over, seconds. */
  spanS?: number;
}

export interface Scenario {
  summary: string;
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
    summary: 'readings, and every ~2 min one random station area is dark for 1-8 min (some momentary, most sustained)',
    *actions({ net, rng, startSimMs }) {
      const ids = net.network.transformers.map((t) => t.id);
      const restores: Action[] = [];
      // The first outage comes soon so a freshly opened wall has something to show.
      for (let at = startSimMs + 30 * S; ; at += rng.int(90, 150) * S) {
        while (restores[0] && restores[0].atSimMs <= at) yield restores.shift()!;
        const dark = new Set(restores.flatMap((a) => (a.kind === 'power-on' ? a.transformers : [])));
        const candidates = ids.filter((id) => !dark.has(id));
        if (candidates.length === 0) continue;
        const id = rng.pick(candidates);
        yield { kind: 'power-off', atSimMs: at, transformers: [id] };
        // Long enough to be seen on the wall as a live outage; a few are momentary (< 5 min).
        restores.push({ kind: 'power-on', atSimMs: at + rng.int(60, 480) * S, transformers: [id] });
        restores.sort((a, b) => a.atSimMs - b.atSimMs);
      }
    },
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
      const { net, topo, rng, startSimMs } = ctx;
      const n = Math.round(positive('faults', ctx.faults, Math.min(200, Math.max(10, Math.round(net.network.feeders.length * 1.5)))));
      // The cell: a random point of the network; faults are likelier close to it.
      const devs = net.network.devices;
      const centre: { lon: number; lat: number } = devs.length ? rng.pick(devs) : rng.pick(net.network.transformers);
      const dist = (x: { lon: number; lat: number }) => Math.hypot((x.lon - centre.lon) * Math.cos((centre.lat * Math.PI) / 180), x.lat - centre.lat);
      const reach = Math.max(1e-4, ...devs.map(dist), ...net.network.transformers.map(dist)) / 2;
      const weight = (x: { lon: number; lat: number }) => Math.exp(-((dist(x) / reach) ** 2));

      const mix = { lockout: 0.3, fuse: 0.35, transformer: 0.15, momentary: 0.2 };
      const counts = { lockout: 0, fuse: 0, transformer: 0, momentary: 0 };
      for (let i = 0; i < n; i++) {
        let r = rng.next();
        const kind = (Object.keys(mix) as (keyof typeof mix)[]).find((k) => (r -= mix[k]) < 0) ?? 'momentary';
        counts[kind]++;
      }
      const trunk = sample(rng, trunkSections(topo).map((id) => net.device.get(id)!), counts.lockout + counts.momentary, weight);
      const fuses = sample(rng, devs.filter((d) => d.kind === 'fuse' && topo.customersBelow(d.id) > 0), counts.fuse, weight);
      const tfs = sample(rng, net.network.transformers, counts.transformer, weight);

      const when = () => startSimMs + 2 * MIN + Math.floor(rng.next() * H);
      // Crews are busy in a storm: the later a fault, the longer it waits.
      const crew = (at: number) => ({
        isolateAfterMs: 20 * MIN + rng.int(0, 70) * MIN + (at - startSimMs) / 2,
        repairAfterMs: 90 * MIN + rng.int(0, 270) * MIN,
      });
      const out: Action[] = [];
      let no = 0;
      const id = (letter: string) => `${ctx.idPrefix}${letter}${++no}`;
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
