import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { readHeaders } from '../access.ts';
import L from 'leaflet';
import type { AlertDto, MapAreas, MapNetwork, NetworkSummary, OutageDto, RiskBrief, WallConfig } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale } from '../i18n.ts';
import { outageShapes, riskClass, shapesKey, statesOfShapes, type OutageShape, type RiskClass } from '../state.ts';
import {
  LARGE_NETWORK,
  MAX_FEEDER_LABELS,
  binStations,
  cellsOf,
  clusterCell,
  clusterRadius,
  discScale,
  emptyBins,
  emptyCellMarks,
  areasToLoad,
  gaugesToDraw,
  heatField,
  heatRadius,
  markCells,
  mercX,
  mercY,
  mercator,
  outageRadius,
  placeLabels,
  rectHitsRing,
  resetCellMarks,
  shouldCluster,
  sizesFor,
  stationAreaCount,
  substationLabels,
  type Bins,
  type CellMarks,
  type Glow,
  type Rect,
  type Sizes,
} from '../mapgeom.ts';
import { COLORS, cssVar, remPx } from '../dom.ts';
import { CanvasLayer, blit, pixelArea, scratch, type CanvasView } from './canvasLayer.ts';

const RETRY_MS = 5_000;
/** An aggregated map asks for station areas in requests of at most this many characters of ids, and ids. */
const AREA_BATCH_CHARS = 3_000;
const AREA_BATCH_IDS = 1_000;

declare global {
  interface Window {
    /** The network map, requested by index.html before the app's script loaded. */
    __gridwatchMap?: Promise<MapNetwork>;
  }
}

/**
 * The early request's network map once it has arrived. It usually has by the time React first
 * renders the wall: the map is then drawn in that first commit instead of a render later (after
 * a frame without it, and the charts' script that loads after the first render).
 */
let earlyMap: { promise: Promise<MapNetwork>; map: MapNetwork } | undefined;
{
  const promise = typeof window === 'undefined' ? undefined : window.__gridwatchMap;
  promise?.then(
    (map) => {
      if (window.__gridwatchMap === promise) earlyMap = { promise, map };
    },
    () => {},
  );
}


/**
 * The network in normalised Web Mercator, prepared once per geometry. An aggregated map (a large
 * network) has its station areas summed in cells; the station areas of the feeders with outages
 * are added one by one as they arrive.
 */
interface Geo {
  version: string;
  large: boolean;
  aggregated: boolean;
  /** Station areas in the network. */
  total: number;
  /** The station areas known one by one (all of them unless aggregated): the first `n` entries. */
  n: number;
  ids: string[];
  index: Map<string, number>;
  tx: Float64Array;
  ty: Float64Array;
  /** Customers per station area. */
  cust: Float64Array;
  /** What the network layer draws and bins: the station areas, or the cells of an aggregated map. */
  points: { n: number; x: Float64Array; y: Float64Array; cust: Float64Array; count: Float64Array | null };
  /** Station areas asked for (aggregated maps), here or not yet. */
  asked: Set<string>;
  /** The known station areas' cells in `bins` (aggregated maps), reused. */
  areaCells: Int32Array;
  /** Extent of the network's points, normalised Mercator: [minX, minY, maxX, maxY]. */
  extent: [number, number, number, number];
  /** Feeder paths as interleaved x, y. */
  paths: Float64Array[];
  feederLabels: { id: string; x: number; y: number }[];
  substations: { id: string; name: string; x: number; y: number }[];
  bounds: L.LatLngBounds;
  /** The station areas binned for the view last drawn (reused arrays), and that view's key. */
  bins: Bins;
  binKey: string;
  /** Cells holding abnormal station areas, for the area layer (reused arrays). */
  cells: CellMarks;
}

function prepare(net: MapNetwork): Geo {
  // Plain loops and typed arrays: this runs on the first render, for tens of thousands of points.
  const n = net.transformers.length;
  const ids: string[] = new Array<string>(n);
  const index = new Map<string, number>();
  const tx = new Float64Array(n);
  const ty = new Float64Array(n);
  const cust = new Float64Array(n);
  const cells = net.cells ?? null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let minLat = Infinity;
  let minLon = Infinity;
  let maxLat = -Infinity;
  let maxLon = -Infinity;
  const grow = (lon: number, lat: number) => {
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  };
  for (let i = 0; i < n; i++) {
    const row = net.transformers[i]!;
    const lon = row[1];
    const lat = row[2];
    ids[i] = row[0];
    index.set(row[0], i);
    const x = mercX(lon);
    const y = mercY(lat);
    tx[i] = x;
    ty[i] = y;
    cust[i] = row[3] > 0 ? row[3] : 0;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    grow(lon, lat);
  }
  let points: Geo['points'] = { n, x: tx, y: ty, cust, count: null };
  if (cells) {
    const m = cells.length;
    const count = new Float64Array(m);
    points = { n: m, x: new Float64Array(m), y: new Float64Array(m), cust: new Float64Array(m), count };
    for (let i = 0; i < m; i++) {
      const [lon, lat, areas, customers] = cells[i]!;
      const x = mercX(lon);
      const y = mercY(lat);
      points.x[i] = x;
      points.y[i] = y;
      points.cust[i] = customers > 0 ? customers : 0;
      count[i] = areas > 0 ? areas : 0;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      grow(lon, lat);
    }
  }
  const total = stationAreaCount(net);
  const large = total >= LARGE_NETWORK;
  const withLabels = !large && net.feeders.length <= MAX_FEEDER_LABELS;
  const paths: Float64Array[] = [];
  const feederLabels: Geo['feederLabels'] = [];
  for (const f of net.feeders) {
    for (const p of f.paths) {
      const a = new Float64Array(p.length * 2);
      for (let i = 0; i < p.length; i++) {
        const pt = p[i]!;
        a[2 * i] = mercX(pt[0]);
        a[2 * i + 1] = mercY(pt[1]);
        grow(pt[0], pt[1]);
      }
      paths.push(a);
    }
    // Feeder id just beyond the end of its trunk (the first path).
    const trunk = f.paths[0];
    const start = trunk?.[0];
    const end = trunk?.[trunk.length - 1];
    if (withLabels && start && end) {
      const lon = end[0] + (end[0] - start[0]) * 0.07;
      const lat = end[1] + (end[1] - start[1]) * 0.07;
      grow(lon, lat);
      feederLabels.push({ id: f.id, x: mercX(lon), y: mercY(lat) });
    }
  }
  const substations = net.substations.map((s) => {
    grow(s.lon, s.lat);
    return { id: s.id, name: s.name, x: mercX(s.lon), y: mercY(s.lat) };
  });
  const bounds = Number.isFinite(minLat) ? L.latLngBounds([minLat, minLon], [maxLat, maxLon]) : L.latLngBounds([]);
  return {
    version: net.version,
    large,
    aggregated: cells !== null,
    total,
    n,
    ids,
    index,
    tx,
    ty,
    cust,
    points,
    asked: new Set(),
    areaCells: new Int32Array(0),
    extent: [minX, minY, maxX, maxY],
    paths,
    feederLabels,
    substations,
    bounds,
    bins: emptyBins(),
    binKey: '',
    cells: emptyCellMarks(),
  };
}

/** Adds station areas ([id, lon, lat, customers]) to those known one by one; returns how many were new. */
function addAreas(geo: Geo, rows: readonly [string, number, number, number][]): number {
  let added = 0;
  for (const [id, lon, lat, customers] of rows) {
    if (geo.index.has(id)) continue;
    if (geo.n === geo.tx.length) {
      const size = Math.max(256, geo.n * 2);
      const widen = (a: Float64Array) => {
        const b = new Float64Array(size);
        b.set(a);
        return b;
      };
      geo.tx = widen(geo.tx);
      geo.ty = widen(geo.ty);
      geo.cust = widen(geo.cust);
    }
    const i = geo.n++;
    geo.ids[i] = id;
    geo.index.set(id, i);
    geo.tx[i] = mercX(lon);
    geo.ty[i] = mercY(lat);
    geo.cust[i] = customers > 0 ? customers : 0;
    added++;
  }
  return added;
}

/**
 * The station areas in screen cells when their dots would pile up (a large network at a low
 * zoom), else null (dots one by one). Binned once per view and root font size.
 */
function clusterFor(geo: Geo, v: CanvasView, rem: number): Bins | null {
  const cell = clusterCell(rem);
  const key = `${v.width}x${v.height}|${v.scale}|${v.ox},${v.oy}|${cell}`;
  if (geo.binKey !== key) {
    const p = geo.points;
    binStations(p.x, p.y, p.cust, p.n, v, cell, geo.bins, p.count);
    geo.binKey = key;
  }
  return shouldCluster(geo.bins) ? geo.bins : null;
}

/** One disc per cell in `cells` (the first `n`), radius by `radius(cell)`, filled in batches. */
function cellDiscs(ctx: CanvasRenderingContext2D, b: Bins, cells: Int32Array, n: number, radius: (k: number) => number): void {
  ctx.beginPath();
  for (let q = 0; q < n; q++) {
    const k = cells[q]!;
    const r = radius(k);
    if (r <= 0) continue;
    const col = k % b.cols;
    const x = b.x0 + (col + 0.5) * b.cell;
    const y = b.y0 + ((k - col) / b.cols + 0.5) * b.cell;
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, Math.PI * 2);
    if ((q + 1) % DISCS_PER_PATH === 0) {
      ctx.fill();
      ctx.beginPath();
    }
  }
  ctx.fill();
}

function sizesOf(geo: Geo, v: CanvasView, rem: number): Sizes {
  const [minX, minY, maxX, maxY] = geo.extent;
  const area = Number.isFinite(minX) ? Math.max(1, (maxX - minX) * v.scale) * Math.max(1, (maxY - minY) * v.scale) : v.width * v.height;
  return sizesFor(geo.total, area, rem);
}

/** An outage's complaint risk as the map marks it. */
interface RiskMark {
  probability: number;
  /** Complaints expected within the hour. */
  expected: number;
  cls: RiskClass;
  /** An alert nobody has acknowledged yet: the ring pulses. */
  pulse: boolean;
}

/** What the outage layer draws, kept in a ref so the draw function always sees the latest. */
interface Scene {
  shapes: OutageShape[];
  focusId: string | null;
  focusLabel: string | null;
  /** Substations and their labels on the network layer: the focus label avoids them. */
  taken: Rect[];
  /** The substations on the network layer: those under a ring are drawn again over it. */
  substations: SubstationMark[];
  /** Complaint risk of root outages, by outage id. */
  risk: ReadonlyMap<string, RiskMark>;
  /** Customers out, as the wall writes numbers. */
  fmt: (n: number) => string;
}

/** A substation as the network layer drew it, in map pixels: its square and its label, if placed. */
interface SubstationMark {
  square: Rect;
  fill: string;
  label: { text: string; at: Rect; font: string; color: string } | null;
}

/** A pulsing ring over the map, in map pixels. */
interface Pulse {
  id: string;
  x: number;
  y: number;
  r: number;
  cls: RiskClass;
}

const RISK_COLOR: Record<RiskClass, string> = { none: COLORS.textDim, low: COLORS.textDim, warn: COLORS.amber, alert: COLORS.red };

/** The risk ring's radius around an outage disc. */
const riskRadius = (customers: number, rem: number, scale: number) => outageRadius(customers, rem, scale) + rem * 0.55;

/** The scale of the outages' discs on this view (mapgeom's discScale): the same for every layer. */
function sceneScale(scene: Scene, v: CanvasView, rem: number): number {
  const customers: number[] = [];
  for (const s of scene.shapes) if (s.kind !== 'recent') customers.push(s.customers);
  return discScale(customers, rem, v.width * v.height);
}

/**
 * Complaint risk as a gauge around the outage: a faint full ring, and an arc from twelve o'clock
 * whose length is the probability of a complaint within the hour; grey below the alert
 * threshold, amber above it (or with an alert), red with a critical alert.
 */
/** A risk gauge's stroke width, and how far its edge (with the dark halo) reaches from its radius. */
const gaugeWidth = (rem: number) => Math.max(2, rem * 0.24);
const gaugeReach = (rem: number) => gaugeWidth(rem) / 2 + 1;

function riskGauge(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, mark: RiskMark, rem: number): void {
  const w = gaugeWidth(rem);
  ctx.save();
  ctx.lineCap = 'butt';
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.lineWidth = w + 2;
  ctx.strokeStyle = COLORS.mapBg;
  ctx.globalAlpha = 0.75;
  ctx.stroke();
  ctx.lineWidth = w;
  ctx.strokeStyle = COLORS.lineDim;
  ctx.globalAlpha = 1;
  ctx.stroke();
  const sweep = Math.max(0.04, Math.min(1, mark.probability)) * Math.PI * 2;
  ctx.beginPath();
  ctx.arc(x, y, r, -Math.PI / 2, -Math.PI / 2 + sweep);
  ctx.strokeStyle = RISK_COLOR[mark.cls];
  ctx.stroke();
  ctx.restore();
}

/** Keeps the pulsing rings (DOM, CSS-animated: no redraw loop) in step with the scene. */
function placePulses(host: HTMLElement | null, pulses: Pulse[]): void {
  if (!host) return;
  const key = pulses.map((p) => `${p.id}:${Math.round(p.x)}:${Math.round(p.y)}:${Math.round(p.r)}:${p.cls}`).join('|');
  if (host.dataset.key === key) return;
  host.dataset.key = key;
  host.replaceChildren(
    ...pulses.map((p) => {
      const i = document.createElement('i');
      i.className = `risk-pulse risk-${p.cls}`;
      i.dataset.outageId = p.id;
      i.style.left = `${p.x - p.r}px`;
      i.style.top = `${p.y - p.r}px`;
      i.style.width = i.style.height = `${p.r * 2}px`;
      return i;
    }),
  );
}

/** Obstacles for labels: the map's own overlay boxes (counts, legend), in map pixels. */
function overlayRects(container: HTMLElement): Rect[] {
  const panel = container.parentElement;
  if (!panel) return [];
  const base = container.getBoundingClientRect();
  return [...panel.querySelectorAll<HTMLElement>('.map-legend, .map-counts')].map((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left - base.left, y: r.top - base.top, w: r.width, h: r.height };
  });
}

/**
 * Draws the network; returns the rectangles its substations and their labels took, the
 * substations as drawn, and whether the station areas were drawn as cells.
 */
function drawNetwork(ctx: CanvasRenderingContext2D, v: CanvasView, geo: Geo, labels: Map<string, string>, obstacles: Rect[]): { taken: Rect[]; substations: SubstationMark[]; clustered: boolean } {
  const rem = remPx();
  const sz = sizesOf(geo, v, rem);
  const { scale, ox, oy } = v;

  // Feeders: one path, thin and dim.
  ctx.beginPath();
  for (const p of geo.paths) {
    if (p.length < 4) continue;
    ctx.moveTo(p[0]! * scale - ox, p[1]! * scale - oy);
    for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i]! * scale - ox, p[i + 1]! * scale - oy);
  }
  ctx.strokeStyle = geo.large ? COLORS.lineFaint : COLORS.line;
  ctx.globalAlpha = geo.large ? 1 : 0.9;
  ctx.lineWidth = sz.line;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.stroke();
  ctx.globalAlpha = 1;

  // Normal station areas: barely there on a large network. Where their dots would pile up, one
  // neutral disc per screen cell instead, its area by the customers in the cell.
  const bins = clusterFor(geo, v, rem);
  if (bins) {
    ctx.fillStyle = COLORS.nodeFaint;
    ctx.globalAlpha = 0.55;
    cellDiscs(ctx, bins, bins.nonEmpty, bins.used, (k) => clusterRadius(bins, bins.customers[k]!));
  } else {
    ctx.fillStyle = geo.large ? COLORS.nodeFaint : COLORS.node;
    ctx.globalAlpha = geo.large ? 0.8 : 0.85;
    dots(ctx, v, geo.points.x, geo.points.y, null, geo.points.n, sz.node, sz.fast);
  }
  ctx.globalAlpha = 1;

  const font = cssVar('--font', 'sans-serif');
  const mono = cssVar('--mono', 'monospace');

  if (geo.feederLabels.length) {
    ctx.font = `${0.8 * rem}px ${mono}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const f of geo.feederLabels) haloText(ctx, f.id, f.x * scale - ox, f.y * scale - oy, COLORS.textDim, rem);
  }

  // Substations: squares, then short labels wherever they fit.
  const side = sz.substation;
  const squares: Rect[] = [];
  const fill = geo.large ? COLORS.substationFaint : COLORS.substation;
  for (const s of geo.substations) {
    const x = s.x * scale - ox;
    const y = s.y * scale - oy;
    const sq = { x: x - side / 2, y: y - side / 2, w: side, h: side };
    squares.push(sq);
    substationSquare(ctx, sq, fill);
  }
  const fontPx = (geo.large ? 0.85 : 1) * rem;
  ctx.font = `${fontPx}px ${font}`;
  const requests = geo.substations.map((s) => {
    const text = labels.get(s.id) ?? s.id;
    return { id: s.id, x: s.x * scale - ox, y: s.y * scale - oy, w: ctx.measureText(text).width + 4, h: fontPx * 1.3, gap: side / 2 + rem * 0.3 };
  });
  const placed = placeLabels(requests, [...obstacles, ...squares], { x: 0, y: 0, w: v.width, h: v.height });
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const color = geo.large ? COLORS.textDim : COLORS.text;
  const marks = geo.substations.map((s, i): SubstationMark => {
    const at = placed.get(s.id);
    return { square: squares[i]!, fill, label: at ? { text: labels.get(s.id) ?? s.id, at, font: ctx.font, color } : null };
  });
  for (const { label } of marks) if (label) haloText(ctx, label.text, label.at.x + 2, label.at.y + label.at.h / 2, color, rem);
  return { taken: [...squares, ...placed.values()], substations: marks, clustered: bins !== null };
}

/** A substation's square, on a dark edge. */
function substationSquare(ctx: CanvasRenderingContext2D, sq: Rect, fill: string): void {
  ctx.fillStyle = COLORS.mapBg;
  ctx.fillRect(sq.x - 2, sq.y - 2, sq.w + 4, sq.h + 4);
  ctx.fillStyle = fill;
  ctx.fillRect(sq.x, sq.y, sq.w, sq.h);
}

/** Dots for the points (xs, ys) in `only` (indices), or the first `count` of them. */
function dots(ctx: CanvasRenderingContext2D, v: CanvasView, xs: Float64Array, ys: Float64Array, only: number[] | null, count: number, r: number, fast: boolean): void {
  const { scale, ox, oy } = v;
  const n = only ? only.length : count;
  if (fast) {
    const d = r * 2;
    for (let k = 0; k < n; k++) {
      const i = only ? only[k]! : k;
      ctx.fillRect(xs[i]! * scale - ox - r, ys[i]! * scale - oy - r, d, d);
    }
    return;
  }
  ctx.beginPath();
  for (let k = 0; k < n; k++) {
    const i = only ? only[k]! : k;
    const x = xs[i]! * scale - ox;
    const y = ys[i]! * scale - oy;
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, Math.PI * 2);
  }
  ctx.fill();
}

function haloText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color: string, rem: number): void {
  ctx.lineWidth = rem * 0.25;
  ctx.lineJoin = 'round';
  ctx.strokeStyle = COLORS.mapBg;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

/**
 * Per kind: colour, opacity of the highlighted area and of its edge, and dot size relative to an
 * abnormal dot. Momentary / just restored is information, not an alarm: small dots, a faint
 * area, no edge, so a whole feeder that reclosed does not outshout a live outage.
 */
const KIND_STYLE = {
  recent: { color: COLORS.amber, fill: 0.06, edge: 0, dot: 0.55, dotAlpha: 0.6 },
  planned: { color: COLORS.planned, fill: 0.12, edge: 0.55, dot: 1, dotAlpha: 1 },
  alarm: { color: COLORS.red, fill: 0.2, edge: 0.75, dot: 1, dotAlpha: 1 },
} as const;

const scratchFill: { canvas?: HTMLCanvasElement } = {};
const scratchEdge: { canvas?: HTMLCanvasElement } = {};

/** At most this many customers-out figures are tried on a clustered map (the largest). */
const MAX_CELL_LABELS = 120;

/** Opaque discs per path: many small paths rasterize several times faster than one of thousands. */
const DISCS_PER_PATH = 64;

/** Where an outage is located, in map pixels (null when it has no coordinates). */
function locatedAt(s: OutageShape, v: CanvasView): [number, number] | null {
  if (!Number.isFinite(s.lat) || !Number.isFinite(s.lon)) return null;
  const [x, y] = mercator(s.lon, s.lat);
  return [x * v.scale - v.ox, y * v.scale - v.oy];
}

/** Severity of a kind in a cell: the most severe station area colours the cell. */
const LEVEL = { recent: 1, planned: 2, alarm: 3 } as const;
const KIND_OF_LEVEL = [null, 'recent', 'planned', 'alarm'] as const;

/**
 * The outages' areas, station areas and located devices, kind by kind (amber, blue-grey, red on
 * top). Thousands of discs in a storm: a layer of its own, redrawn only when they change. On a
 * clustered map the station areas are the network's cells in the colour of their most severe
 * station area, with the customers out next to the red ones where there is room.
 */
function drawAreas(ctx: CanvasRenderingContext2D, v: CanvasView, geo: Geo, scene: Scene, rem: number, container: HTMLElement): void {
  const sz = sizesOf(geo, v, rem);
  const crowd = sceneScale(scene, v, rem);
  const { scale, ox, oy } = v;
  const idx = (s: OutageShape) => s.areas.map((t) => geo.index.get(t)).filter((i): i is number => i !== undefined);
  const edgeW = Math.max(1, rem * 0.1);
  // The areas are soft shapes: on a large screen (≥ 24 device px per rem, e.g. 4K) they are
  // drawn at half resolution and scaled up, a quarter of the pixels to fill and copy.
  const k = rem * ctx.getTransform().a >= 24 ? 0.5 : 1;
  const bins = clusterFor(geo, v, rem);
  const cells = geo.cells;
  /** Located devices, ringed over the cells on a clustered map. */
  const rings: { at: [number, number]; color: string }[] = [];
  if (bins) resetCellMarks(cells, bins);
  // The cells of the station areas: as binned, or (aggregated map: the cells were binned) where they fall.
  const areaCells = !bins ? null : geo.aggregated ? (geo.areaCells = cellsOf(bins, v.scale, geo.tx, geo.ty, geo.n, geo.areaCells)) : bins.cellOf;

  for (const kind of ['recent', 'planned', 'alarm'] as const) {
    const shapes = scene.shapes.filter((s) => s.kind === kind);
    if (!shapes.length) continue;
    const style = KIND_STYLE[kind];
    const parts = shapes.map((s) => ({ s, at: locatedAt(s, v), areas: idx(s) }));

    // The highlighted area: a disc around every station area of the outage, and one around its
    // location sized by its customers; drawn opaque on a scratch canvas and laid on translucent,
    // so overlaps do not darken. Its edge: the same discs grown by a line width, less the discs.
    // Only the box around the discs is cleared and copied: whole-canvas copies cost a
    // software-rendered 4K wall tens of ms each.
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    const grown = edgeW + 2;
    const discs = (c: CanvasRenderingContext2D | null, grow: number) => {
      let n = 0;
      const disc = (x: number, y: number, r: number) => {
        if (!c) {
          if (x - r < x0) x0 = x - r;
          if (y - r < y0) y0 = y - r;
          if (x + r > x1) x1 = x + r;
          if (y + r > y1) y1 = y + r;
          return;
        }
        c.moveTo(x + r, y);
        c.arc(x, y, r, 0, Math.PI * 2);
        if (++n % DISCS_PER_PATH === 0) {
          c.fill();
          c.beginPath();
        }
      };
      c?.beginPath();
      for (const { s, at, areas } of parts) {
        const r = sz.halo + grow;
        for (const i of areas) disc(geo.tx[i]! * scale - ox, geo.ty[i]! * scale - oy, r);
        if (at && kind !== 'recent') disc(at[0], at[1], outageRadius(s.customers, rem, crowd) + grow);
      }
      c?.fill();
    };
    discs(null, grown);
    const area = pixelArea(ctx, x0, y0, x1, y1, k);
    if (area) {
      const fill = scratch(ctx, scratchFill, area, k);
      fill.fillStyle = style.color;
      discs(fill, 0);
      blit(ctx, fill.canvas, area, style.fill, k);
      if (style.edge > 0) {
        const edge = scratch(ctx, scratchEdge, area, k);
        edge.fillStyle = style.color;
        discs(edge, edgeW);
        // Less the discs: the fill's pixels, not a second pass over thousands of paths.
        edge.setTransform(1, 0, 0, 1, 0, 0);
        edge.globalCompositeOperation = 'destination-out';
        blit(edge, fill.canvas, area);
        blit(ctx, edge.canvas, area, style.edge, k);
      }
    }

    if (bins) {
      // Cells, drawn once all areas are laid (a cell takes its most severe colour).
      for (const p of parts) markCells(cells, bins, p.areas, LEVEL[kind], geo.cust, areaCells!);
    } else {
      // The station areas themselves, on top.
      ctx.fillStyle = style.color;
      const all = parts.flatMap((p) => p.areas);
      const r = Math.max(sz.node * 1.5, sz.hot * style.dot);
      ctx.globalAlpha = geo.large ? style.dotAlpha : 1;
      dots(ctx, v, geo.tx, geo.ty, all, all.length, r, r < 1.25);
      ctx.globalAlpha = 1;
    }

    // The located device of an active outage: a ring.
    if (kind !== 'recent') {
      for (const { at } of parts) {
        if (!at) continue;
        if (bins) rings.push({ at, color: style.color });
        else ring(ctx, at[0], at[1], rem * 0.5, style.color, Math.max(1.5, rem * 0.14));
      }
    }
  }
  if (!bins) return;
  const ringR = rem * 0.5;
  const ringW = Math.max(1.5, rem * 0.14);
  const marked = drawCells(ctx, bins, cells, rem);
  for (const { at, color } of rings) {
    ring(ctx, at[0], at[1], ringR, color, ringW);
    const r = ringR + ringW;
    marked.push({ x: at[0] - r, y: at[1] - r, w: 2 * r, h: 2 * r });
  }
  cellLabels(ctx, v, bins, cells, scene, rem, [...overlayRects(container), ...scene.taken, ...marked]);
}

/** Radius of an abnormal cell's disc: a neutral cell's, at least a clear dot. */
const markedRadius = (b: Bins, k: number, rem: number) => Math.max(rem * 0.3, clusterRadius(b, b.customers[k]!));

/**
 * The abnormal cells of a clustered map: a disc in the colour of the cell's most severe station
 * area. Returns the squares they cover.
 */
function drawCells(ctx: CanvasRenderingContext2D, b: Bins, m: CellMarks, rem: number): Rect[] {
  for (const level of [1, 2, 3] as const) {
    const style = KIND_STYLE[KIND_OF_LEVEL[level]];
    ctx.fillStyle = style.color;
    ctx.globalAlpha = style.dotAlpha;
    cellDiscs(ctx, b, m.touched, m.n, (k) => (m.level[k] === level ? markedRadius(b, k, rem) * style.dot : 0));
  }
  ctx.globalAlpha = 1;
  const covered: Rect[] = [];
  for (let q = 0; q < m.n; q++) {
    const k = m.touched[q]!;
    const col = k % b.cols;
    const x = b.x0 + (col + 0.5) * b.cell;
    const y = b.y0 + ((k - col) / b.cols + 0.5) * b.cell;
    const r = markedRadius(b, k, rem);
    covered.push({ x: x - r, y: y - r, w: 2 * r, h: 2 * r });
  }
  return covered;
}

/**
 * The customers out next to the red cells, the largest first, each where it fits clear of
 * the other figures and of `obstacles` (cells, rings, labels, the map's boxes); the rest none.
 */
function cellLabels(ctx: CanvasRenderingContext2D, v: CanvasView, b: Bins, m: CellMarks, scene: Scene, rem: number, obstacles: Rect[]): void {
  const fontPx = rem * 0.78;
  ctx.font = `600 ${fontPx}px ${cssVar('--mono', 'monospace')}`;
  const red: number[] = [];
  for (let q = 0; q < m.n; q++) {
    const k = m.touched[q]!;
    if (m.level[k] === 3 && m.out[k]! >= 1) red.push(k);
  }
  red.sort((p, q) => m.out[q]! - m.out[p]!);
  const texts = new Map<string, string>();
  const requests = red.slice(0, MAX_CELL_LABELS).map((k) => {
    const col = k % b.cols;
    const text = scene.fmt(Math.round(m.out[k]!));
    texts.set(String(k), text);
    return {
      id: String(k),
      x: b.x0 + (col + 0.5) * b.cell,
      y: b.y0 + ((k - col) / b.cols + 0.5) * b.cell,
      w: ctx.measureText(text).width + 4,
      h: fontPx * 1.2,
      gap: markedRadius(b, k, rem) + rem * 0.15,
    };
  });
  // Clear of the complaint-risk gauges drawn over this layer too.
  const gauges: { x: number; y: number; inner: number; outer: number }[] = [];
  const half = gaugeReach(rem);
  const scale = sceneScale(scene, v, rem);
  for (const s of scene.shapes) {
    const at = s.kind !== 'recent' && scene.risk.has(s.id) ? locatedAt(s, v) : null;
    if (!at) continue;
    const r = riskRadius(s.customers, rem, scale);
    gauges.push({ x: at[0], y: at[1], inner: r - half, outer: r + half });
  }
  const blocked = (c: Rect) => gauges.some((g) => rectHitsRing(c, g.x, g.y, g.inner, g.outer));
  const placed = placeLabels(requests, obstacles, { x: 0, y: 0, w: v.width, h: v.height }, blocked);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const [id, r] of placed) haloText(ctx, texts.get(id)!, r.x + 2, r.y + r.h / 2, COLORS.text, rem);
}

/** The heat field's samples, reused: one per HEAT_STEP rem, smoothed when drawn. */
const heatScratch: { canvas?: HTMLCanvasElement; data?: ImageData } = {};
const HEAT_STEP = 0.5;

/**
 * Complaint risk as heat, under the areas: a soft glow around each active outage whose risk is
 * abnormal (at or above the alert threshold, or with an alert), amber to red with the
 * probability, wider with the complaints expected. Sampled coarsely (where glows overlap, the
 * strongest wins) and scaled up smoothly: a few thousand samples instead of a gradient per
 * outage, and many risks together stay a glow, not a solid red.
 */
function drawHeat(ctx: CanvasRenderingContext2D, v: CanvasView, scene: Scene): void {
  const rem = remPx();
  const scale = sceneScale(scene, v, rem);
  const glows: Glow[] = [];
  for (const s of scene.shapes) {
    if (s.kind === 'recent') continue;
    const mark = scene.risk.get(s.id);
    if (!mark || (mark.cls !== 'warn' && mark.cls !== 'alert')) continue;
    const at = locatedAt(s, v);
    if (!at) continue;
    // A critical alert is red whatever the probability.
    const p = mark.cls === 'alert' ? Math.max(0.8, mark.probability) : mark.probability;
    glows.push({ x: at[0], y: at[1], r: heatRadius(s.customers, mark.expected, rem, scale), p });
  }
  if (!glows.length) return;
  const step = Math.max(2, rem * HEAT_STEP);
  const cols = Math.ceil(v.width / step);
  const rows = Math.ceil(v.height / step);
  const canvas = (heatScratch.canvas ??= document.createElement('canvas'));
  if (canvas.width !== cols || canvas.height !== rows || !heatScratch.data) {
    canvas.width = cols;
    canvas.height = rows;
    heatScratch.data = new ImageData(cols, rows);
  }
  const data = heatScratch.data;
  heatField(glows, cols, rows, step, data.data);
  canvas.getContext('2d')!.putImageData(data, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(canvas, 0, 0, cols * step, rows * step);
}

/** What changes often over the areas: complaint risk gauges and the detail's focus. */
/** Up to this many scored outages, the low-risk ones keep their grey gauge too. */
const MAX_LOW_GAUGES = 12;

function drawMarks(ctx: CanvasRenderingContext2D, v: CanvasView, scene: Scene, container: HTMLElement): Pulse[] {
  const rem = remPx();
  const scale = sceneScale(scene, v, rem);
  const located = (s: OutageShape) => locatedAt(s, v);

  // Complaint risk of active outages: a gauge ring around each; unacknowledged alerts pulse. In a
  // storm the grey gauges of low risk would ring every outage on the map: then only those at or
  // above the alert threshold keep theirs; on a crowded map (discs shrunk), only the most severe.
  const pulses: Pulse[] = [];
  let scored = 0;
  for (const s of scene.shapes) if (s.kind !== 'recent' && scene.risk.has(s.id)) scored++;
  const lowToo = scored <= MAX_LOW_GAUGES;
  const gauged: { id: string; probability: number; critical: boolean }[] = [];
  for (const s of scene.shapes) {
    const mark = s.kind === 'recent' ? undefined : scene.risk.get(s.id);
    if (mark && (lowToo || mark.cls === 'warn' || mark.cls === 'alert')) gauged.push({ id: s.id, probability: mark.probability, critical: mark.cls === 'alert' });
  }
  const keep = gaugesToDraw(gauged, scale < 1);
  /** The rings drawn (outer radius): the substations under them are drawn again on top. */
  const rings: { x: number; y: number; r: number }[] = [];
  for (const s of scene.shapes) {
    if (s.kind === 'recent' || !keep.has(s.id)) continue;
    const mark = scene.risk.get(s.id);
    const at = mark ? located(s) : null;
    if (!mark || !at) continue;
    const r = riskRadius(s.customers, rem, scale);
    riskGauge(ctx, at[0], at[1], r, mark, rem);
    rings.push({ x: at[0], y: at[1], r: r + gaugeReach(rem) });
    if (mark.pulse) pulses.push({ id: s.id, x: at[0], y: at[1], r, cls: mark.cls });
  }

  // The outage shown in the detail panel: a light ring and its device, so the eye finds it.
  const focus = scene.focusId ? scene.shapes.find((s) => s.id === scene.focusId) : undefined;
  const at = focus ? located(focus) : null;
  const focusR = !focus ? 0 : scene.risk.has(focus.id) ? riskRadius(focus.customers, rem, scale) + rem * 0.45 : outageRadius(focus.customers, rem, scale) + rem * 0.45;
  if (focus && at) {
    const width = Math.max(1.5, rem * 0.09);
    ring(ctx, at[0], at[1], focusR, COLORS.textDim, width);
    rings.push({ x: at[0], y: at[1], r: focusR + width / 2 + 1 });
  }
  liftSubstations(ctx, scene.substations, rings, rem);
  // The focus label after them: clear of the substation labels where it can be, over them where not.
  if (focus && at) {
    if (scene.focusLabel) {
      const fontPx = rem * 0.9;
      ctx.font = `600 ${fontPx}px ${cssVar('--mono', 'monospace')}`;
      const w = ctx.measureText(scene.focusLabel).width + 4;
      const request = [{ id: 'focus', x: at[0], y: at[1], w, h: fontPx * 1.3, gap: focusR + rem * 0.3 }];
      const frame = { x: 0, y: 0, w: v.width, h: v.height };
      const boxes = overlayRects(container);
      // Clear of substation labels if possible, else over them (it matters more now).
      const placed = placeLabels(request, [...boxes, ...scene.taken], frame).get('focus') ?? placeLabels(request, boxes, frame).get('focus');
      if (placed) {
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        haloText(ctx, scene.focusLabel, placed.x + 2, placed.y + placed.h / 2, COLORS.text, rem);
      }
    }
  }
  return pulses;
}

/**
 * The substation squares and labels that a ring crosses or encloses, drawn again over it (the
 * labels on a dark plate): the network layer lies under the outages, their gauges and the focus ring.
 */
function liftSubstations(ctx: CanvasRenderingContext2D, marks: readonly SubstationMark[], rings: readonly { x: number; y: number; r: number }[], rem: number): void {
  if (!rings.length) return;
  const hit = (a: Rect) => rings.some((c) => rectHitsRing(a, c.x, c.y, 0, c.r));
  const pad = rem * 0.15;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const { square, fill, label: l } of marks) {
    if (hit(square)) substationSquare(ctx, square, fill);
    if (!l || !hit(l.at)) continue;
    const a = l.at;
    ctx.fillStyle = COLORS.mapBg;
    ctx.globalAlpha = 0.85;
    ctx.beginPath();
    ctx.roundRect(a.x - pad, a.y, a.w + 2 * pad, a.h, rem * 0.2);
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.font = l.font;
    haloText(ctx, l.text, a.x + 2, a.y + a.h / 2, l.color, rem);
  }
}

/** What the heat layer shows, as a string: equal exactly when its glows are. */
function heatKey(shapes: readonly OutageShape[], risk: ReadonlyMap<string, RiskMark>): string {
  let key = '';
  for (const s of shapes) {
    const m = s.kind === 'recent' ? undefined : risk.get(s.id);
    if (m && (m.cls === 'warn' || m.cls === 'alert')) key += `${s.lon},${s.lat},${s.customers},${m.cls},${m.probability},${m.expected};`;
  }
  return key;
}

function ring(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, color: string, width: number): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.lineWidth = width + 2;
  ctx.strokeStyle = COLORS.mapBg;
  ctx.globalAlpha = 0.7;
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.stroke();
}

export interface MapViewProps {
  version: string | null;
  /** Server time, coarse (a few seconds) so that the map re-renders rarely. */
  nowServer: number;
  counts: NetworkSummary['counts'] | null;
  outages: ReadonlyMap<string, OutageDto>;
  /** The outage shown in the detail panel, marked on the map. */
  focusId: string | null;
  /** Complaint risk of the open outages, by outage id. */
  risks: ReadonlyMap<string, RiskBrief>;
  /** The active alert of each outage, by outage id. */
  alertsByOutage: ReadonlyMap<string, AlertDto>;
  threshold: number | null;
  t: Dict;
  lang: Lang;
}

export const MapView = memo(function MapView({ version, nowServer, counts, outages, focusId, risks, alertsByOutage, threshold, t, lang }: MapViewProps) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const geoRef = useRef<Geo | null>(null);
  const labelsRef = useRef<Map<string, string>>(new Map());
  const sceneRef = useRef<Scene>({ shapes: [], focusId: null, focusLabel: null, taken: [], substations: [], risk: new Map(), fmt: String });
  const pulseHost = useRef<HTMLDivElement>(null);
  const networkLayer = useRef<CanvasLayer | null>(null);
  const heatLayer = useRef<CanvasLayer | null>(null);
  const areaLayer = useRef<CanvasLayer | null>(null);
  const markLayer = useRef<CanvasLayer | null>(null);
  /** Network version, language and shapesKey of what the area layer shows. */
  const areasDrawn = useRef('');
  /** Network version and heatKey of what the heat layer shows. */
  const heatDrawn = useRef('');
  const rendered = useRef(false);
  const [net, setNet] = useState<MapNetwork | null>(() => (earlyMap && window.__gridwatchMap === earlyMap.promise ? earlyMap.map : null));
  const [loadFailed, setLoadFailed] = useState(false);
  /** Whether the station areas are drawn as cells (the legend says what a disc is). */
  const [clustered, setClustered] = useState(false);

  // The map itself: no interaction, canvas only, tiles only when configured.
  useEffect(() => {
    const container = el.current!;
    container.dataset.outTransformers = '';
    const map = L.map(container, {
      preferCanvas: true,
      zoomControl: false,
      attributionControl: false,
      dragging: false,
      touchZoom: false,
      doubleClickZoom: false,
      scrollWheelZoom: false,
      boxZoom: false,
      keyboard: false,
      zoomSnap: 0,
      zoomAnimation: false,
      fadeAnimation: false,
      markerZoomAnimation: false,
      inertia: false,
    });
    map.setView([37.46, 121.45], 11);
    mapRef.current = map;
    map.createPane('gw-network').style.zIndex = '410';
    map.createPane('gw-heat').style.zIndex = '415';
    map.createPane('gw-outages').style.zIndex = '420';
    map.createPane('gw-marks').style.zIndex = '425';

    const base = new CanvasLayer(
      (ctx, v) => {
        const geo = geoRef.current;
        if (!geo) return;
        const t0 = performance.now();
        const drawn = drawNetwork(ctx, v, geo, labelsRef.current, overlayRects(container));
        sceneRef.current.taken = drawn.taken;
        sceneRef.current.substations = drawn.substations;
        container.dataset.drawMs = (performance.now() - t0).toFixed(1);
        container.dataset.clusters = drawn.clustered ? String(geo.bins.used) : '';
        setClustered(drawn.clustered);
        if (!rendered.current) {
          rendered.current = true;
          // First frame with the network on screen: after the frame that paints this drawing.
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              const at = performance.now();
              container.dataset.renderMs = String(Math.round(at));
              performance.mark('gridwatch:map-rendered', { detail: { stationAreas: geo.total } });
              console.info(`[wall] network map (${geo.total} station areas${geo.aggregated ? ` in ${geo.points.n} cells` : ''}) on screen ${Math.round(at)} ms after navigation; drawn in ${container.dataset.drawMs} ms`);
            }),
          );
        }
      },
      'gw-network',
      () => !geoRef.current,
    );
    // The layers over the network stay hidden (no canvas memory, nothing to composite) while
    // there is nothing to show on them, as on a quiet wall's first frame.
    const heat = new CanvasLayer(
      (ctx, v) => drawHeat(ctx, v, sceneRef.current),
      'gw-heat',
      () => !geoRef.current || heatKey(sceneRef.current.shapes, sceneRef.current.risk) === '',
    );
    const areas = new CanvasLayer(
      (ctx, v) => {
        const t0 = performance.now();
        drawAreas(ctx, v, geoRef.current!, sceneRef.current, remPx(), container);
        container.dataset.areasMs = (performance.now() - t0).toFixed(1);
      },
      'gw-outages',
      () => !geoRef.current || sceneRef.current.shapes.length === 0,
    );
    const marks = new CanvasLayer(
      (ctx, v) => placePulses(pulseHost.current, drawMarks(ctx, v, sceneRef.current, container)),
      'gw-marks',
      () => {
        const scene = sceneRef.current;
        const empty = !geoRef.current || (scene.risk.size === 0 && !scene.focusId);
        // Nothing drawn: no pulsing rings either.
        if (empty) placePulses(pulseHost.current, []);
        return empty;
      },
    );
    base.addTo(map);
    heat.addTo(map);
    areas.addTo(map);
    marks.addTo(map);
    networkLayer.current = base;
    heatLayer.current = heat;
    areaLayer.current = areas;
    markLayer.current = marks;

    const ro = new ResizeObserver(() => {
      map.invalidateSize({ animate: false });
      const geo = geoRef.current;
      if (geo) fit(map, geo.bounds);
      // A new root font size (1080p → 4K) changes every size even when the view did not move.
      base.schedule();
      heat.schedule();
      areas.schedule();
      marks.schedule();
    });
    ro.observe(container);

    return () => {
      ro.disconnect();
      map.remove();
      mapRef.current = null;
      networkLayer.current = null;
      heatLayer.current = null;
      areaLayer.current = null;
      markLayer.current = null;
    };
  }, []);

  // Tiles only when configured. Asked again on each new network version until an answer came
  // (the server may not have been up when the page loaded); a failed request means no tiles.
  const configDone = useRef(false);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !version || configDone.current) return;
    const ac = new AbortController();
    fetch('/api/config', { signal: ac.signal, cache: 'no-store' })
      .then((r) => (r.ok ? (r.json() as Promise<WallConfig>) : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((cfg) => {
        configDone.current = true;
        if (!cfg.tileUrl || mapRef.current !== map) return;
        L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution ?? undefined, maxZoom: 19, className: 'wall-tiles' }).addTo(map);
        if (cfg.tileAttribution) L.control.attribution({ prefix: false, position: 'bottomright' }).addTo(map);
      })
      .catch(() => {
        /* no config: no tiles; the network is drawn anyway */
      });
    return () => ac.abort();
  }, [version]);

  // The early request's map, if the first render took it: used once.
  useEffect(() => {
    if (earlyMap && window.__gridwatchMap === earlyMap.promise) {
      window.__gridwatchMap = undefined;
      performance.mark('gridwatch:map-parsed');
    }
    earlyMap = undefined;
  }, []);

  // Network geometry: fetched at once (not waiting for the snapshot), and again whenever the
  // snapshot names another network version; retried until it loads. The server answers with an
  // ETag, so a reload of the page revalidates instead of downloading again.
  const need = net === null ? 'first' : version !== null && version !== net.version ? version : null;
  useEffect(() => {
    if (need === null) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ac = new AbortController();
    const load = async () => {
      try {
        // The first load takes over the request index.html started; it is used once.
        const early = need === 'first' ? window.__gridwatchMap : undefined;
        let m: MapNetwork;
        if (early) {
          try {
            m = await early;
          } finally {
            if (window.__gridwatchMap === early) window.__gridwatchMap = undefined;
            earlyMap = undefined;
          }
        } else {
          const res = await fetch('/api/network/map', { signal: ac.signal, cache: 'no-cache', headers: readHeaders() });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          m = (await res.json()) as MapNetwork;
        }
        performance.mark('gridwatch:map-parsed');
        if (cancelled) return;
        setNet((prev) => (prev && prev.version === m.version ? prev : m));
        setLoadFailed(false);
      } catch {
        if (cancelled) return;
        setLoadFailed(true);
        timer = setTimeout(load, RETRY_MS);
      }
    };
    void load();
    return () => {
      cancelled = true;
      ac.abort();
      clearTimeout(timer);
    };
  }, [need]);

  // Prepare and draw the network once per geometry.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !net) return;
    const geo = prepare(net);
    geoRef.current = geo;
    fit(map, geo.bounds);
    // Drawn by the next effects (labels, outages), which run right after this one.
    return () => {
      if (geoRef.current === geo) geoRef.current = null;
    };
  }, [net]);

  // An aggregated map: the station areas of the outages, asked for as outages come (those not yet
  // here are drawn at their located device meanwhile). A failed request is asked again on the next
  // outage change.
  const [areasLoaded, setAreasLoaded] = useState(0);
  useEffect(() => {
    const geo = geoRef.current;
    const url = net?.areasUrl;
    if (!geo || !url || !net || geo.version !== net.version) return;
    const known = (id: string) => geo.index.has(id) || geo.asked.has(id);
    for (const batch of areasToLoad(outages.values(), known, AREA_BATCH_CHARS, AREA_BATCH_IDS)) {
      for (const id of batch) geo.asked.add(id);
      fetch(`${url}?ids=${batch.map(encodeURIComponent).join(',')}`, { cache: 'no-store', headers: readHeaders() })
        .then((r) => (r.ok ? (r.json() as Promise<MapAreas>) : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then((a) => {
          if (geoRef.current !== geo || a.version !== geo.version) return;
          if (addAreas(geo, a.transformers)) setAreasLoaded((n) => n + 1);
        })
        .catch(() => {
          for (const id of batch) geo.asked.delete(id);
        });
    }
  }, [outages, net]);

  // Substation labels follow the language; draws the network.
  useEffect(() => {
    if (!net) return;
    labelsRef.current = substationLabels(net.substations, lang, stationAreaCount(net) >= LARGE_NETWORK);
    networkLayer.current?.redraw();
  }, [lang, net]);

  const shapes = useMemo(() => outageShapes(outages.values(), nowServer), [outages, nowServer]);
  const states = useMemo(() => statesOfShapes(shapes), [shapes]);
  const focusLabel = focusId ? (outages.get(focusId)?.device ?? null) : null;
  const riskMarks = useMemo(() => {
    const m = new Map<string, RiskMark>();
    for (const s of shapes) {
      if (s.kind === 'recent' || m.has(s.id)) continue;
      const brief = risks.get(s.id);
      const alert = alertsByOutage.get(s.id);
      const probability = brief?.probability ?? alert?.probability;
      if (probability === undefined) continue;
      const expected = brief?.expected ?? alert?.expected ?? 0;
      m.set(s.id, { probability, expected, cls: riskClass(probability, threshold, alert), pulse: alert?.status === 'open' });
    }
    return m;
  }, [shapes, risks, alertsByOutage, threshold]);

  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);

  // Outages: red = active, blue-grey = planned, amber = momentary / just restored; rings = complaint risk.
  useEffect(() => {
    const container = el.current;
    if (!container) return;
    sceneRef.current = { ...sceneRef.current, shapes, focusId, focusLabel, risk: riskMarks, fmt: (n) => nf.format(n) };
    const geo = geoRef.current;
    // Risk updates, the focus, the clock and most outage changes leave the areas as they are
    // (their figures keep clear of the risk gauges: which outages have one is part of the key).
    const gauged = shapes.filter((s) => s.kind !== 'recent' && riskMarks.has(s.id)).map((s) => s.id);
    const drawn = `${geo?.version}|${geo?.n}|${lang}|${shapesKey(shapes)}|${gauged.join(',')}`;
    if (drawn !== areasDrawn.current) {
      areasDrawn.current = drawn;
      areaLayer.current?.redraw();
    }
    const heat = `${geo?.version}|${heatKey(shapes, riskMarks)}`;
    if (heat !== heatDrawn.current) {
      heatDrawn.current = heat;
      heatLayer.current?.redraw();
    }
    markLayer.current?.redraw();
    container.dataset.outTransformers = geo && geo.version === net?.version ? states.out.filter((id) => geo.index.has(id)).join(',') : '';
    const ids = (pick: (m: RiskMark) => boolean) => [...riskMarks].filter(([, m]) => pick(m)).map(([id]) => id).sort().join(',');
    container.dataset.riskOutages = ids((m) => m.cls === 'warn' || m.cls === 'alert');
    container.dataset.alertOutages = ids((m) => m.pulse);
  }, [shapes, states, focusId, focusLabel, net, riskMarks, nf, lang, areasLoaded]);
  const overlay = !net ? (loadFailed ? t.map.unavailable : t.map.loading) : null;

  return (
    <div className="map-panel">
      {/* data-out-transformers is kept up to date by the outage effect above (not by React);
          data-render-ms: ms from navigation until the network was first on screen; data-draw-ms and
          data-areas-ms: ms the last network and outage-area drawings took; data-clusters: cells
          the station areas are drawn as ('' when one by one). */}
      <div className="map" ref={el} data-testid="map" />
      <div className="map-pulses" ref={pulseHost} aria-hidden="true" />
      {overlay ? <div className={`map-overlay${loadFailed ? ' warn' : ''}`}>{overlay}</div> : null}
      <MapLegend
        className="map-legend"
        items={[
          [clustered ? 'dot cluster' : 'dot normal', clustered ? t.map.legendCluster : t.map.legendNormal],
          ['dot out', clustered ? t.map.legendOutCluster : t.map.legendOut],
          ['dot planned', t.map.legendPlanned],
          ['dot recent', t.map.legendRecent],
          ['sq', t.map.legendSubstation],
        ]}
      />
      {/* The header line: the counts on one line in what the risk legend leaves of the width. */}
      <div className="map-head">
        {counts ? (
          <div className="map-counts">
            {t.mapCounts(nf.format(counts.substations), nf.format(counts.feeders), nf.format(counts.transformers), nf.format(counts.customers))}
          </div>
        ) : null}
        <MapLegend
          className="map-legend map-legend-risk"
          items={[
            ['gauge', t.map.legendRisk],
            ['pulse-dot', t.map.legendAlert],
            ['heat', t.map.legendHeat],
          ]}
        />
      </div>
    </div>
  );
});

function fit(map: L.Map, bounds: L.LatLngBounds) {
  if (!bounds.isValid()) return;
  const rem = remPx();
  // Room for the counts (top) and the legend (bottom).
  map.fitBounds(bounds, { paddingTopLeft: [rem * 1.5, rem * 3.2], paddingBottomRight: [rem * 1.5, rem * 3.2], animate: false });
}

/** A legend: a swatch (its CSS class) and words per item. */
function MapLegend({ className, items }: { className: string; items: readonly (readonly [swatch: string, label: string])[] }) {
  return (
    <div className={className}>
      {items.map(([swatch, label]) => (
        <span className="lg" key={swatch}>
          <i className={swatch} />
          {label}
        </span>
      ))}
    </div>
  );
}
