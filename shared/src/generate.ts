// Synthetic radial networks around a centre (default: Yantai, Shandong). Used by the demo, the
// simulator and tests, so demo and test data cannot drift apart.
import type { Customer, CustomerType, Device, Feeder, Grid, NetworkFile, Team, Transformer, Zone } from './network.ts';
import { createRng } from './random.ts';

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
}

export const YANTAI: [number, number] = [121.447, 37.464];

const KM_LAT = 1 / 110.574;
const kmLon = (lat: number) => 1 / (111.32 * Math.cos((lat * Math.PI) / 180));
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function generateNetwork(options: GenerateOptions = {}): NetworkFile {
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
