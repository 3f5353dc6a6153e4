// Pure geometry of the wall's network map: projection, sizes that follow the network's density,
// short substation labels and label placement without collisions. Unit-tested in mapgeom.test.ts.
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

/** Radius (px) of the disc around an outage's location: grows with the square root of its customers. */
export function outageRadius(customers: number, rem: number): number {
  return rem * Math.min(5, 0.6 + 0.26 * Math.sqrt(Math.max(0, customers)));
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

/**
 * Greedy label placement: each label right, left, below or above its anchor, in that order, at
 * the first place that collides with no placed label, no obstacle and stays inside `bounds`;
 * labels with no such place are left out. Returns the placed rectangles by id.
 */
export function placeLabels(requests: readonly LabelRequest[], obstacles: readonly Rect[], bounds: Rect): Map<string, Rect> {
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
      (c) => c.x >= bounds.x && c.y >= bounds.y && c.x + c.w <= bounds.x + bounds.w && c.y + c.h <= bounds.y + bounds.h && !taken.some((t) => overlaps(c, t)),
    );
    if (!ok) continue;
    placed.set(r.id, ok);
    taken.push(ok);
  }
  return placed;
}
