// Pure geometry of the wall's network map: projection, sizes that follow the network's density,
// short substation labels, label placement without collisions, station areas binned into screen
// cells at low zoom, and the complaint-risk heat field. Unit-tested in mapgeom.test.ts.
import type { Lang } from './i18n.ts';
import { pickName } from './i18n.ts';

/** From this many station areas on, a network is drawn as a calm background texture. */
export const LARGE_NETWORK = 1500;
/** Feeder labels only on networks small enough for them to stay readable. */
export const MAX_FEEDER_LABELS = 60;

/** Web Mercator (EPSG:3857, as Leaflet) normalised to [0, 1]²: x east, y south. */
export function mercator(lon: number, lat: number): [number, number] {
  return [mercX(lon), mercY(lat)];
}

export function mercX(lon: number): number {
  return 0.5 + lon / 360;
}

export function mercY(lat: number): number {
  const clamped = Math.max(-85.0511287798, Math.min(85.0511287798, lat));
  const s = Math.sin((clamped * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}

export interface Sizes {
  /** Radius of a normal station area's dot, px (0: not drawn). */
  node: number;
  /** Radius of an abnormal station area's dot, px. */
  hot: number;
  /** Radius of the highlighted region around each abnormal station area, px. */
  halo: number;
  /** Feeder line width, px. */
  line: number;
  /** Side of a substation's square, px. */
  substation: number;
  /** Whether normal dots are drawn as squares (fast, for thousands of sub-2 px dots). */
  fast: boolean;
}

/**
 * Sizes for `count` station areas spread over `areaPx` square pixels, at `rem` px per rem.
 * Small networks keep the readable dots of the demo; dense ones become a faint texture with
 * abnormal areas still clearly visible.
 */
export function sizesFor(count: number, areaPx: number, rem: number): Sizes {
  const spacing = count > 0 && areaPx > 0 ? Math.sqrt(areaPx / count) : rem * 4;
  const large = count >= LARGE_NETWORK;
  const node = clamp(spacing * 0.16, 0.45, rem * 0.28);
  return {
    node,
    hot: large ? clamp(spacing * 0.35, rem * 0.17, rem * 0.4) : rem * 0.45,
    halo: large ? clamp(spacing * 1.2, rem * 0.45, rem * 0.9) : rem * 1.1,
    line: large ? Math.max(0.75, rem * 0.055) : Math.max(1, rem * 0.12),
    substation: large ? rem * 0.55 : rem * 0.95,
    fast: node < 1.25,
  };
}

/**
 * Radius (px) of the disc around an outage's location: grows with the square root of its
 * customers; times `scale` (see `discScale`), never below the smallest disc.
 */
export function outageRadius(customers: number, rem: number, scale = 1): number {
  return rem * Math.max(0.6, Math.min(5, 0.6 + 0.26 * Math.sqrt(Math.max(0, customers))) * scale);
}

/** The share of the map the outages' discs may cover together before they shrink. */
export const MAX_DISC_COVER = 0.5;

/**
 * The factor the outages' discs (and what rings and glows around them) are drawn at: 1 while
 * the discs of outages with these `customers` cover at most MAX_DISC_COVER of a map of `areaPx`
 * (a storm on a network of the Greensboro kind stays well within), else the factor that brings
 * their total area down to it. A storm on a large network (hundreds of laterals of hundreds of
 * customers, every disc at its largest) would otherwise be one red blob.
 */
export function discScale(customers: Iterable<number>, rem: number, areaPx: number): number {
  let sum = 0;
  for (const c of customers) sum += Math.PI * outageRadius(c, rem) ** 2;
  const budget = MAX_DISC_COVER * areaPx;
  return sum <= budget || !(sum > 0) ? 1 : Math.sqrt(budget / sum);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/** The longest suffix that every id shares and that starts at a separator ("_1247" of "uhs0_1247"). */
export function commonSuffix(ids: readonly string[]): string {
  if (ids.length < 2) return '';
  let suffix = ids[0]!;
  for (const id of ids) {
    let n = 0;
    while (n < suffix.length && n < id.length && suffix[suffix.length - 1 - n] === id[id.length - 1 - n]) n++;
    suffix = suffix.slice(suffix.length - n);
    if (!suffix) return '';
  }
  const at = suffix.search(/[_\-.]/);
  if (at < 0) return '';
  const cut = suffix.slice(at);
  // Never strip a whole id.
  return ids.every((id) => id.length > cut.length) ? cut : '';
}

/**
 * Short substation labels. Small networks: the name in the wall's language ("变电站 1" /
 * "Substation 1"). Large ones: the id without the suffix all ids share ("uhs0_1247" → "uhs0").
 */
export function substationLabels(substations: readonly { id: string; name: string }[], lang: Lang, large: boolean): Map<string, string> {
  const labels = new Map<string, string>();
  if (!large) {
    for (const s of substations) labels.set(s.id, pickName(s.name, lang));
    return labels;
  }
  const suffix = commonSuffix(substations.map((s) => s.id));
  for (const s of substations) labels.set(s.id, suffix ? s.id.slice(0, s.id.length - suffix.length) : s.id);
  return labels;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelRequest {
  id: string;
  /** Anchor (the substation's centre), px. */
  x: number;
  y: number;
  /** Label size, px. */
  w: number;
  h: number;
  /** Gap between the anchor and the label, px. */
  gap: number;
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Whether rectangle `r` touches the ring (annulus) around (x, y) between radii `inner` and `outer`. */
export function rectHitsRing(r: Rect, x: number, y: number, inner: number, outer: number): boolean {
  const nx = Math.max(r.x, Math.min(x, r.x + r.w)) - x;
  const ny = Math.max(r.y, Math.min(y, r.y + r.h)) - y;
  if (nx * nx + ny * ny > outer * outer) return false;
  const fx = Math.max(Math.abs(r.x - x), Math.abs(r.x + r.w - x));
  const fy = Math.max(Math.abs(r.y - y), Math.abs(r.y + r.h - y));
  return fx * fx + fy * fy >= inner * inner;
}

/**
 * Greedy label placement: each label right, left, below or above its anchor, in that order, at
 * the first place that collides with no placed label, no obstacle, nothing `blocked` says and
 * stays inside `bounds`; labels with no such place are left out. Returns the placed rectangles
 * by id.
 */
export function placeLabels(requests: readonly LabelRequest[], obstacles: readonly Rect[], bounds: Rect, blocked?: (r: Rect) => boolean): Map<string, Rect> {
  const placed = new Map<string, Rect>();
  const taken: Rect[] = [...obstacles];
  for (const r of requests) {
    const candidates: Rect[] = [
      { x: r.x + r.gap, y: r.y - r.h / 2, w: r.w, h: r.h },
      { x: r.x - r.gap - r.w, y: r.y - r.h / 2, w: r.w, h: r.h },
      { x: r.x - r.w / 2, y: r.y + r.gap, w: r.w, h: r.h },
      { x: r.x - r.w / 2, y: r.y - r.gap - r.h, w: r.w, h: r.h },
    ];
    const ok = candidates.find(
      (c) =>
        c.x >= bounds.x &&
        c.y >= bounds.y &&
        c.x + c.w <= bounds.x + bounds.w &&
        c.y + c.h <= bounds.y + bounds.h &&
        !taken.some((t) => overlaps(c, t)) &&
        !blocked?.(c),
    );
    if (!ok) continue;
    placed.set(r.id, ok);
    taken.push(ok);
  }
  return placed;
}

// ── clustering at low zoom ──────────────────────────────────────────────────────────────────

/** Where a canvas is on the map: container x = mx · scale − ox for normalised Mercator mx. */
export interface BinView {
  width: number;
  height: number;
  scale: number;
  ox: number;
  oy: number;
}

/**
 * Station areas binned into square screen cells (the network at low zoom). The grid is aligned
 * to world pixels, so a cell keeps its members while the view only moves. The arrays are kept
 * and reused by the next `binStations` into the same object: no allocation once they are large
 * enough.
 */
export interface Bins {
  /** Cell side, px. */
  cell: number;
  cols: number;
  rows: number;
  /** Container px of the top-left corner of cell 0 (≤ 0). */
  x0: number;
  y0: number;
  /** World cell (column, row) of cell 0. */
  c0: number;
  r0: number;
  /** Per station area: its cell (col + row · cols), −1 outside the view. */
  cellOf: Int32Array;
  /** Per cell: station areas and customers. */
  areas: Uint32Array;
  customers: Float64Array;
  /** The non-empty cells, in the first `used` entries, in order of cell index. */
  nonEmpty: Int32Array;
  used: number;
  /** Station areas inside the view. */
  inView: number;
  /** Customers of a full cell: the 90th percentile of the non-empty cells' customers (≥ 1). */
  ref: number;
  /** Scratch for the percentile. */
  sort: Float64Array;
}

export function emptyBins(): Bins {
  return {
    cell: 1,
    cols: 0,
    rows: 0,
    x0: 0,
    y0: 0,
    c0: 0,
    r0: 0,
    cellOf: new Int32Array(0),
    areas: new Uint32Array(0),
    customers: new Float64Array(0),
    nonEmpty: new Int32Array(0),
    used: 0,
    inView: 0,
    ref: 1,
    sort: new Float64Array(0),
  };
}

/** Side of a cluster cell at `rem` px per rem. */
export const clusterCell = (rem: number) => Math.round(rem * 1.25);

/** Below this many station areas per non-empty cell, dots are drawn one by one. */
export const CLUSTER_MIN_OCCUPANCY = 2;

/**
 * Bins `n` station areas at normalised Mercator (tx, ty) with `customers` each into cells of
 * `cell` px over the view, in one pass. With `counts`, each point stands for that many station
 * areas (a cell of an aggregated map). Reuses `into`'s arrays when they are large enough.
 */
export function binStations(
  tx: ArrayLike<number>,
  ty: ArrayLike<number>,
  customers: ArrayLike<number>,
  n: number,
  v: BinView,
  cell: number,
  into: Bins = emptyBins(),
  counts: ArrayLike<number> | null = null,
): Bins {
  const b = into;
  const c0 = Math.floor(v.ox / cell);
  const r0 = Math.floor(v.oy / cell);
  b.cell = cell;
  b.c0 = c0;
  b.r0 = r0;
  b.x0 = c0 * cell - v.ox;
  b.y0 = r0 * cell - v.oy;
  const cols = (b.cols = Math.max(1, Math.ceil((v.width - b.x0) / cell)));
  const rows = (b.rows = Math.max(1, Math.ceil((v.height - b.y0) / cell)));
  const cells = cols * rows;
  if (b.cellOf.length < n) b.cellOf = new Int32Array(n);
  if (b.areas.length < cells) {
    b.areas = new Uint32Array(cells);
    b.customers = new Float64Array(cells);
  } else {
    b.areas.fill(0, 0, cells);
    b.customers.fill(0, 0, cells);
  }
  const { cellOf, areas, customers: sum } = b;
  let inView = 0;
  for (let i = 0; i < n; i++) {
    const col = Math.floor((tx[i]! * v.scale) / cell) - c0;
    const row = Math.floor((ty[i]! * v.scale) / cell) - r0;
    if (col < 0 || row < 0 || col >= cols || row >= rows) {
      cellOf[i] = -1;
      continue;
    }
    const k = col + row * cols;
    cellOf[i] = k;
    const count = counts ? counts[i]! : 1;
    areas[k]! += count;
    sum[k]! += customers[i]!;
    inView += count;
  }
  b.inView = inView;
  let used = 0;
  for (let k = 0; k < cells; k++) if (areas[k]) used++;
  if (b.nonEmpty.length < used) {
    b.nonEmpty = new Int32Array(used);
    b.sort = new Float64Array(used);
  }
  let j = 0;
  for (let k = 0; k < cells; k++) if (areas[k]) b.nonEmpty[j++] = k;
  b.used = used;
  // A few heavy cells (an industrial park) must not shrink all others to dots.
  if (used) {
    const s = b.sort.subarray(0, used);
    for (let q = 0; q < used; q++) s[q] = sum[b.nonEmpty[q]!]!;
    s.sort();
    b.ref = Math.max(1, s[Math.min(used - 1, Math.floor(used * 0.9))]!);
  } else b.ref = 1;
  return b;
}

/**
 * The cells of `b` (binned at `scale`) that `n` points at normalised Mercator (tx, ty) fall in,
 * −1 outside the view: as `binStations` assigns them, for points that were not binned (the
 * station areas of an aggregated map). Reuses `into` when it is large enough.
 */
export function cellsOf(b: Bins, scale: number, tx: ArrayLike<number>, ty: ArrayLike<number>, n: number, into: Int32Array = new Int32Array(0)): Int32Array {
  const out = into.length >= n ? into : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const col = Math.floor((tx[i]! * scale) / b.cell) - b.c0;
    const row = Math.floor((ty[i]! * scale) / b.cell) - b.r0;
    out[i] = col < 0 || row < 0 || col >= b.cols || row >= b.rows ? -1 : col + row * b.cols;
  }
  return out;
}

/** Whether dots would pile up: on average at least CLUSTER_MIN_OCCUPANCY station areas per non-empty cell. */
export function shouldCluster(b: Bins): boolean {
  return b.used > 0 && b.inView >= CLUSTER_MIN_OCCUPANCY * b.used;
}

/** Centre of cell `k`, container px. */
export function cellCentre(b: Bins, k: number): [number, number] {
  const col = k % b.cols;
  const row = (k - col) / b.cols;
  return [b.x0 + (col + 0.5) * b.cell, b.y0 + (row + 0.5) * b.cell];
}

/**
 * Radius of a cell's disc: its area grows with the customers in the cell, up to a full cell
 * (`b.ref` customers or more: 45 % of the side, so neighbours never touch); never below a
 * visible dot.
 */
export function clusterRadius(b: Bins, customers: number): number {
  const max = b.cell * 0.45;
  const min = Math.max(1, b.cell * 0.12);
  return Math.max(min, max * Math.sqrt(Math.min(1, Math.max(0, customers) / b.ref)));
}

/**
 * The state of the cells that hold abnormal station areas: per cell the most severe level
 * (1 recent, 2 planned, 3 out) and the customers out (level 3 only). Kept per map; cleared
 * cell by cell (only those touched), so nothing of the grid's size is allocated or swept.
 */
export interface CellMarks {
  level: Uint8Array;
  out: Float64Array;
  /** Cells with a level, in the first `n` entries. */
  touched: Int32Array;
  n: number;
}

export function emptyCellMarks(): CellMarks {
  return { level: new Uint8Array(0), out: new Float64Array(0), touched: new Int32Array(0), n: 0 };
}

/** Clears `m` for the cells of `b`. */
export function resetCellMarks(m: CellMarks, b: Bins): void {
  const cells = b.cols * b.rows;
  if (m.level.length < cells) {
    m.level = new Uint8Array(cells);
    m.out = new Float64Array(cells);
  } else {
    for (let q = 0; q < m.n; q++) {
      const k = m.touched[q]!;
      m.level[k] = 0;
      m.out[k] = 0;
    }
  }
  m.n = 0;
}

/**
 * Marks the cells of station areas `indices` with `level`; level 3 adds their customers to the
 * cells' customers out. `cellOf` gives each station area's cell (by default as binned in `b`).
 */
export function markCells(m: CellMarks, b: Bins, indices: ArrayLike<number>, level: 1 | 2 | 3, customers: ArrayLike<number>, cellOf: ArrayLike<number> = b.cellOf): void {
  for (let q = 0; q < indices.length; q++) {
    const i = indices[q]!;
    const k = cellOf[i];
    if (k === undefined || k < 0) continue;
    if (!m.level[k]) {
      if (m.touched.length <= m.n) {
        const grown = new Int32Array(Math.max(64, m.touched.length * 2));
        grown.set(m.touched);
        m.touched = grown;
      }
      m.touched[m.n++] = k;
    }
    if (level > m.level[k]!) m.level[k] = level;
    if (level === 3) m.out[k]! += customers[i]!;
  }
}

/** On a crowded map (`discScale` below 1), at most this many complaint-risk gauges. */
export const MAX_CROWDED_GAUGES = 12;

/**
 * The outages that keep their complaint-risk gauge (and pulse): all of `scored` while the map is
 * not crowded; else the `max` most severe, critical alerts first, then by probability (ties by
 * id). Hundreds of rings over one city centre tell nothing; the heat glow still shows every risk.
 */
export function gaugesToDraw(scored: readonly { id: string; probability: number; critical: boolean }[], crowded: boolean, max = MAX_CROWDED_GAUGES): Set<string> {
  if (!crowded || scored.length <= max) return new Set(scored.map((s) => s.id));
  const ranked = [...scored].sort((a, b) => Number(b.critical) - Number(a.critical) || b.probability - a.probability || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Set(ranked.slice(0, max).map((s) => s.id));
}

// ── aggregated maps ─────────────────────────────────────────────────────────────────────────

/** Station areas in a map: listed one by one, or summed in its cells when aggregated. */
export function stationAreaCount(net: { transformers: readonly unknown[]; cells?: readonly (readonly number[])[] }): number {
  if (!net.cells) return net.transformers.length;
  let n = net.transformers.length;
  for (const c of net.cells) n += c[2]!;
  return n;
}

/**
 * The station areas of `outages` that an aggregated map still has to ask for (`known` says
 * which it has or asked for already), in batches whose comma-joined ids stay within `maxChars`
 * (a URL of a few kB passes any proxy) and `maxIds`.
 */
export function areasToLoad(outages: Iterable<{ transformers: readonly string[] }>, known: (id: string) => boolean, maxChars: number, maxIds: number): string[][] {
  const want = new Set<string>();
  for (const o of outages) for (const id of o.transformers) if (!known(id)) want.add(id);
  const out: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const id of want) {
    const cost = encodeURIComponent(id).length + 1;
    if (batch.length && (chars + cost > maxChars || batch.length >= maxIds)) {
      out.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(id);
    chars += cost;
  }
  if (batch.length) out.push(batch);
  return out;
}

// ── complaint risk as heat ──────────────────────────────────────────────────────────────────

/**
 * Radius (px) of the heat glow under an outage with complaint risk: beyond its disc by 1.5 rem,
 * and more with the complaints expected within the hour, up to 5 rem; all times `scale` (see
 * `discScale`).
 */
export function heatRadius(customers: number, expected: number, rem: number, scale = 1): number {
  const e = Number.isFinite(expected) ? Math.max(0, expected) : 0;
  return outageRadius(customers, rem, scale) + rem * Math.min(5, 1.5 + Math.sqrt(e)) * scale;
}

const HEAT_AMBER: readonly [number, number, number] = [0xe8, 0xa3, 0x3d];
const HEAT_RED: readonly [number, number, number] = [0xe5, 0x48, 0x4d];

/** Colour of the heat for a probability of a complaint within the hour: amber up to 30 %, red from 80 %, mixed between. */
export function heatColor(probability: number): [number, number, number] {
  const p = Number.isFinite(probability) ? probability : 0;
  const f = Math.max(0, Math.min(1, (p - 0.3) / 0.5));
  return [0, 1, 2].map((i) => Math.round(HEAT_AMBER[i]! + (HEAT_RED[i]! - HEAT_AMBER[i]!) * f)) as [number, number, number];
}

/** Peak opacity of the heat: stronger with the probability, never opaque. */
export function heatAlpha(probability: number): number {
  const p = Number.isFinite(probability) ? Math.max(0, Math.min(1, probability)) : 0;
  return 0.25 + 0.3 * p;
}

/** One outage's heat: centre and radius in px, probability of a complaint within the hour. */
export interface Glow {
  x: number;
  y: number;
  r: number;
  p: number;
}

/**
 * The heat of `glows` sampled every `step` px (sample (c, r) at the centre of its step square)
 * into `out` as RGBA (cols · rows · 4 bytes, not premultiplied). Each sample takes the strongest
 * glow there, not the sum: a storm of overlapping risks does not turn the map solid red. Each
 * glow fades smoothly from its peak opacity at the centre to nothing at its radius.
 */
export function heatField(glows: readonly Glow[], cols: number, rows: number, step: number, out: Uint8ClampedArray): void {
  out.fill(0, 0, cols * rows * 4);
  for (const g of glows) {
    if (!(g.r > 0)) continue;
    const [cr, cg, cb] = heatColor(g.p);
    const peak = heatAlpha(g.p) * 255;
    const c0 = Math.max(0, Math.floor((g.x - g.r) / step));
    const c1 = Math.min(cols - 1, Math.ceil((g.x + g.r) / step));
    const r0 = Math.max(0, Math.floor((g.y - g.r) / step));
    const r1 = Math.min(rows - 1, Math.ceil((g.y + g.r) / step));
    for (let r = r0; r <= r1; r++) {
      const dy = (r + 0.5) * step - g.y;
      for (let c = c0; c <= c1; c++) {
        const dx = (c + 0.5) * step - g.x;
        const f = 1 - Math.sqrt(dx * dx + dy * dy) / g.r;
        if (f <= 0) continue;
        const a = peak * f * f * (3 - 2 * f);
        const o = (r * cols + c) * 4;
        if (a <= out[o + 3]!) continue;
        out[o] = cr;
        out[o + 1] = cg;
        out[o + 2] = cb;
        out[o + 3] = a;
      }
    }
  }
}
