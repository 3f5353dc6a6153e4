// Synthetic radial networks around a centre (default: Yantai, Shandong). Used by the demo, the
// simulator and tests, so demo and test data cannot drift apart. Two shapes: the small fixed demo
// (`generateNetwork()`, unchanged since tests and the running demo depend on it byte for byte),
// and networks of any size from a meter count (`generateNetwork({ meters })`, 1,000 – 1,000,000+)
// with utility-like ratios, built in one pass without per-element closures so a million meters
// take seconds and only the memory of the result.
import type { Customer, CustomerType, Device, Feeder, Grid, NetworkFile, Team, Transformer, Zone } from './network.ts';
import { createRng, type Rng } from './random.ts';

export interface GenerateOptions {
  id?: string;
  name?: string;
  seed?: number;
  centre?: [number, number];
  substations?: number;
  feedersPerSubstation?: number;
  lateralsPerFeeder?: number;
  transformersPerLateral?: number;
  /** Mean customers per station area. */
  customersPerTransformer?: number;
  transformersPerGrid?: number;
  /**
   * Target number of meters (exact). Switches to the scaled generator: substations, feeders,
   * laterals and station areas are derived from it; the shape options above are ignored.
   */
  meters?: number;
}

export const YANTAI: [number, number] = [121.447, 37.464];

const KM_LAT = 1 / 110.574;
const kmLon = (lat: number) => 1 / (111.32 * Math.cos((lat * Math.PI) / 180));
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function generateNetwork(options: GenerateOptions = {}): NetworkFile {
  if (options.meters !== undefined) return generateScaled(options as GenerateOptions & { meters: number });
  const o = {
    id: 'demo',
    name: 'Demo network (synthetic, Yantai)',
    seed: 1,
    centre: YANTAI,
    substations: 2,
    feedersPerSubstation: 3,
    lateralsPerFeeder: 4,
    transformersPerLateral: 3,
    customersPerTransformer: 24,
    transformersPerGrid: 6,
    ...options,
  };
  const rng = createRng(o.seed);
  const [clon, clat] = o.centre;
  const dLon = kmLon(clat);
  const at = (x: number, y: number): [number, number] => [round6(clon + x * dLon), round6(clat + y * KM_LAT)];

  const net: NetworkFile = {
    format: 'gridwatch-network/1',
    id: o.id,
    name: o.name,
    centre: [clon, clat],
    substations: [],
    feeders: [],
    devices: [],
    teams: [],
    grids: [],
    transformers: [],
    customers: [],
  };

  let tCount = 0;
  let cCount = 0;
  let gridOpen: Grid | null = null;
  let gridFill = 0;
  const newGrid = (): Grid => {
    const n = net.grids.length + 1;
    const team: Team = { id: `TEAM${pad(n, 4)}`, name: `网格服务队 ${n} / Grid team ${n}` };
    net.teams.push(team);
    const grid: Grid = { id: `G${pad(n, 4)}`, name: `网格 ${n} / Grid ${n}`, team: team.id };
    net.grids.push(grid);
    return grid;
  };

  for (let s = 1; s <= o.substations; s++) {
    const ang = (2 * Math.PI * (s - 1)) / o.substations + rng.next() * 0.4;
    const radius = o.substations === 1 ? 0 : 2 + rng.next() * 3 + o.substations * 0.6;
    const sx = Math.cos(ang) * radius;
    const sy = Math.sin(ang) * radius;
    const ssId = `SS${pad(s, 2)}`;
    const [slon, slat] = at(sx, sy);
    net.substations.push({ id: ssId, name: `变电站 ${s} / Substation ${s}`, lon: slon, lat: slat });

    for (let f = 1; f <= o.feedersPerSubstation; f++) {
      const fId = `F${pad(s, 2)}${pad(f, 2)}`;
      const dir = (2 * Math.PI * (f - 1)) / o.feedersPerSubstation + rng.next() * 0.5;
      const len = 3 + rng.next() * 4; // km of trunk
      const ux = Math.cos(dir);
      const uy = Math.sin(dir);
      const trunkPoint = (frac: number) => at(sx + ux * len * frac, sy + uy * len * frac);
      const feeder: Feeder = { id: fId, substation: ssId, name: `${fId} 10kV`, paths: [[trunkPoint(0), trunkPoint(1)]] };
      net.feeders.push(feeder);

      // Trunk sections: head breaker, a mid-line recloser and a sectionalising switch.
      const trunk: { dev: Device; frac: number }[] = [];
      const addTrunk = (kind: Device['kind'], suffix: string, frac: number, parent: string | null) => {
        const [lon, lat] = trunkPoint(frac);
        const dev: Device = { id: `${fId}-${suffix}`, feeder: fId, kind, parent, fci: kind !== 'breaker', lon, lat };
        net.devices.push(dev);
        trunk.push({ dev, frac });
        return dev;
      };
      const brk = addTrunk('breaker', 'B', 0, null);
      const rec = addTrunk('recloser', 'R1', 0.35, brk.id);
      addTrunk('switch', 'S1', 0.7, rec.id);

      for (let l = 1; l <= o.lateralsPerFeeder; l++) {
        const frac = (l - 0.5) / o.lateralsPerFeeder;
        const upstream = [...trunk].reverse().find((t) => t.frac <= frac)!.dev;
        const side = l % 2 === 0 ? 1 : -1;
        const px = -uy * side;
        const py = ux * side;
        const bx = sx + ux * len * frac;
        const by = sy + uy * len * frac;
        const latLen = 0.6 + rng.next() * 1.2;
        const [fuLon, fuLat] = at(bx + px * 0.05, by + py * 0.05);
        const fuse: Device = {
          id: `${fId}-FU${pad(l, 2)}`,
          feeder: fId,
          kind: 'fuse',
          parent: upstream.id,
          fci: false,
          lon: fuLon,
          lat: fuLat,
        };
        net.devices.push(fuse);
        feeder.paths.push([at(bx, by), at(bx + px * latLen, by + py * latLen)]);

        for (let k = 1; k <= o.transformersPerLateral; k++) {
          tCount++;
          if (!gridOpen || gridFill >= o.transformersPerGrid) {
            gridOpen = newGrid();
            gridFill = 0;
          }
          gridFill++;
          const tf = (k / o.transformersPerLateral) * latLen;
          const tx = bx + px * tf;
          const ty = by + py * tf;
          const dist = Math.hypot(tx, ty);
          const zone: Zone = dist < 6 ? 'urban' : dist < 14 ? 'rural' : 'remote';
          const [tlon, tlat] = at(tx, ty);
          const t: Transformer = {
            id: `T${pad(tCount, 6)}`,
            name: `台区 ${tCount} / Station area ${tCount}`,
            feeder: fId,
            device: fuse.id,
            grid: gridOpen.id,
            concentrator: `DCU${pad(tCount, 6)}`,
            zone,
            kva: rng.pick([100, 200, 315, 400, 630]),
            lon: tlon,
            lat: tlat,
          };
          net.transformers.push(t);
          const mean = o.customersPerTransformer * (zone === 'urban' ? 1.2 : zone === 'rural' ? 0.7 : 0.4);
          const n = Math.max(1, Math.round(mean * (0.6 + rng.next() * 0.8)));
          for (let m = 0; m < n; m++) {
            cCount++;
            const [clon2, clat2] = at(tx + (rng.next() - 0.5) * 0.3, ty + (rng.next() - 0.5) * 0.3);
            const r = rng.next();
            const type: CustomerType = r < 0.85 ? 'residential' : r < 0.95 ? 'commercial' : r < 0.99 ? 'industrial' : 'critical';
            const c: Customer = {
              id: `CU${pad(cCount, 7)}`,
              meter: `M${pad(cCount, 7)}`,
              transformer: t.id,
              type,
              sensitive: type === 'critical' || rng.chance(0.08),
              channel: rng.chance(0.8) ? 'hotline' : rng.pick(['app', 'app', 'wechat', 'hall']),
              lon: clon2,
              lat: clat2,
            };
            net.customers.push(c);
          }
        }
      }
    }
  }
  return net;
}

// ---------------------------------------------------------------------------------------------
// Scaled networks. Ratios, per zone (urban core, rural ring, remote edge):
//   meters per station area 30 / 15 / 6; station areas per feeder ~220 / 160 / 110 (±30%);
//   feeders per substation 12 / 8 / 4; substations every ~3.5 / 7 / 12 km; station areas along
//   laterals every 80 / 250 / 500 m, 14 / 10 / 6 per lateral.
// The substations are laid out on a golden-angle spiral whose spacing widens outwards, the inner
// 45% urban, the next 35% rural, the rest remote. Every feeder gets a meter budget (the budgets
// sum to exactly `meters`) and fills it station area by station area.

const Z_URBAN = 0;
const Z_RURAL = 1;
const Z_REMOTE = 2;
const ZONE_NAMES: readonly Zone[] = ['urban', 'rural', 'remote'];
const METERS_PER_AREA = [30, 15, 6];
const AREAS_PER_FEEDER = [220, 160, 110];
const FEEDERS_PER_SUB = [12, 8, 4];
const SUB_SPACING_KM = [3.5, 7, 12];
const AREA_SPACING_KM = [0.08, 0.25, 0.5];
const AREAS_PER_LATERAL = [14, 10, 6];
const TRUNK_KM = [2.5, 5, 8];
const CUSTOMER_SPREAD_KM = [0.15, 0.3, 0.5];
const KVA_CHOICES: readonly (readonly number[])[] = [[200, 315, 400, 630], [100, 200, 315, 400], [50, 100, 160, 200]];
/** Cumulative shares of commercial / industrial / critical after residential, per zone. */
const TYPE_CUTS = [
  [0.83, 0.955, 0.9985],
  [0.9, 0.955, 0.9988],
  [0.95, 0.975, 0.999],
];
const OTHER_CHANNELS = ['app', 'app', 'wechat', 'hall'];
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
const LATERAL_COS = Math.cos((65 * Math.PI) / 180);
const LATERAL_SIN = Math.sin((65 * Math.PI) / 180);

const subZone = (k: number, count: number) => (k < Math.ceil(0.45 * count) ? Z_URBAN : k < Math.ceil(0.8 * count) ? Z_RURAL : Z_REMOTE);
const subCapacity = (z: number) => FEEDERS_PER_SUB[z]! * AREAS_PER_FEEDER[z]! * METERS_PER_AREA[z]!;

interface FeederPlan {
  sub: number;
  zone: number;
  index: number;
  feeders: number;
  areas: number;
  budget: number;
}

function generateScaled(options: GenerateOptions & { meters: number }): NetworkFile {
  const meters = Math.floor(options.meters);
  if (!(meters >= 1)) throw new RangeError(`meters must be at least 1 (got ${options.meters})`);
  const rng = createRng(options.seed ?? 1);
  const [clon, clat] = options.centre ?? YANTAI;
  const dLon = kmLon(clat);

  // Plan: the fewest substations whose expected capacity covers the meters, each with its zone's
  // feeder count scaled down by the spare capacity (so every zone of the layout is built), then
  // feeder budgets scaled so they sum to exactly `meters`.
  let subs = 1;
  let capacity = 0;
  for (;; subs++) {
    capacity = 0;
    for (let k = 0; k < subs; k++) capacity += subCapacity(subZone(k, subs));
    if (capacity >= meters) break;
  }
  const fill = meters / capacity;
  const plan: FeederPlan[] = [];
  let expected = 0;
  for (let k = 0; k < subs; k++) {
    const z = subZone(k, subs);
    const feeders = Math.max(1, Math.round(FEEDERS_PER_SUB[z]! * fill));
    for (let f = 0; f < feeders; f++) {
      const areas = Math.round(AREAS_PER_FEEDER[z]! * (0.7 + rng.next() * 0.6));
      const e = areas * METERS_PER_AREA[z]!;
      plan.push({ sub: k, zone: z, index: f, feeders, areas, budget: e });
      expected += e;
    }
  }
  let given = 0;
  let cum = 0;
  for (const p of plan) {
    cum += p.budget;
    const upTo = Math.round((cum * meters) / expected);
    p.budget = upTo - given;
    given = upTo;
  }

  const net: NetworkFile = {
    format: 'gridwatch-network/1',
    id: options.id ?? `synthetic-${meters}`,
    name: options.name ?? `Synthetic network, ${meters.toLocaleString('en-US')} meters`,
    centre: [clon, clat],
    substations: [],
    feeders: [],
    devices: [],
    teams: [],
    grids: [],
    transformers: [],
    customers: new Array<Customer>(meters),
  };

  // Substation sites: each takes an area of spacing² on a spiral, so spacing widens with the zone.
  const usedSubs = subs;
  const sx = new Float64Array(usedSubs);
  const sy = new Float64Array(usedSubs);
  let areaBefore = 0;
  for (let k = 0; k < usedSubs; k++) {
    const z = subZone(k, subs);
    const own = SUB_SPACING_KM[z]! ** 2;
    const r = k === 0 ? 0 : Math.sqrt((areaBefore + own / 2) / Math.PI) * (0.9 + rng.next() * 0.2);
    const ang = k * GOLDEN_ANGLE + (rng.next() - 0.5) * 0.3;
    areaBefore += own;
    sx[k] = Math.cos(ang) * r;
    sy[k] = Math.sin(ang) * r;
    net.substations.push({
      id: `SS${pad(k + 1, 3)}`,
      name: `变电站 ${k + 1} / Substation ${k + 1}`,
      lon: round6(clon + sx[k]! * dLon),
      lat: round6(clat + sy[k]! * KM_LAT),
    });
  }

  const state: ScaledState = { net, rng, clon, clat, dLon, areaCount: 0, meterCount: 0, gridOpen: null, gridLeft: 0 };
  for (const p of plan) buildFeeder(state, p, sx[p.sub]!, sy[p.sub]!);
  return net;
}

interface ScaledState {
  net: NetworkFile;
  rng: Rng;
  clon: number;
  clat: number;
  dLon: number;
  areaCount: number;
  meterCount: number;
  gridOpen: Grid | null;
  gridLeft: number;
}

function lonOf(st: ScaledState, x: number) {
  return round6(st.clon + x * st.dLon);
}
function latOf(st: ScaledState, y: number) {
  return round6(st.clat + y * KM_LAT);
}
function round5(x: number) {
  return Math.round(x * 1e5) / 1e5;
}

function addDevice(st: ScaledState, id: string, feeder: string, kind: Device['kind'], parent: string | null, x: number, y: number): Device {
  const d: Device = { id, feeder, kind, parent, fci: kind === 'switch' || kind === 'recloser', lon: lonOf(st, x), lat: latOf(st, y) };
  st.net.devices.push(d);
  return d;
}

/** One feeder: trunk with breaker, reclosers and sectionalising switches; fused laterals. */
function buildFeeder(st: ScaledState, p: FeederPlan, sx: number, sy: number) {
  const { net, rng } = st;
  const z = p.zone;
  const sub = net.substations[p.sub]!;
  const fId = `F${pad(p.sub + 1, 3)}${pad(p.index + 1, 2)}`;
  const dir = (2 * Math.PI * p.index) / p.feeders + (rng.next() - 0.5) * 0.4;
  const ux = Math.cos(dir);
  const uy = Math.sin(dir);
  const meanMeters = METERS_PER_AREA[z]!;
  const perLateral = AREAS_PER_LATERAL[z]!;
  const expectedAreas = Math.max(1, Math.round(p.budget / meanMeters));
  const laterals = Math.max(1, Math.ceil(expectedAreas / perLateral));
  const trunkKm = TRUNK_KM[z]! * (0.7 + rng.next() * 0.6) * Math.min(1, Math.sqrt(expectedAreas / AREAS_PER_FEEDER[z]!)) + 0.3;
  const step = trunkKm / laterals;
  const feeder: Feeder = { id: fId, substation: sub.id, name: `${fId} 10kV`, paths: [] };
  net.feeders.push(feeder);
  const trunk: [number, number][] = [[round5(sub.lon), round5(sub.lat)]];
  feeder.paths.push(trunk);

  let trunkDevice = addDevice(st, `${fId}-B`, fId, 'breaker', null, sx, sy).id;
  st.gridOpen = null; // grids never straddle feeders: one team, one feeder's station areas
  let reclosers = 0;
  let left = p.budget;
  for (let l = 0; left > 0; l++) {
    const along = (l + 0.5) * step;
    const bx = sx + ux * along;
    const by = sy + uy * along;
    const frac = along / trunkKm;
    // Trunk protection: a recloser about 40% out (and 75% on long rural lines), a
    // sectionalising switch every fourth lateral.
    if ((reclosers === 0 && frac >= 0.4) || (reclosers === 1 && z !== Z_URBAN && frac >= 0.75)) {
      reclosers++;
      trunkDevice = addDevice(st, `${fId}-R${reclosers}`, fId, 'recloser', trunkDevice, bx - ux * step * 0.4, by - uy * step * 0.4).id;
    } else if (l > 0 && l % 4 === 0) {
      trunkDevice = addDevice(st, `${fId}-S${l / 4}`, fId, 'switch', trunkDevice, bx - ux * step * 0.4, by - uy * step * 0.4).id;
    }
    trunk.push([round5(st.clon + bx * st.dLon), round5(st.clat + by * KM_LAT)]);

    // Laterals leave the trunk on alternate sides, slanted outwards, and stay roughly inside the
    // feeder's sector so neighbouring feeders of one substation do not criss-cross.
    const side = l % 2 === 0 ? 1 : -1;
    const px = LATERAL_COS * ux - LATERAL_SIN * side * uy;
    const py = LATERAL_COS * uy + LATERAL_SIN * side * ux;
    const fuse = addDevice(st, `${fId}-FU${pad(l + 1, 2)}`, fId, 'fuse', trunkDevice, bx + px * 0.03, by + py * 0.03);
    const count = Math.max(1, Math.round(perLateral * (0.6 + rng.next() * 0.8)));
    const room = 0.15 + along * Math.tan(Math.PI / p.feeders) * 1.6;
    const spacing = Math.min(AREA_SPACING_KM[z]!, room / count);
    let areaDevice = fuse.id;
    let k = 0;
    for (; k < count && left > 0; k++) {
      // Long laterals get a mid-lateral switch so a fault there does not blow the whole lateral.
      if (k === 8) areaDevice = addDevice(st, `${fId}-L${pad(l + 1, 2)}S`, fId, 'switch', fuse.id, bx + px * spacing * 7.5, by + py * spacing * 7.5).id;
      const d = (k + 1) * spacing * (0.8 + rng.next() * 0.4);
      const wobble = (rng.next() - 0.5) * spacing * 0.5;
      left -= addArea(st, fId, areaDevice, z, bx + px * d - py * wobble, by + py * d + px * wobble, left);
    }
    const end = (k + 0.5) * spacing;
    feeder.paths.push([
      [round5(st.clon + bx * st.dLon), round5(st.clat + by * KM_LAT)],
      [round5(st.clon + (bx + px * end) * st.dLon), round5(st.clat + (by + py * end) * KM_LAT)],
    ]);
  }
}

/** One station area and its meters; returns how many meters it took. */
function addArea(st: ScaledState, feeder: string, device: string, z: number, x: number, y: number, left: number): number {
  const { net, rng } = st;
  const n = ++st.areaCount;
  if (!st.gridOpen || st.gridLeft === 0) {
    const g = net.grids.length + 1;
    const team: Team = { id: `TEAM${pad(g, 5)}`, name: `网格服务队 ${g} / Grid team ${g}` };
    net.teams.push(team);
    st.gridOpen = { id: `G${pad(g, 5)}`, name: `网格 ${g} / Grid ${g}`, team: team.id };
    net.grids.push(st.gridOpen);
    st.gridLeft = 10 + Math.floor(rng.next() * 6);
  }
  st.gridLeft--;
  const kvas = KVA_CHOICES[z]!;
  const t: Transformer = {
    id: `T${pad(n, 6)}`,
    name: `台区 ${n} / Station area ${n}`,
    feeder,
    device,
    grid: st.gridOpen.id,
    concentrator: `DCU${pad(n, 6)}`,
    zone: ZONE_NAMES[z]!,
    kva: kvas[Math.floor(rng.next() * kvas.length)]!,
    lon: lonOf(st, x),
    lat: latOf(st, y),
  };
  net.transformers.push(t);
  const count = Math.min(left, Math.max(1, Math.round(METERS_PER_AREA[z]! * (0.6 + rng.next() * 0.8))));
  const spread = CUSTOMER_SPREAD_KM[z]!;
  const cuts = TYPE_CUTS[z]!;
  for (let m = 0; m < count; m++) {
    const i = st.meterCount++;
    const r = rng.next();
    const type: CustomerType = r < cuts[0]! ? 'residential' : r < cuts[1]! ? 'commercial' : r < cuts[2]! ? 'industrial' : 'critical';
    const sensitive = rng.next() < 0.08 || type === 'critical';
    const channel = rng.next() < 0.8 ? 'hotline' : OTHER_CHANNELS[Math.floor(rng.next() * 4)]!;
    net.customers[i] = {
      id: `CU${pad(i + 1, 7)}`,
      meter: `M${pad(i + 1, 7)}`,
      transformer: t.id,
      type,
      sensitive,
      channel,
      lon: lonOf(st, x + (rng.next() - 0.5) * spread),
      lat: latOf(st, y + (rng.next() - 0.5) * spread),
    };
  }
  return count;
}
