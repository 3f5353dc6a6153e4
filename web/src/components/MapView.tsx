import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { readHeaders } from '../access.ts';
import L from 'leaflet';
import type { AlertDto, MapNetwork, NetworkSummary, OutageDto, RiskBrief, WallConfig } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale } from '../i18n.ts';
import { outageShapes, riskClass, shapesKey, statesOfShapes, type OutageShape, type RiskClass } from '../state.ts';
import { LARGE_NETWORK, MAX_FEEDER_LABELS, mercX, mercY, mercator, outageRadius, placeLabels, sizesFor, substationLabels, type Rect, type Sizes } from '../mapgeom.ts';
import { COLORS, cssVar, remPx } from '../dom.ts';
import { CanvasLayer, scratch, type CanvasView } from './canvasLayer.ts';

const RETRY_MS = 5_000;

declare global {
  interface Window {
    /** The network map, requested by index.html before the app's script loaded. */
    __gridwatchMap?: Promise<MapNetwork>;
  }
}


/** The network in normalised Web Mercator, prepared once per geometry. */
interface Geo {
  version: string;
  large: boolean;
  ids: string[];
  index: Map<string, number>;
  tx: Float64Array;
  ty: Float64Array;
  /** Extent of the station areas, normalised Mercator: [minX, minY, maxX, maxY]. */
  extent: [number, number, number, number];
  /** Feeder paths as interleaved x, y. */
  paths: Float64Array[];
  feederLabels: { id: string; x: number; y: number }[];
  substations: { id: string; name: string; x: number; y: number }[];
  bounds: L.LatLngBounds;
}

function prepare(net: MapNetwork): Geo {
  // Plain loops and typed arrays: this runs on the first render, for tens of thousands of points.
  const n = net.transformers.length;
  const ids: string[] = new Array<string>(n);
  const index = new Map<string, number>();
  const tx = new Float64Array(n);
  const ty = new Float64Array(n);
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
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    grow(lon, lat);
  }
  const large = n >= LARGE_NETWORK;
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
  return { version: net.version, large, ids, index, tx, ty, extent: [minX, minY, maxX, maxY], paths, feederLabels, substations, bounds };
}

function sizesOf(geo: Geo, v: CanvasView, rem: number): Sizes {
  const [minX, minY, maxX, maxY] = geo.extent;
  const area = Number.isFinite(minX) ? Math.max(1, (maxX - minX) * v.scale) * Math.max(1, (maxY - minY) * v.scale) : v.width * v.height;
  return sizesFor(geo.ids.length, area, rem);
}

/** An outage's complaint risk as the map marks it. */
interface RiskMark {
  probability: number;
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
  /** Complaint risk of root outages, by outage id. */
  risk: ReadonlyMap<string, RiskMark>;
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
const riskRadius = (customers: number, rem: number) => outageRadius(customers, rem) + rem * 0.55;

/**
 * Complaint risk as a gauge around the outage: a faint full ring, and an arc from twelve o'clock
 * whose length is the probability of a complaint within the hour; grey below the alert
 * threshold, amber above it (or with an alert), red with a critical alert.
 */
function riskGauge(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, mark: RiskMark, rem: number): void {
  const w = Math.max(2, rem * 0.24);
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

/** Draws the network; returns the rectangles its substations and their labels took. */
function drawNetwork(ctx: CanvasRenderingContext2D, v: CanvasView, geo: Geo, labels: Map<string, string>, obstacles: Rect[]): Rect[] {
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

  // Normal station areas: barely there on a large network.
  ctx.fillStyle = geo.large ? COLORS.nodeFaint : COLORS.node;
  ctx.globalAlpha = geo.large ? 0.8 : 0.85;
  dots(ctx, v, geo, null, sz.node, sz.fast);
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
  for (const s of geo.substations) {
    const x = s.x * scale - ox;
    const y = s.y * scale - oy;
    squares.push({ x: x - side / 2, y: y - side / 2, w: side, h: side });
    ctx.fillStyle = COLORS.mapBg;
    ctx.fillRect(x - side / 2 - 2, y - side / 2 - 2, side + 4, side + 4);
    ctx.fillStyle = geo.large ? COLORS.substationFaint : COLORS.substation;
    ctx.fillRect(x - side / 2, y - side / 2, side, side);
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
  for (const [id, r] of placed) haloText(ctx, labels.get(id) ?? id, r.x + 2, r.y + r.h / 2, geo.large ? COLORS.textDim : COLORS.text, rem);
  return [...squares, ...placed.values()];
}

/** Dots for the station areas in `only` (indices), or all of them. */
function dots(ctx: CanvasRenderingContext2D, v: CanvasView, geo: Geo, only: number[] | null, r: number, fast: boolean): void {
  const { scale, ox, oy } = v;
  const n = only ? only.length : geo.ids.length;
  if (fast) {
    const d = r * 2;
    for (let k = 0; k < n; k++) {
      const i = only ? only[k]! : k;
      ctx.fillRect(geo.tx[i]! * scale - ox - r, geo.ty[i]! * scale - oy - r, d, d);
    }
    return;
  }
  ctx.beginPath();
  for (let k = 0; k < n; k++) {
    const i = only ? only[k]! : k;
    const x = geo.tx[i]! * scale - ox;
    const y = geo.ty[i]! * scale - oy;
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
/**
 * The outage areas as last drawn, with the key of what they show (shapes and view). Redrawing
 * thousands of discs takes a software-rendered wall a few hundred ms, and most redraws (risk
 * updates, the detail's focus, the clock, a new ETR) leave the areas as they are.
 */
const areasCache: { canvas?: HTMLCanvasElement; key?: string } = {};

/** Opaque discs per path: many small paths rasterize several times faster than one of thousands. */
const DISCS_PER_PATH = 64;

/** Where an outage is located, in map pixels (null when it has no coordinates). */
function locatedAt(s: OutageShape, v: CanvasView): [number, number] | null {
  if (!Number.isFinite(s.lat) || !Number.isFinite(s.lon)) return null;
  const [x, y] = mercator(s.lon, s.lat);
  return [x * v.scale - v.ox, y * v.scale - v.oy];
}

/** The outages' areas, station areas and located devices, kind by kind (amber, blue-grey, red on top). */
function drawAreas(ctx: CanvasRenderingContext2D, v: CanvasView, geo: Geo, shapesAll: readonly OutageShape[], rem: number): void {
  const sz = sizesOf(geo, v, rem);
  const { scale, ox, oy } = v;
  const idx = (s: OutageShape) => s.areas.map((t) => geo.index.get(t)).filter((i): i is number => i !== undefined);
  const edgeW = Math.max(1, rem * 0.1);

  for (const kind of ['recent', 'planned', 'alarm'] as const) {
    const shapes = shapesAll.filter((s) => s.kind === kind);
    if (!shapes.length) continue;
    const style = KIND_STYLE[kind];
    const parts = shapes.map((s) => ({ s, at: locatedAt(s, v), areas: idx(s) }));

    // The highlighted area: a disc around every station area of the outage, and one around its
    // location sized by its customers; drawn opaque on a scratch canvas and laid on translucent,
    // so overlaps do not darken. Its edge: the same discs grown by a line width, less the discs.
    const discs = (c: CanvasRenderingContext2D, grow: number) => {
      let n = 0;
      const disc = (x: number, y: number, r: number) => {
        c.moveTo(x + r, y);
        c.arc(x, y, r, 0, Math.PI * 2);
        if (++n % DISCS_PER_PATH === 0) {
          c.fill();
          c.beginPath();
        }
      };
      c.beginPath();
      for (const { s, at, areas } of parts) {
        const r = sz.halo + grow;
        for (const i of areas) disc(geo.tx[i]! * scale - ox, geo.ty[i]! * scale - oy, r);
        if (at && kind !== 'recent') disc(at[0], at[1], outageRadius(s.customers, rem) + grow);
      }
      c.fill();
    };
    const fill = scratch(ctx, scratchFill);
    fill.fillStyle = style.color;
    discs(fill, 0);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = style.fill;
    ctx.drawImage(fill.canvas, 0, 0);
    ctx.restore();
    if (style.edge > 0) {
      const edge = scratch(ctx, scratchEdge);
      edge.fillStyle = style.color;
      discs(edge, edgeW);
      // Less the discs: the fill's pixels, not a second pass over thousands of paths.
      edge.setTransform(1, 0, 0, 1, 0, 0);
      edge.globalCompositeOperation = 'destination-out';
      edge.drawImage(fill.canvas, 0, 0);
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalAlpha = style.edge;
      ctx.drawImage(edge.canvas, 0, 0);
      ctx.restore();
    }

    // The station areas themselves, on top.
    ctx.fillStyle = style.color;
    const all = parts.flatMap((p) => p.areas);
    const r = Math.max(sz.node * 1.5, sz.hot * style.dot);
    ctx.globalAlpha = geo.large ? style.dotAlpha : 1;
    dots(ctx, v, geo, all, r, r < 1.25);
    ctx.globalAlpha = 1;

    // The located device of an active outage: a ring.
    if (kind !== 'recent') {
      for (const { at } of parts) {
        if (!at) continue;
        ring(ctx, at[0], at[1], rem * 0.5, style.color, Math.max(1.5, rem * 0.14));
      }
    }
  }
}

function drawOutages(ctx: CanvasRenderingContext2D, v: CanvasView, geo: Geo, scene: Scene, container: HTMLElement): Pulse[] {
  const rem = remPx();
  const located = (s: OutageShape) => locatedAt(s, v);

  const key = `${geo.version}|${ctx.canvas.width}x${ctx.canvas.height}|${v.width}x${v.height}|${v.scale},${v.ox},${v.oy}|${rem}|${shapesKey(scene.shapes)}`;
  if (areasCache.key !== key) {
    drawAreas(scratch(ctx, areasCache), v, geo, scene.shapes, rem);
    areasCache.key = key;
  }
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(areasCache.canvas!, 0, 0);
  ctx.restore();

  // Complaint risk of active outages: a gauge ring around each; unacknowledged alerts pulse.
  const pulses: Pulse[] = [];
  for (const s of scene.shapes) {
    if (s.kind === 'recent') continue;
    const mark = scene.risk.get(s.id);
    const at = mark ? located(s) : null;
    if (!mark || !at) continue;
    const r = riskRadius(s.customers, rem);
    riskGauge(ctx, at[0], at[1], r, mark, rem);
    if (mark.pulse) pulses.push({ id: s.id, x: at[0], y: at[1], r, cls: mark.cls });
  }

  // The outage shown in the detail panel: a light ring and its device, so the eye finds it.
  const focus = scene.focusId ? scene.shapes.find((s) => s.id === scene.focusId) : undefined;
  const at = focus ? located(focus) : null;
  if (focus && at) {
    const r = scene.risk.has(focus.id) ? riskRadius(focus.customers, rem) + rem * 0.45 : outageRadius(focus.customers, rem) + rem * 0.45;
    ring(ctx, at[0], at[1], r, COLORS.textDim, Math.max(1.5, rem * 0.09));
    if (scene.focusLabel) {
      const fontPx = rem * 0.9;
      ctx.font = `600 ${fontPx}px ${cssVar('--mono', 'monospace')}`;
      const w = ctx.measureText(scene.focusLabel).width + 4;
      const request = [{ id: 'focus', x: at[0], y: at[1], w, h: fontPx * 1.3, gap: r + rem * 0.3 }];
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
  const sceneRef = useRef<Scene>({ shapes: [], focusId: null, focusLabel: null, taken: [], risk: new Map() });
  const pulseHost = useRef<HTMLDivElement>(null);
  const networkLayer = useRef<CanvasLayer | null>(null);
  const outageLayer = useRef<CanvasLayer | null>(null);
  const rendered = useRef(false);
  const [net, setNet] = useState<MapNetwork | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);

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
    map.createPane('gw-outages').style.zIndex = '420';

    const base = new CanvasLayer((ctx, v) => {
      const geo = geoRef.current;
      if (!geo) return;
      const t0 = performance.now();
      sceneRef.current.taken = drawNetwork(ctx, v, geo, labelsRef.current, overlayRects(container));
      container.dataset.drawMs = (performance.now() - t0).toFixed(1);
      if (!rendered.current) {
        rendered.current = true;
        // First frame with the network on screen: after the frame that paints this drawing.
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const at = performance.now();
            container.dataset.renderMs = String(Math.round(at));
            performance.mark('gridwatch:map-rendered', { detail: { stationAreas: geo.ids.length } });
            console.info(`[wall] network map (${geo.ids.length} station areas) on screen ${Math.round(at)} ms after navigation; drawn in ${container.dataset.drawMs} ms`);
          }),
        );
      }
    }, 'gw-network');
    const over = new CanvasLayer((ctx, v) => {
      const geo = geoRef.current;
      placePulses(pulseHost.current, geo ? drawOutages(ctx, v, geo, sceneRef.current, container) : []);
    }, 'gw-outages');
    base.addTo(map);
    over.addTo(map);
    networkLayer.current = base;
    outageLayer.current = over;

    const ro = new ResizeObserver(() => {
      map.invalidateSize({ animate: false });
      const geo = geoRef.current;
      if (geo) fit(map, geo.bounds);
      // A new root font size (1080p → 4K) changes every size even when the view did not move.
      base.schedule();
      over.schedule();
    });
    ro.observe(container);

    return () => {
      ro.disconnect();
      map.remove();
      mapRef.current = null;
      networkLayer.current = null;
      outageLayer.current = null;
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
    // Drawn by the next two effects (labels, outages), which run right after this one.
    return () => {
      if (geoRef.current === geo) geoRef.current = null;
    };
  }, [net]);

  // Substation labels follow the language; draws the network.
  useEffect(() => {
    if (!net) return;
    labelsRef.current = substationLabels(net.substations, lang, net.transformers.length >= LARGE_NETWORK);
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
      m.set(s.id, { probability, cls: riskClass(probability, threshold, alert), pulse: alert?.status === 'open' });
    }
    return m;
  }, [shapes, risks, alertsByOutage, threshold]);

  // Outages: red = active, blue-grey = planned, amber = momentary / just restored; rings = complaint risk.
  useEffect(() => {
    const container = el.current;
    if (!container) return;
    sceneRef.current = { ...sceneRef.current, shapes, focusId, focusLabel, risk: riskMarks };
    outageLayer.current?.redraw();
    const geo = geoRef.current;
    container.dataset.outTransformers = geo && geo.version === net?.version ? states.out.filter((id) => geo.index.has(id)).join(',') : '';
    const ids = (pick: (m: RiskMark) => boolean) => [...riskMarks].filter(([, m]) => pick(m)).map(([id]) => id).sort().join(',');
    container.dataset.riskOutages = ids((m) => m.cls === 'warn' || m.cls === 'alert');
    container.dataset.alertOutages = ids((m) => m.pulse);
  }, [shapes, states, focusId, focusLabel, net, riskMarks]);

  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);
  const overlay = !net ? (loadFailed ? t.map.unavailable : t.map.loading) : null;

  return (
    <div className="map-panel">
      {/* data-out-transformers is kept up to date by the outage effect above (not by React);
          data-render-ms: ms from navigation until the network was first on screen. */}
      <div className="map" ref={el} data-testid="map" />
      <div className="map-pulses" ref={pulseHost} aria-hidden="true" />
      {overlay ? <div className={`map-overlay${loadFailed ? ' warn' : ''}`}>{overlay}</div> : null}
      <div className="map-legend">
        <span className="lg">
          <i className="dot normal" />
          {t.map.legendNormal}
        </span>
        <span className="lg">
          <i className="dot out" />
          {t.map.legendOut}
        </span>
        <span className="lg">
          <i className="dot planned" />
          {t.map.legendPlanned}
        </span>
        <span className="lg">
          <i className="dot recent" />
          {t.map.legendRecent}
        </span>
        <span className="lg">
          <i className="sq" />
          {t.map.legendSubstation}
        </span>
      </div>
      <div className="map-legend map-legend-risk">
        <span className="lg">
          <i className="gauge" />
          {t.map.legendRisk}
        </span>
        <span className="lg">
          <i className="pulse-dot" />
          {t.map.legendAlert}
        </span>
      </div>
      {counts ? (
        <div className="map-counts">
          {t.mapCounts(nf.format(counts.substations), nf.format(counts.feeders), nf.format(counts.transformers), nf.format(counts.customers))}
        </div>
      ) : null}
    </div>
  );
});

function fit(map: L.Map, bounds: L.LatLngBounds) {
  if (!bounds.isValid()) return;
  const rem = remPx();
  // Room for the counts (top) and the legend (bottom).
  map.fitBounds(bounds, { paddingTopLeft: [rem * 1.5, rem * 3.2], paddingBottomRight: [rem * 1.5, rem * 3.2], animate: false });
}
