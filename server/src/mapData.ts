// What the wall's map downloads (GET /api/network/map). Up to MAP_DETAIL_MAX station areas, every
// one of them with its position and customers. Beyond, the station areas summed per cell of a
// grid over the network (MAP_GRID cells along its longer side, finer than the screen cells the
// wall clusters them into at that zoom) and feeder lines simplified to that resolution; the
// station areas the wall needs one by one (those of its outages) come on demand, by id. Either form is compressed
// once per network version and served as the client accepts it.
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { MapAreas, MapNetwork, NetworkIndex } from '@gridwatch/shared';

/** Up to this many station areas the map lists each of them (the Greensboro network: 17,963). */
export const MAP_DETAIL_MAX = 25_000;
/** Cells of the aggregate grid along the network's longer side. */
export const MAP_GRID = 256;
/** Station areas per request for detail. */
export const MAP_AREAS_MAX_IDS = 1_000;
export const MAP_AREAS_URL = '/api/network/map/areas';

type AreaRow = [string, number, number, number];

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;

/** The wall's map of `index`'s network (version `version`): detailed or aggregated by size. */
export function mapNetwork(index: NetworkIndex, version: string, detailMax = MAP_DETAIL_MAX): MapNetwork {
  const n = index.network;
  const base = {
    id: n.id,
    version,
    ...(n.attribution ? { attribution: n.attribution } : {}),
    substations: n.substations.map((s) => ({ id: s.id, name: s.name, lon: s.lon, lat: s.lat })),
  };
  if (n.transformers.length <= detailMax) {
    return {
      ...base,
      feeders: n.feeders.map((f) => ({ id: f.id, paths: f.paths })),
      transformers: n.transformers.map((t) => [t.id, t.lon, t.lat, index.customersOf.get(t.id)?.length ?? 0]),
    };
  }
  const grid = aggregateAreas(n.transformers.map((t) => [t.id, t.lon, t.lat, index.customersOf.get(t.id)?.length ?? 0]));
  return {
    ...base,
    feeders: n.feeders.map((f) => ({ id: f.id, paths: simplifyPaths(f.paths, grid.tolerance) })),
    transformers: [],
    cells: grid.cells,
    areasUrl: MAP_AREAS_URL,
  };
}

/**
 * Station areas ([id, lon, lat, customers]) summed per square cell of a grid with `cells` cells
 * along the longer side of their extent (square on the ground: longitude steps shrink with
 * cos(latitude)). Each cell is placed at the mean position of its station areas. Returns the
 * cells ([lon, lat, areas, customers], in row-major order) and a tolerance for simplifying lines
 * to that resolution (half a cell, in degrees of latitude).
 */
export function aggregateAreas(areas: readonly AreaRow[], cells = MAP_GRID): { cells: [number, number, number, number][]; tolerance: number } {
  if (areas.length === 0) return { cells: [], tolerance: 0 };
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [, lon, lat] of areas) {
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  const k = Math.max(0.01, Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180));
  // Side in degrees of latitude; a longitude step is side / k.
  const side = Math.max((maxLon - minLon) * k, maxLat - minLat, 1e-6) / cells;
  const cols = Math.floor(((maxLon - minLon) * k) / side) + 1;
  const acc = new Map<number, { lon: number; lat: number; areas: number; customers: number }>();
  for (const [, lon, lat, customers] of areas) {
    const col = Math.min(cols - 1, Math.floor(((lon - minLon) * k) / side));
    const row = Math.floor((lat - minLat) / side);
    const key = row * cols + col;
    const c = acc.get(key);
    if (c) {
      c.lon += lon;
      c.lat += lat;
      c.areas++;
      c.customers += customers;
    } else acc.set(key, { lon, lat, areas: 1, customers });
  }
  const out = [...acc.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, c]) => [round5(c.lon / c.areas), round5(c.lat / c.areas), c.areas, c.customers] as [number, number, number, number]);
  return { cells: out, tolerance: side / 2 };
}

/**
 * Each polyline with the points that matter at `tolerance` (degrees; Douglas–Peucker on
 * longitude scaled by cos(latitude)): its ends always, inner points only where the line strays
 * more than `tolerance` from the simplified one. Coordinates rounded to 5 decimals (about 1 m).
 */
export function simplifyPaths(paths: readonly (readonly [number, number])[][], tolerance: number): [number, number][][] {
  return paths.map((p) => {
    if (p.length <= 2 || !(tolerance > 0)) return p.map(([lon, lat]) => [round5(lon), round5(lat)] as [number, number]);
    const k = Math.cos((p[0]![1] * Math.PI) / 180);
    const keep = new Uint8Array(p.length);
    keep[0] = keep[p.length - 1] = 1;
    const stack: [number, number][] = [[0, p.length - 1]];
    while (stack.length) {
      const [a, b] = stack.pop()!;
      const ax = p[a]![0] * k;
      const ay = p[a]![1];
      const dx = p[b]![0] * k - ax;
      const dy = p[b]![1] - ay;
      const len2 = dx * dx + dy * dy;
      let worst = -1;
      let far = 0;
      for (let i = a + 1; i < b; i++) {
        const px = p[i]![0] * k - ax;
        const py = p[i]![1] - ay;
        const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
        const d = Math.hypot(px - t * dx, py - t * dy);
        if (d > far) {
          far = d;
          worst = i;
        }
      }
      if (worst >= 0 && far > tolerance) {
        keep[worst] = 1;
        stack.push([a, worst], [worst, b]);
      }
    }
    const out: [number, number][] = [];
    for (let i = 0; i < p.length; i++) if (keep[i]) out.push([round5(p[i]![0]), round5(p[i]![1])]);
    return out;
  });
}

/** The station areas `ids` (each once; unknown ids are left out), for an aggregated map. */
export function mapAreas(index: NetworkIndex, version: string, ids: readonly string[]): MapAreas {
  const transformers: AreaRow[] = [];
  for (const id of new Set(ids)) {
    const t = index.transformer.get(id);
    if (t) transformers.push([t.id, t.lon, t.lat, index.customersOf.get(t.id)?.length ?? 0]);
  }
  return { version, transformers };
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the client accepts (`Accept-Encoding`), brotli first. */
export function pickEncoding(accept: string | undefined): Encoding {
  const offered = new Map<string, number>();
  for (const part of (accept ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((x) => /^\s*q=([\d.]+)\s*$/.exec(x)).find(Boolean);
    offered.set(name, q ? Number(q[1]) : 1);
  }
  const ok = (e: string) => (offered.get(e) ?? offered.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

/** A JSON body with its compressed forms, each made on first use. */
export class EncodedBody {
  private readonly forms = new Map<Encoding, Buffer>();

  constructor(private readonly json: string) {}

  get(encoding: Encoding): Buffer {
    let b = this.forms.get(encoding);
    if (!b) {
      const raw = Buffer.from(this.json);
      b =
        encoding === 'br'
          ? brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
          : encoding === 'gzip'
            ? gzipSync(raw, { level: 9 })
            : raw;
      this.forms.set(encoding, b);
    }
    return b;
  }
}
