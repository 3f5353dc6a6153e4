// OpenDSS → gridwatch-network/1 importer. Reads a feeder, a substation (`<sub>--<feeder>/` feeder
// folders, the SMART-DS layout) or a root of many substations, traces every substation's lines as
// a graph from its source, and derives what GridWatch needs: which service transformer serves
// each load, which switching/protective device is nearest upstream of each transformer, device
// parents, feeder geometry. Pure code (file reads only); the CLI lives in ./commands.ts.
//
// Why a graph walk and not name matching: bus1/bus2 are not ordered upstream→downstream in real
// models, and loads hang off LV buses several service-line hops from the transformer's LV bus.
// One breadth-first walk from the source carries "current feeder, nearest device, serving
// transformer" down the tree, which is linear in the model size.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  createRng, YANTAI,
  type Customer, type CustomerType, type Device, type DeviceKind, type Feeder, type Grid, type NetworkFile, type Rng,
  type Substation, type Team, type Transformer, type Zone,
} from '@gridwatch/shared';

export interface ImportOptions {
  /** Network id; default: the folder name. */
  id?: string;
  name?: string;
  attribution?: string;
  /** Where projected (feet) coordinates are placed; default Yantai. Ignored for lon/lat models. */
  origin?: [number, number];
  /** Seed for the synthetic customer profile; default: derived from the folder name. */
  seed?: number;
  /** Source bus to trace from, when the model does not say (no circuit, no substation transformer). */
  source?: string;
  /** Units of projected coordinates (Buscoords.dss); default feet. */
  coordUnits?: 'ft' | 'm';
}

export interface ImportReport {
  layout: 'root' | 'substation' | 'feeder' | 'circuit';
  files: number;
  counts: {
    substations: number;
    feeders: number;
    devices: Record<DeviceKind, number>;
    /** Station areas: service transformers plus dedicated (MV customer) ones. */
    transformers: number;
    customers: number;
    grids: number;
  };
  /** What the model holds, for checking nothing was lost. */
  model: { loads: number; serviceTransformers: number; lines: number; disabledLines: number };
  /** MV-connected loads given a dedicated station area of their own (专变). */
  dedicated: number;
  /** Loads that could not be placed at all (no transformer and not MV-connected). */
  unplacedLoads: string[];
  /** Loads not reached from the source but matched to a transformer through their LV lines. */
  loadsOffSource: number;
  /** Service transformers not reached from the source: attached to their feeder's head breaker. */
  transformersOffSource: string[];
  /** Transformers without coordinates of their own, placed at the nearest upstream bus that has some. */
  transformersPositionedUpstream: string[];
  /** Transformers (and loads) with no coordinates at all, anywhere upstream: placed at the feeder head. */
  transformersWithoutPosition: string[];
  loadsWithoutCoords: number;
  transformersWithoutLoads: number;
  /** Dangling section ends joined to where their names say they belong (see bridgeGaps). */
  gapsBridged: string[];
  warnings: string[];
}

export interface ImportResult {
  network: NetworkFile;
  report: ImportReport;
}

// ---------------------------------------------------------------------------------------------
// Folder layout

interface FeederDir {
  /** `<sub>--<feeder>` folder name (or the circuit folder's): the feeder id. */
  id: string;
  name: string;
  dir: string;
}
interface SubstationDir {
  name: string;
  /** Folder of substation-level files (substation transformer, breakers), or null. */
  dir: string | null;
  feeders: FeederDir[];
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const subdirs = (dir: string) =>
  readdirSync(dir)
    .filter((n) => !n.startsWith('.') && isDir(path.join(dir, n)))
    .sort(naturalCompare);

/** uhs2 before uhs10: substation and feeder order is stable and human. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}

function findLayout(folder: string): { layout: ImportReport['layout']; substations: SubstationDir[] } {
  const base = path.basename(folder);
  const feederDirs = (dir: string) =>
    subdirs(dir)
      .filter((n) => n.includes('--'))
      .map((n) => ({ id: n, name: n.slice(n.indexOf('--') + 2), dir: path.join(dir, n) }));
  const own = feederDirs(folder);
  if (own.length) return { layout: 'substation', substations: [{ name: base, dir: folder, feeders: own }] };
  const subs = subdirs(folder)
    .map((n) => ({ name: n, dir: path.join(folder, n), feeders: feederDirs(path.join(folder, n)) }))
    .filter((s) => s.feeders.length > 0);
  if (subs.length) return { layout: 'root', substations: subs };
  if (base.includes('--')) {
    const sub = base.slice(0, base.indexOf('--'));
    return { layout: 'feeder', substations: [{ name: sub, dir: null, feeders: [{ id: base, name: base.slice(sub.length + 2), dir: folder }] }] };
  }
  return { layout: 'circuit', substations: [{ name: base, dir: null, feeders: [{ id: base, name: base, dir: folder }] }] };
}

// ---------------------------------------------------------------------------------------------
// OpenDSS text

interface Token {
  key: string | null;
  value: string;
}

const CLOSER: Record<string, string> = { '"': '"', "'": "'", '(': ')', '[': ']', '{': '}' };
const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 44; // space, tab, CR, comma

// Scanner position shared by tokenize/readValue: no closure per line (hot on 100k-line models).
let at = 0;

function readValue(s: string): string {
  const n = s.length;
  const open = s[at]!;
  const close = CLOSER[open];
  if (close) {
    // Quoted or bracketed value: `buses=(a, b)`, `%Rs=[0.6 1.2]`, `x=(1 2 * sqr)`.
    let depth = 1;
    const start = ++at;
    for (; at < n; at++) {
      const ch = s[at];
      if (close !== open && ch === open) depth++;
      else if (ch === close && --depth === 0) break;
    }
    return s.slice(start, at++);
  }
  const start = at;
  while (at < n) {
    const c = s.charCodeAt(at);
    if (isSpace(c) || c === 61 /* = */ || c === 33 /* ! */) break;
    at++;
  }
  return s.slice(start, at);
}

/** Splits one command line into key=value / positional tokens; `!` and `//` start comments. */
export function tokenize(s: string, out: Token[] = []): Token[] {
  const n = s.length;
  at = 0;
  while (at < n) {
    while (at < n && isSpace(s.charCodeAt(at))) at++;
    if (at >= n) break;
    const c = s[at];
    if (c === '!' || (c === '/' && s[at + 1] === '/')) break;
    let value = readValue(s);
    let j = at;
    while (j < n && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
    let key: string | null = null;
    if (s[j] === '=') {
      key = value.toLowerCase();
      at = j + 1;
      while (at < n && (s.charCodeAt(at) === 32 || s.charCodeAt(at) === 9)) at++;
      value = at < n ? readValue(s) : '';
    }
    out.push({ key, value });
  }
  return out;
}

/** `bus.1.2.3` → `bus`; bus names are case-insensitive in OpenDSS. */
export const busName = (spec: string) => {
  const dot = spec.indexOf('.');
  return (dot < 0 ? spec : spec.slice(0, dot)).trim().toLowerCase();
};
const yes = (v: string | undefined) => v !== undefined && /^(y|yes|t|true|1)$/i.test(v.trim());
const no = (v: string | undefined) => v !== undefined && /^(n|no|f|false|0)$/i.test(v.trim());
const list = (v: string) => v.split(/[\s,]+/).filter(Boolean);

// Property order of the classes we read, for positional (unnamed) parameters such as
// `New Fuse.F1 Line.L1 1`. OpenDSS continues positionally after the last named property.
const POSITIONAL: Record<string, readonly string[]> = {
  line: ['bus1', 'bus2', 'linecode', 'length', 'phases', 'r1', 'x1', 'r0', 'x0', 'c1', 'c0', 'rmatrix', 'xmatrix', 'cmatrix', 'switch'],
  load: ['phases', 'bus1', 'kv', 'kw', 'pf', 'model'],
  transformer: ['phases', 'windings', 'wdg', 'bus', 'conn', 'kv', 'kva'],
  reactor: ['bus1', 'bus2'],
  fuse: ['monitoredobj', 'monitoredterm', 'switchedobj', 'switchedterm'],
  recloser: ['monitoredobj', 'monitoredterm', 'switchedobj', 'switchedterm'],
  relay: ['monitoredobj', 'monitoredterm', 'switchedobj', 'switchedterm'],
  swtcontrol: ['switchedobj', 'switchedterm'],
  circuit: ['bus1'],
  vsource: ['bus1'],
};
/** Protection/control classes: what the device on the line they act on is. */
const CONTROL_KIND: Record<string, DeviceKind> = { recloser: 'recloser', fuse: 'fuse', relay: 'breaker', swtcontrol: 'switch' };
const CONTROL_RANK: Record<DeviceKind, number> = { recloser: 4, fuse: 3, breaker: 2, switch: 1 };

interface LineRec {
  name: string;
  a: number;
  b: number;
  feeder: number;
  /** Device kind from switch=y and the name/linecode; control objects may override. */
  kind: DeviceKind | null;
  open: boolean;
}
interface TransformerRec {
  name: string;
  buses: number[];
  kvs: number[];
  kva: number;
  sub: boolean;
  subname: string | null;
  feeder: number;
}
interface LoadRec {
  name: string;
  bus: number;
  kv: number;
  kw: number;
  phases: number;
  feeder: number;
}

/** One substation's worth of model: buses, lines, transformers, loads, coordinates. */
class Model {
  readonly busIndex = new Map<string, number>();
  readonly busNames: string[] = [];
  /** lon/lat (or projected, already converted) per bus; NaN when unknown. */
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly lines: LineRec[] = [];
  readonly lineByName = new Map<string, number>();
  /** Series elements that are not lines (reactors): walked through, never devices. */
  readonly links: { a: number; b: number; feeder: number }[] = [];
  readonly transformers: TransformerRec[] = [];
  readonly loads: LoadRec[] = [];
  readonly controls = new Map<string, DeviceKind>();
  readonly switchedOff = new Set<string>();
  /** Buses at disabled or opened lines: normally-open points, dangling on purpose. */
  readonly openEnds = new Set<number>();
  readonly sources: number[] = [];
  disabledLines = 0;
  files = 0;

  bus(name: string): number {
    let i = this.busIndex.get(name);
    if (i === undefined) {
      i = this.busNames.length;
      this.busIndex.set(name, i);
      this.busNames.push(name);
      this.x.push(NaN);
      this.y.push(NaN);
    }
    return i;
  }
  hasXY(i: number) {
    return !Number.isNaN(this.x[i]!);
  }
  xy(i: number): [number, number] | null {
    return this.hasXY(i) ? [this.x[i]!, this.y[i]!] : null;
  }
}

interface Pending {
  cls: string;
  name: string;
  props: Map<string, string>;
  lastIdx: number;
  feeder: number;
  tx: { wdg: number; buses: string[]; kvs: number[]; kvas: number[] } | null;
}

const READ_CLASSES = new Set(Object.keys(POSITIONAL));

/** Streams one DSS file's commands into the model (object by object, no token arrays kept). */
function readDss(model: Model, file: string, feeder: number, followRedirects: boolean, coordFiles: CoordFile[], seen: Set<string>) {
  const real = path.resolve(file);
  if (seen.has(real.toLowerCase())) return;
  seen.add(real.toLowerCase());
  let text: string;
  try {
    text = readFileSync(real, 'latin1');
  } catch {
    throw new Error(`cannot read ${real}`);
  }
  model.files++;
  const dir = path.dirname(real);
  let pending: Pending | null = null;
  const tokens: Token[] = [];

  const apply = (p: Pending, toks: Token[], from: number) => {
    const order = POSITIONAL[p.cls];
    for (let k = from; k < toks.length; k++) {
      const t = toks[k]!;
      let key = t.key;
      if (key === null) {
        if (!order) continue;
        key = order[++p.lastIdx] ?? null;
        if (key === null) continue;
      } else if (order) {
        const at = order.indexOf(key);
        if (at >= 0) p.lastIdx = at;
      }
      if (p.tx) applyTransformer(p, key, t.value);
      else p.props.set(key, t.value);
    }
  };

  const flush = () => {
    if (pending) finish(model, pending);
    pending = null;
  };

  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    const line = text.slice(pos, end).trim();
    pos = end + 1;
    if (!line || line.startsWith('!') || line.startsWith('//')) continue;
    const first = line.charAt(0);
    if (first === '~' || /^more\s/i.test(line)) {
      if (pending) {
        tokens.length = 0;
        tokenize(line.slice(first === '~' ? 1 : line.indexOf(' ')), tokens);
        apply(pending, tokens, 0);
      }
      continue;
    }
    flush();
    const sp = line.search(/\s/);
    const verb = (sp < 0 ? line : line.slice(0, sp)).toLowerCase();
    const rest = sp < 0 ? '' : line.slice(sp + 1);
    if (verb === 'new') {
      // Cheap class check first: models carry long lines of classes we never read (load shapes).
      const m = /^\s*(?:object\s*=\s*)?([A-Za-z]+)\.(\S+)/.exec(rest);
      if (!m) continue;
      const cls = m[1]!.toLowerCase();
      if (!READ_CLASSES.has(cls)) continue;
      tokens.length = 0;
      tokenize(rest, tokens);
      const head = tokens[0]!.value;
      const name = head.slice(head.indexOf('.') + 1);
      pending = {
        cls,
        name,
        props: new Map(),
        lastIdx: -1,
        feeder,
        tx: cls === 'transformer' ? { wdg: 1, buses: [], kvs: [], kvas: [] } : null,
      };
      apply(pending, tokens, 1);
    } else if (verb === 'redirect' || verb === 'compile') {
      if (followRedirects) {
        const target = tokenize(rest)[0]?.value;
        if (target) readDss(model, path.resolve(dir, target), feeder, true, coordFiles, seen);
      }
    } else if (verb === 'buscoords' || verb === 'latlongcoords') {
      const target = tokenize(rest)[0]?.value;
      if (target) coordFiles.push({ file: path.resolve(dir, target), lonLat: verb === 'latlongcoords' });
    } else if (verb === 'open' || verb === 'disable') {
      const target = tokenize(rest)[0]?.value.toLowerCase();
      if (target?.startsWith('line.')) model.switchedOff.add(target.slice(5));
    } else if (verb === 'close' || verb === 'enable') {
      const target = tokenize(rest)[0]?.value.toLowerCase();
      if (target?.startsWith('line.')) model.switchedOff.delete(target.slice(5));
    }
  }
  flush();
}

function applyTransformer(p: Pending, key: string, value: string) {
  const tx = p.tx!;
  const w = tx.wdg - 1;
  switch (key) {
    case 'wdg':
      tx.wdg = Math.max(1, Number.parseInt(value, 10) || 1);
      break;
    case 'bus':
      tx.buses[w] = value;
      break;
    case 'kv':
      tx.kvs[w] = Number(value);
      break;
    case 'kva':
      tx.kvas[w] = Number(value);
      break;
    case 'buses':
      list(value).forEach((b, k) => (tx.buses[k] = b));
      break;
    case 'kvs':
      list(value).forEach((v, k) => (tx.kvs[k] = Number(v)));
      break;
    case 'kvas':
      list(value).forEach((v, k) => (tx.kvas[k] = Number(v)));
      break;
    default:
      p.props.set(key, value);
  }
}

function deviceKindFromName(name: string, linecode: string, isSwitch: boolean): DeviceKind | null {
  const s = `${name} ${linecode}`.toLowerCase();
  if (s.includes('recloser')) return 'recloser';
  if (/fuse/.test(s)) return 'fuse';
  if (isSwitch && s.includes('breaker')) return 'breaker';
  return isSwitch ? 'switch' : null;
}

function finish(model: Model, p: Pending) {
  const g = (k: string) => p.props.get(k);
  switch (p.cls) {
    case 'line': {
      const bus1 = g('bus1');
      const bus2 = g('bus2');
      if (!bus1 || !bus2) return;
      const a = model.bus(busName(bus1));
      const b = model.bus(busName(bus2));
      if (no(g('enabled'))) {
        model.disabledLines++;
        model.openEnds.add(a).add(b);
        return;
      }
      if (a === b) return;
      const kind = deviceKindFromName(p.name, g('linecode') ?? '', yes(g('switch')));
      model.lineByName.set(p.name.toLowerCase(), model.lines.length);
      model.lines.push({ name: p.name, a, b, feeder: p.feeder, kind, open: false });
      return;
    }
    case 'reactor': {
      const bus1 = g('bus1');
      const bus2 = g('bus2');
      if (!bus1 || !bus2 || no(g('enabled'))) return;
      const a = model.bus(busName(bus1));
      const b = model.bus(busName(bus2));
      if (a !== b) model.links.push({ a, b, feeder: p.feeder });
      return;
    }
    case 'transformer': {
      if (no(g('enabled'))) return;
      const tx = p.tx!;
      const buses: number[] = [];
      const kvs: number[] = [];
      for (let k = 0; k < tx.buses.length; k++) {
        const b = tx.buses[k];
        if (!b) continue;
        buses.push(model.bus(busName(b)));
        // OpenDSS default winding voltage is 12.47 kV: an unspecified winding is MV.
        kvs.push(Number.isFinite(tx.kvs[k]) ? tx.kvs[k]! : 12.47);
      }
      if (buses.length < 2) return;
      const kva = tx.kvas.find((v) => Number.isFinite(v) && v > 0) ?? 0;
      model.transformers.push({ name: p.name, buses, kvs, kva, sub: yes(g('sub')), subname: g('subname') ?? null, feeder: p.feeder });
      return;
    }
    case 'load': {
      const bus1 = g('bus1');
      if (!bus1) return;
      const kw = Number(g('kw') ?? 'NaN');
      model.loads.push({
        name: p.name,
        bus: model.bus(busName(bus1)),
        kv: Number(g('kv') ?? '12.47'),
        kw: Number.isFinite(kw) ? kw : 10,
        phases: Number(g('phases') ?? '3') || 3,
        feeder: p.feeder,
      });
      return;
    }
    case 'circuit':
    case 'vsource': {
      if (p.cls === 'vsource' && p.name.toLowerCase() !== 'source') return;
      model.sources.push(model.bus(busName(g('bus1') ?? 'sourcebus')));
      return;
    }
    default: {
      const kind = CONTROL_KIND[p.cls];
      if (!kind || no(g('enabled'))) return;
      const target = (g('switchedobj') ?? g('monitoredobj') ?? '').toLowerCase();
      if (!target.startsWith('line.')) return;
      const lineName = target.slice(5);
      const had = model.controls.get(lineName);
      if (!had || CONTROL_RANK[kind] > CONTROL_RANK[had]) model.controls.set(lineName, kind);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Coordinates

interface CoordFile {
  file: string;
  lonLat: boolean;
}

function coordFilesIn(dir: string): CoordFile[] {
  const names = readdirSync(dir).filter((n) => /coord/i.test(n) && !isDir(path.join(dir, n)));
  const files = names.sort().map((n) => ({ file: path.join(dir, n), lonLat: /lat|lon/i.test(n) }));
  // A model may carry both; real-world lon/lat wins over a drawing's projected coordinates.
  return files.some((f) => f.lonLat) ? files.filter((f) => f.lonLat) : files;
}

function* coordRows(file: string): Generator<[string, number, number]> {
  const text = readFileSync(file, 'latin1');
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).trim();
    pos = end + 1;
    if (!line || line.startsWith('!') || line.startsWith('//')) continue;
    const parts = line.split(/[\s,]+/);
    if (parts.length < 3) continue;
    const x = Number(parts[1]);
    const y = Number(parts[2]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    yield [busName(parts[0]!), x, y];
  }
}

const EARTH_R = 6_378_137;
const DEG = 180 / Math.PI;

/** Projected coordinates → lon/lat on a local tangent plane around `origin`. */
interface Projection {
  cx: number;
  cy: number;
  scale: number;
  origin: [number, number];
}
function project(p: Projection, x: number, y: number): [number, number] {
  const [lon0, lat0] = p.origin;
  const dx = (x - p.cx) * p.scale;
  const dy = (y - p.cy) * p.scale;
  return [lon0 + (dx / (EARTH_R * Math.cos(lat0 / DEG))) * DEG, lat0 + (dy / EARTH_R) * DEG];
}

// ---------------------------------------------------------------------------------------------
// Identifiers

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Model names → ids the contract accepts (`[A-Za-z0-9_.:-]`, ≤ 64), stable and readable. */
export function cleanId(raw: string): string {
  let s = raw
    .replace(/\(r:/gi, '_')
    .replace(/[()]/g, '')
    .replace(/[^A-Za-z0-9_.:-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  if (!s) s = 'x';
  if (s.length > 64) s = `${s.slice(0, 55)}-${fnv1a(raw).toString(36)}`;
  return s;
}

class IdSet {
  private readonly used = new Set<string>();
  take(raw: string): string {
    const base = cleanId(raw);
    let id = base;
    for (let n = 2; this.used.has(id.toLowerCase()); n++) id = `${base.slice(0, 58)}-${n}`;
    this.used.add(id.toLowerCase());
    return id;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

// ---------------------------------------------------------------------------------------------
// Tracing one substation

/** Intermediate station area, finished (zone, grid, ids) once all substations are in. */
interface StationArea {
  id: string;
  name: string;
  feeder: string;
  device: string;
  kva: number;
  lon: number;
  lat: number;
}
interface Meter {
  id: string;
  area: number;
  lon: number;
  lat: number;
  kv: number;
  kw: number;
  phases: number;
  name: string;
}

interface Builder {
  ids: { sub: IdSet; feeder: IdSet; device: IdSet; area: IdSet; customer: IdSet };
  substations: Substation[];
  feeders: Feeder[];
  devices: Device[];
  areas: StationArea[];
  meters: Meter[];
  report: ImportReport;
  projection: Projection | null;
  sourceOverride: string | null;
}

const LV_MAX_KV = 1;

/** One substation: read, build the graph, walk it from the source, place what the walk found. */
function traceSubstation(b: Builder, spec: SubstationDir) {
  const model = readSubstation(b, spec);
  const roles = transformerRoles(model, spec, b.report);
  const graph = buildGraph(model, roles, b.report, spec.name);
  const source = findSource(model, graph, roles, spec, b);
  const subTx = roles.subTx >= 0 ? model.transformers[roles.subTx]! : null;
  const subName = spec.dir === null && subTx?.subname ? subTx.subname : spec.name;
  const out = new SubstationOut(b, model, spec, b.ids.sub.take(subName));
  const walk = walkFromSource(model, graph, source, out);
  walkLvIslands(model, graph, roles, walk);
  const anchors = new FeederAnchors(model, walk, spec.feeders.length);
  const areaOfTx = placeStationAreas(b, model, roles, walk, out, anchors);
  placeMeters(b, model, roles, walk, out, anchors, areaOfTx, spec.name);
  for (const d of out.devices) {
    if (!Number.isNaN(d.lon)) continue;
    const p = anchors.position(out.feederIds.indexOf(d.feeder));
    if (p) [d.lon, d.lat] = p;
  }
  feederPaths(model, graph, walk, out.feeders);

  // The substation: its transformer's position, else the source's, else the first head breaker's.
  let pos: [number, number] | null = null;
  if (subTx) for (const bus of [...subTx.buses].reverse()) pos ??= model.xy(bus);
  if (!pos && source >= 0) pos = model.xy(source);
  for (const h of out.heads) if (!pos && h >= 0 && !Number.isNaN(out.devices[h]!.lon)) pos = [out.devices[h]!.lon, out.devices[h]!.lat];
  if (!pos) b.report.warnings.push(`${spec.name}: substation has no position`);
  b.substations.push({ id: out.subId, name: `变电站 ${subName} / Substation ${subName}`, lon: pos?.[0] ?? NaN, lat: pos?.[1] ?? NaN });
  b.feeders.push(...out.feeders);
  b.devices.push(...out.devices);
}

/** Reads the substation-level folder (feeder -1) and each feeder folder into one model. */
function readSubstation(b: Builder, spec: SubstationDir): Model {
  const model = new Model();
  const { report } = b;
  const coordFiles: CoordFile[] = [];
  for (const dir of [spec.dir, ...spec.feeders.map((f) => f.dir)]) if (dir) coordFiles.push(...coordFilesIn(dir));
  const dssCoordFiles: CoordFile[] = [];
  const seen = new Set<string>();
  const readDir = (dir: string, feeder: number) => {
    const names = readdirSync(dir).filter((n) => /\.dss$/i.test(n) && !/coord/i.test(n) && !isDir(path.join(dir, n)));
    const master = names.filter((n) => /^master/i.test(n)).sort();
    // With a Master file, OpenDSS reads only what it redirects to; without, every .dss file here.
    const files = master.length ? master : names.sort(naturalCompare);
    for (const n of files) readDss(model, path.join(dir, n), feeder, master.length > 0, dssCoordFiles, seen);
  };
  if (spec.dir) readDir(spec.dir, -1);
  spec.feeders.forEach((f, i) => readDir(f.dir, i));
  for (const cf of dssCoordFiles) if (!coordFiles.some((c) => path.resolve(c.file) === cf.file)) coordFiles.push(cf);
  loadCoords(b, model, coordFiles);
  report.files += model.files + coordFiles.length;
  report.model.loads += model.loads.length;
  report.model.lines += model.lines.length;
  report.model.disabledLines += model.disabledLines;

  // Control objects (Fuse, Recloser, Relay, SwtControl) name the line they act on.
  for (const [lineName, kind] of model.controls) {
    const li = model.lineByName.get(lineName);
    if (li === undefined) report.warnings.push(`${spec.name}: ${kind} on unknown or disabled line ${lineName}`);
    else model.lines[li]!.kind = kind;
  }
  // `Open Line.x` / `Disable Line.x`: a normally-open point, no edge.
  for (const name of model.switchedOff) {
    const li = model.lineByName.get(name);
    if (li === undefined) continue;
    const line = model.lines[li]!;
    line.open = true;
    model.openEnds.add(line.a).add(line.b);
  }
  return model;
}

/** Service transformers (lowest winding below 1 kV) and the substation transformer. */
interface TransformerRoles {
  service: Uint8Array;
  hvBus: Int32Array;
  lvBus: Int32Array;
  subTx: number;
}

function transformerRoles(model: Model, spec: SubstationDir, report: ImportReport): TransformerRoles {
  const n = model.transformers.length;
  const roles: TransformerRoles = { service: new Uint8Array(n), hvBus: new Int32Array(n), lvBus: new Int32Array(n).fill(-1), subTx: -1 };
  // The substation transformer: flagged sub=y, else the highest-voltage non-service transformer
  // at substation level (or anywhere in a single-circuit model) of at least 30 kV.
  let subScore = -1;
  for (let t = 0; t < n; t++) {
    const tx = model.transformers[t]!;
    const minKv = Math.min(...tx.kvs);
    const maxKv = Math.max(...tx.kvs);
    roles.hvBus[t] = tx.buses[tx.kvs.indexOf(maxKv)]!;
    if (minKv < LV_MAX_KV && maxKv >= LV_MAX_KV) {
      roles.service[t] = 1;
      roles.lvBus[t] = tx.buses[tx.kvs.indexOf(minKv)]!;
      report.model.serviceTransformers++;
      continue;
    }
    if (!tx.sub && !(maxKv >= 30 && (tx.feeder < 0 || spec.dir === null))) continue;
    const score = (tx.sub ? 1e6 : 0) + maxKv;
    if (score > subScore) {
      roles.subTx = t;
      subScore = score;
    }
  }
  return roles;
}

/** 0 line, 1 walk-through link (reactor, MV transformer, bridged gap), 2 service transformer HV→LV. */
type EdgeKind = 0 | 1 | 2;

/** The substation's network in CSR form: edges of bus `i` are adj[start[i] .. start[i+1]). */
interface Graph {
  ea: number[];
  eb: number[];
  ek: EdgeKind[];
  /** Index of the line or transformer in the model (-1 for links). */
  eref: number[];
  /** Feeder folder the element came from; -1 at substation level. */
  efeeder: number[];
  start: Int32Array;
  adj: Int32Array;
}

function buildGraph(model: Model, roles: TransformerRoles, report: ImportReport, where: string): Graph {
  const g: Graph = { ea: [], eb: [], ek: [], eref: [], efeeder: [], start: new Int32Array(0), adj: new Int32Array(0) };
  const add = (a: number, c: number, kind: EdgeKind, ref: number, feeder: number) => {
    g.ea.push(a), g.eb.push(c), g.ek.push(kind), g.eref.push(ref), g.efeeder.push(feeder);
  };
  model.lines.forEach((l, i) => !l.open && add(l.a, l.b, 0, i, l.feeder));
  for (const l of model.links) add(l.a, l.b, 1, -1, l.feeder);
  for (let t = 0; t < model.transformers.length; t++) {
    const tx = model.transformers[t]!;
    const hv = roles.hvBus[t]!;
    const seen = new Set([hv]);
    for (const other of tx.buses) {
      if (seen.has(other)) continue;
      seen.add(other);
      add(hv, other, roles.service[t] ? 2 : 1, t, tx.feeder);
    }
  }
  bridgeGaps(model, g, report, where);
  const nBus = model.busNames.length;
  const start = new Int32Array(nBus + 1);
  for (let e = 0; e < g.ea.length; e++) start[g.ea[e]! + 1]!++, start[g.eb[e]! + 1]!++;
  for (let i = 0; i < nBus; i++) start[i + 1]! += start[i]!;
  const adj = new Int32Array(start[nBus]!);
  const fill = start.slice(0, nBus);
  for (let e = 0; e < g.ea.length; e++) adj[fill[g.ea[e]!]!++] = e, adj[fill[g.eb[e]!]!++] = e;
  g.start = start;
  g.adj = adj;
  return g;
}

/**
 * The source: --source, what the model says (circuit), a bus called sourcebus, the substation
 * transformer's HV side, or the SMART-DS feeder head `<feeder>-<sub>x`.
 */
function findSource(model: Model, g: Graph, roles: TransformerRoles, spec: SubstationDir, b: Builder): number {
  const connected = (bus: number | undefined): bus is number => bus !== undefined && bus >= 0 && g.start[bus + 1]! > g.start[bus]!;
  if (b.sourceOverride) {
    const bus = model.busIndex.get(b.sourceOverride.toLowerCase());
    if (bus === undefined) throw new Error(`${spec.name}: --source bus "${b.sourceOverride}" is not in the model`);
    return bus;
  }
  if (connected(model.sources[0])) return model.sources[0];
  const sourcebus = model.busIndex.get('sourcebus');
  if (connected(sourcebus)) return sourcebus;
  if (roles.subTx >= 0) return roles.hvBus[roles.subTx]!;
  for (const f of spec.feeders) {
    const head = model.busIndex.get(`${f.name}-${spec.name}x`.toLowerCase());
    if (connected(head)) return head;
  }
  if (!model.lines.length) return -1;
  const bus = model.lines[0]!.a;
  b.report.warnings.push(`${spec.name}: no source found (no circuit, substation transformer or feeder head bus); tracing from ${model.busNames[bus]} — pass --source <bus>`);
  return bus;
}

/** A substation's feeders and devices as they are found, with synthetic head breakers. */
class SubstationOut {
  readonly feederIds: string[];
  readonly feeders: Feeder[];
  readonly devices: Device[] = [];
  /** Head breaker (index into devices) per feeder, -1 until the walk enters the feeder. */
  readonly heads: number[];
  private readonly byStem = new Map<string, number>();

  constructor(
    private readonly b: Builder,
    private readonly model: Model,
    spec: SubstationDir,
    readonly subId: string,
  ) {
    this.feederIds = spec.feeders.map((f) => b.ids.feeder.take(f.id));
    this.feeders = spec.feeders.map((f, i) => ({ id: this.feederIds[i]!, substation: subId, name: f.name, paths: [] }));
    this.heads = spec.feeders.map(() => -1);
  }

  /**
   * The feeder breaker sits in the substation; models keep it at substation level or leave it
   * out, so every feeder gets one where the walk enters it (`at`: a bus with coordinates).
   */
  head(f: number, at = -1): number {
    if (this.heads[f]! < 0) {
      this.heads[f] = this.devices.length;
      const id = this.b.ids.device.take(`${this.feederIds[f]}-CB`);
      const [lon, lat] = at >= 0 ? [this.model.x[at]!, this.model.y[at]!] : [NaN, NaN];
      this.devices.push({ id, feeder: this.feederIds[f]!, kind: 'breaker', parent: null, fci: false, lon, lat });
    }
    return this.heads[f]!;
  }

  /** The device a switching/protective line stands for, created on first sight. */
  lineDevice(line: LineRec & { kind: DeviceKind }, f: number, parent: number, at: number): number {
    // SMART-DS splits one switched cable section into two switch lines `x(r:a-b)u_1` and
    // `x(r:a-b)u_2`: one device for the section, not two indistinguishable ones.
    const name = line.name.replace(/\)u_\d+$/, ')');
    const stem = name.toLowerCase();
    let d = this.byStem.get(stem);
    if (d === undefined) {
      d = this.devices.length;
      this.devices.push({
        id: this.b.ids.device.take(name),
        feeder: this.feederIds[f]!,
        kind: line.kind,
        parent: parent >= 0 ? this.devices[parent]!.id : null,
        fci: line.kind === 'switch' || line.kind === 'recloser',
        lon: at >= 0 ? this.model.x[at]! : NaN,
        lat: at >= 0 ? this.model.y[at]! : NaN,
      });
      this.byStem.set(stem, d);
    }
    return d;
  }
}

/** What the walk leaves per bus and per transformer (indices; -1 for none). */
interface Walk {
  /** Buses in visiting order: [0, reached) from the source, then LV islands. */
  order: Int32Array;
  reached: number;
  visited: Uint8Array;
  feeder: Int32Array;
  /** Nearest switching/protective device upstream (index into SubstationOut.devices). */
  device: Int32Array;
  /** Serving service transformer (set below a transformer's LV side). */
  tx: Int32Array;
  /** Nearest bus with coordinates, the bus itself or upstream. */
  pos: Int32Array;
  parentEdge: Int32Array;
  txDevice: Int32Array;
  txFeeder: Int32Array;
}

/** Breadth-first from the source, carrying feeder, nearest device and serving transformer down. */
function walkFromSource(model: Model, g: Graph, source: number, out: SubstationOut): Walk {
  const nBus = model.busNames.length;
  const nTx = model.transformers.length;
  const w: Walk = {
    order: new Int32Array(nBus),
    reached: 0,
    visited: new Uint8Array(nBus),
    feeder: new Int32Array(nBus).fill(-1),
    device: new Int32Array(nBus).fill(-1),
    tx: new Int32Array(nBus).fill(-1),
    pos: new Int32Array(nBus).fill(-1),
    parentEdge: new Int32Array(nBus).fill(-1),
    txDevice: new Int32Array(nTx).fill(-1),
    txFeeder: new Int32Array(nTx).fill(-1),
  };
  if (source < 0) return w;
  const { ea, eb, ek, eref, efeeder, start, adj } = g;
  let head = 0;
  let tail = 0;
  w.visited[source] = 1;
  w.pos[source] = model.hasXY(source) ? source : -1;
  w.order[tail++] = source;
  while (head < tail) {
    const u = w.order[head++]!;
    for (let k = start[u]!; k < start[u + 1]!; k++) {
      const e = adj[k]!;
      const v = ea[e] === u ? eb[e]! : ea[e]!;
      if (w.visited[v]) continue;
      const kind = ek[e]!;
      // A service transformer is only ever entered from its HV side.
      if (kind === 2 && ea[e] !== u) continue;
      w.visited[v] = 1;
      w.order[tail++] = v;
      w.parentEdge[v] = e;
      w.pos[v] = model.hasXY(v) ? v : w.pos[u]!;
      const at = w.pos[u]! >= 0 ? w.pos[u]! : w.pos[v]!;
      const f = efeeder[e]! >= 0 ? efeeder[e]! : w.feeder[u]!;
      let dev = w.device[u]!;
      if (f >= 0 && f !== w.feeder[u]) dev = out.head(f, at);
      w.feeder[v] = f;
      w.tx[v] = w.tx[u]!;
      if (kind === 0) {
        const line = model.lines[eref[e]!]!;
        if (line.kind && f >= 0) dev = out.lineDevice(line as LineRec & { kind: DeviceKind }, f, dev, at);
      } else if (kind === 2) {
        const t = eref[e]!;
        w.tx[v] = t;
        w.txDevice[t] = dev;
        w.txFeeder[t] = f;
      }
      w.device[v] = dev;
    }
  }
  w.reached = tail;
  return w;
}

/**
 * Loads off the source: walks LV lines out from the LV buses of transformers the source walk
 * never reached (a model whose MV side is cut), to still find each load's transformer.
 */
function walkLvIslands(model: Model, g: Graph, roles: TransformerRoles, w: Walk) {
  const { ea, eb, ek, start, adj } = g;
  let tail = w.reached;
  for (let t = 0; t < model.transformers.length; t++) {
    if (!roles.service[t] || w.txDevice[t]! >= 0) continue;
    const lv = roles.lvBus[t]!;
    if (w.visited[lv]) continue;
    w.visited[lv] = 1;
    w.tx[lv] = t;
    w.pos[lv] = model.hasXY(lv) ? lv : -1;
    w.order[tail++] = lv;
  }
  let head = w.reached;
  while (head < tail) {
    const u = w.order[head++]!;
    for (let k = start[u]!; k < start[u + 1]!; k++) {
      const e = adj[k]!;
      if (ek[e] !== 0) continue;
      const v = ea[e] === u ? eb[e]! : ea[e]!;
      if (w.visited[v]) continue;
      w.visited[v] = 1;
      w.order[tail++] = v;
      w.tx[v] = w.tx[u]!;
      w.pos[v] = model.hasXY(v) ? v : w.pos[u]!;
    }
  }
}

/** Where a feeder element without any coordinates goes: the feeder's first positioned bus. */
class FeederAnchors {
  private readonly first: Int32Array;

  constructor(
    private readonly model: Model,
    w: Walk,
    feeders: number,
  ) {
    this.first = new Int32Array(feeders).fill(-1);
    for (let i = 0; i < w.reached; i++) {
      const v = w.order[i]!;
      const f = w.feeder[v]!;
      if (f >= 0 && this.first[f]! < 0 && w.pos[v]! >= 0) this.first[f] = w.pos[v]!;
    }
  }

  position(f: number): [number, number] | null {
    const p = this.first[f] ?? -1;
    if (p >= 0) return this.model.xy(p);
    for (const q of this.first) if (q >= 0) return this.model.xy(q);
    return null;
  }
}

function addArea(b: Builder, out: SubstationOut, anchors: FeederAnchors, raw: string, name: string, f: number, dev: number, kva: number, pos: [number, number] | null): number {
  let p = pos;
  if (!p) {
    p = anchors.position(f);
    b.report.transformersWithoutPosition.push(raw);
  }
  b.areas.push({
    id: b.ids.area.take(raw),
    name,
    feeder: out.feederIds[f]!,
    device: out.devices[dev]!.id,
    kva,
    lon: p ? p[0] : NaN,
    lat: p ? p[1] : NaN,
  });
  return b.areas.length - 1;
}

/** One station area per service transformer, at its HV bus (else LV, else upstream). */
function placeStationAreas(b: Builder, model: Model, roles: TransformerRoles, w: Walk, out: SubstationOut, anchors: FeederAnchors): Int32Array {
  const { report } = b;
  const areaOfTx = new Int32Array(model.transformers.length).fill(-1);
  for (let t = 0; t < model.transformers.length; t++) {
    if (!roles.service[t]) continue;
    const tx = model.transformers[t]!;
    let f = w.txFeeder[t]!;
    let dev = w.txDevice[t]!;
    if (dev < 0) {
      f = tx.feeder >= 0 ? tx.feeder : 0;
      dev = out.head(f);
      report.transformersOffSource.push(tx.name);
    }
    const hv = roles.hvBus[t]!;
    const lv = roles.lvBus[t]!;
    let pos = model.xy(hv) ?? model.xy(lv);
    if (!pos) {
      const up = w.pos[hv]! >= 0 ? w.pos[hv]! : w.pos[lv]!;
      if (up >= 0) {
        pos = model.xy(up);
        report.transformersPositionedUpstream.push(tx.name);
      }
    }
    areaOfTx[t] = addArea(b, out, anchors, tx.name, `台区 ${tx.name} / Station area ${tx.name}`, f, dev, tx.kva, pos);
  }
  return areaOfTx;
}

/**
 * Loads → meters at their transformer. MV-connected loads (no service transformer upstream) get
 * a dedicated station area per bus, as a Chinese utility meters a 专变 customer at its own
 * transformer.
 */
function placeMeters(b: Builder, model: Model, roles: TransformerRoles, w: Walk, out: SubstationOut, anchors: FeederAnchors, areaOfTx: Int32Array, where: string) {
  const { report } = b;
  const loadsPerTx = new Int32Array(model.transformers.length);
  const dedicatedAt = new Map<number, number>();
  for (const load of model.loads) {
    const bus = load.bus;
    let area = -1;
    const t = w.tx[bus]!;
    if (t >= 0) {
      area = areaOfTx[t]!;
      loadsPerTx[t]!++;
      if (w.feeder[bus]! < 0 && w.txDevice[t]! < 0) report.loadsOffSource++;
    } else if (w.visited[bus] || load.kv >= LV_MAX_KV) {
      area = dedicatedAt.get(bus) ?? -1;
      if (area < 0) {
        let f = w.feeder[bus]!;
        let dev = w.device[bus]!;
        if (dev < 0) {
          f = load.feeder >= 0 ? load.feeder : 0;
          dev = out.head(f);
          if (!w.visited[bus]) report.loadsOffSource++;
        }
        const up = w.pos[bus]!;
        const pos = model.xy(bus) ?? (up >= 0 ? model.xy(up) : null);
        area = addArea(b, out, anchors, `ZB-${model.busNames[bus]}`, `专变 ${load.name} / Dedicated ${load.name}`, f, dev, dedicatedKva(load.kw), pos);
        dedicatedAt.set(bus, area);
        report.dedicated++;
      } else {
        b.areas[area]!.kva = Math.max(b.areas[area]!.kva, dedicatedKva(load.kw));
      }
    }
    if (area < 0) {
      report.unplacedLoads.push(`${where}/${load.name} (bus ${model.busNames[bus]})`);
      continue;
    }
    const a = b.areas[area]!;
    let [lon, lat] = [model.x[bus]!, model.y[bus]!];
    if (Number.isNaN(lon)) {
      [lon, lat] = [a.lon, a.lat];
      report.loadsWithoutCoords++;
    }
    b.meters.push({ id: b.ids.customer.take(load.name), area, lon, lat, kv: load.kv, kw: load.kw, phases: load.phases, name: load.name });
  }
  for (let t = 0; t < model.transformers.length; t++) if (roles.service[t] && loadsPerTx[t] === 0) report.transformersWithoutLoads++;
}

/**
 * Feeder geometry: the MV lines of the walk tree chained into long polylines (a branch starts a
 * new one), rounded to 5 decimals (~1 m), repeated points dropped. Buses without coordinates
 * are skipped over (their children hang from the nearest positioned ancestor).
 */
function feederPaths(model: Model, g: Graph, w: Walk, feeders: Feeder[]) {
  const nBus = model.busNames.length;
  const polyOf = new Int32Array(nBus).fill(-1);
  const polys: { feeder: number; pts: number[] }[] = [];
  for (let i = 1; i < w.reached; i++) {
    const v = w.order[i]!;
    const e = w.parentEdge[v]!;
    const f = w.feeder[v]!;
    if (e < 0 || f < 0 || w.tx[v]! >= 0 || !model.hasXY(v)) continue;
    const u = g.ea[e] === v ? g.eb[e]! : g.ea[e]!;
    const p = w.pos[u]!;
    if (p < 0) continue;
    // The first child of a polyline's tail extends it; any other child starts a new polyline.
    const poly = polyOf[p]!;
    const pts = poly >= 0 ? polys[poly]! : null;
    if (pts && pts.feeder === f && pts.pts[pts.pts.length - 1] === p) {
      polyOf[v] = poly;
      pts.pts.push(v);
    } else {
      polyOf[v] = polys.length;
      polys.push({ feeder: f, pts: [p, v] });
    }
  }
  for (const poly of polys) {
    const line: [number, number][] = [];
    for (const bus of poly.pts) {
      const pt: [number, number] = [round(model.x[bus]!, 5), round(model.y[bus]!, 5)];
      const last = line[line.length - 1];
      if (!last || last[0] !== pt[0] || last[1] !== pt[1]) line.push(pt);
    }
    if (line.length >= 2) feeders[poly.feeder]!.paths.push(line);
  }
}

/**
 * SMART-DS names the buses inside a section between buses A and B `A-Bx`, `A-Bxx`, `A-Bxxx`.
 * The published models have dangling section ends (a fuse or link element missing, or the
 * substation side naming the feeder head `sub-feederx` while the feeder says `feeder-subx`), which
 * cut whole laterals off the source. Join each dangling section end to its other-end twin, else
 * to the nearer of A and B. Only dangling buses (one edge) are touched.
 */
function bridgeGaps(model: Model, g: Graph, report: ImportReport, where: string) {
  const { ea, eb, ek, eref, efeeder } = g;
  const nBus = model.busNames.length;
  const degree = new Int32Array(nBus);
  const edgeOf = new Int32Array(nBus).fill(-1);
  for (let e = 0; e < ea.length; e++) {
    degree[ea[e]!]!++, degree[eb[e]!]!++;
    edgeOf[ea[e]!] = e;
    edgeOf[eb[e]!] = e;
  }
  const dist = (i: number, j: number) => Math.hypot(model.x[i]! - model.x[j]!, model.y[i]! - model.y[j]!);
  for (let i = 0; i < nBus; i++) {
    if (degree[i] !== 1 || model.openEnds.has(i)) continue;
    const m = /^(.+?)-(.+?)(x+)$/.exec(model.busNames[i]!);
    if (!m) continue;
    const [, a, bName, xs] = m as unknown as [string, string, string, string];
    const e = edgeOf[i]!;
    const neighbour = ea[e] === i ? eb[e]! : ea[e]!;
    let target = -1;
    for (const suffix of ['x', 'xx', 'xxx']) {
      const j = model.busIndex.get(`${bName}-${a}${suffix}`);
      if (j !== undefined && j !== i && degree[j] === 1) {
        target = j;
        break;
      }
    }
    if (target < 0) {
      const ends = [model.busIndex.get(a), model.busIndex.get(bName)].filter((j): j is number => j !== undefined && j !== neighbour && degree[j]! > 0);
      if (!ends.length) continue;
      if (ends.length === 2 && model.hasXY(i) && model.hasXY(ends[0]!) && model.hasXY(ends[1]!)) {
        target = dist(i, ends[0]!) <= dist(i, ends[1]!) ? ends[0]! : ends[1]!;
      } else {
        target = ends.length === 2 ? ends[xs.length === 1 ? 0 : 1]! : ends[0]!;
      }
    }
    ea.push(i), eb.push(target), ek.push(1), eref.push(-1), efeeder.push(efeeder[e]!);
    degree[i]!++, degree[target]!++;
    report.gapsBridged.push(`${where}: ${model.busNames[i]} ~ ${model.busNames[target]}`);
  }
}

function dedicatedKva(kw: number): number {
  const need = kw / 0.8;
  for (const size of [50, 100, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000]) {
    if (size >= need) return size;
  }
  return Math.ceil(need / 1000) * 1000;
}

function loadCoords(b: Builder, model: Model, files: CoordFile[]) {
  for (const cf of files) {
    for (const [name, x, y] of coordRows(cf.file)) {
      const i = model.bus(name);
      if (!Number.isNaN(model.x[i]!)) continue;
      // A coordinate file named only by a `Buscoords` command, when nothing else is projected:
      // take values that can be lon/lat as such.
      if (cf.lonLat || (!b.projection && Math.abs(x) <= 180 && Math.abs(y) <= 90)) {
        model.x[i] = x;
        model.y[i] = y;
      } else if (b.projection) {
        const [lon, lat] = project(b.projection, x, y);
        model.x[i] = lon;
        model.y[i] = lat;
      }
    }
  }
}

/** Bounding-box centre of all projected coordinates, so the whole import sits around --origin. */
function projectionFor(subs: SubstationDir[], options: ImportOptions): Projection | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let any = false;
  for (const s of subs) {
    for (const dir of [s.dir, ...s.feeders.map((f) => f.dir)]) {
      if (!dir) continue;
      for (const cf of coordFilesIn(dir)) {
        if (cf.lonLat) return null;
        for (const [, x, y] of coordRows(cf.file)) {
          any = true;
          if (x < minX) minX = x;
          if (x > maxX) maxX = x;
          if (y < minY) minY = y;
          if (y > maxY) maxY = y;
        }
      }
    }
  }
  if (!any) return null;
  return {
    cx: (minX + maxX) / 2,
    cy: (minY + maxY) / 2,
    scale: options.coordUnits === 'm' ? 1 : 0.3048,
    origin: options.origin ?? YANTAI,
  };
}

// ---------------------------------------------------------------------------------------------
// Network-wide finishing: zones, grids, ids, customer profiles

const KM_PER_DEG_LAT = 110.574;
const kmPerDegLon = (lat: number) => 111.32 * Math.cos(lat / DEG);

/**
 * Zone by how many meters lie within 500 m of a station area: a city block has hundreds, a
 * village tens, a remote line a handful. Counted in meters, not transformers, because a US
 * transformer serves 3 customers where a Chinese station area serves 30. Grid-hashed: linear.
 */
function zones(areas: StationArea[], metersOf: Int32Array, centreLat: number): Zone[] {
  const R = 0.5;
  const kx = kmPerDegLon(centreLat);
  const cell = new Map<string, number[]>();
  const key = (cx: number, cy: number) => `${cx},${cy}`;
  const xs = areas.map((a) => a.lon * kx);
  const ys = areas.map((a) => a.lat * KM_PER_DEG_LAT);
  areas.forEach((_, i) => {
    const k = key(Math.floor(xs[i]! / R), Math.floor(ys[i]! / R));
    let l = cell.get(k);
    if (!l) cell.set(k, (l = []));
    l.push(i);
  });
  return areas.map((_, i) => {
    const cx = Math.floor(xs[i]! / R);
    const cy = Math.floor(ys[i]! / R);
    let n = 0;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of cell.get(key(cx + dx, cy + dy)) ?? []) {
          if (Math.hypot(xs[j]! - xs[i]!, ys[j]! - ys[i]!) <= R) n += metersOf[j]!;
        }
      }
    }
    return n >= 120 ? 'urban' : n >= 8 ? 'rural' : 'remote';
  });
}

/** Position along a Hilbert curve over a 2^16 grid: nearby station areas get nearby keys. */
function hilbert(x: number, y: number): number {
  let d = 0;
  for (let s = 1 << 15; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      const t = x;
      x = y;
      y = t;
    }
  }
  return d;
}

/** Service grids of 10–15 spatially neighbouring station areas within each feeder, one team each. */
function assignGrids(areas: StationArea[], feeders: Feeder[], teams: Team[], grids: Grid[]): string[] {
  const out: string[] = new Array(areas.length);
  const byFeeder = new Map<string, number[]>();
  areas.forEach((a, i) => {
    let l = byFeeder.get(a.feeder);
    if (!l) byFeeder.set(a.feeder, (l = []));
    l.push(i);
  });
  for (const f of feeders) {
    const members = byFeeder.get(f.id);
    if (!members?.length) continue;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const i of members) {
      const a = areas[i]!;
      minX = Math.min(minX, a.lon), maxX = Math.max(maxX, a.lon);
      minY = Math.min(minY, a.lat), maxY = Math.max(maxY, a.lat);
    }
    const span = Math.max(maxX - minX, maxY - minY) || 1;
    const keyOf = new Map(members.map((i) => [i, hilbert(Math.floor(((areas[i]!.lon - minX) / span) * 65535), Math.floor(((areas[i]!.lat - minY) / span) * 65535))]));
    members.sort((p, q) => keyOf.get(p)! - keyOf.get(q)! || p - q);
    const groups = Math.max(1, Math.round(members.length / 12.5));
    for (let g = 0; g < groups; g++) {
      const n = grids.length + 1;
      const team: Team = { id: `TEAM${pad(n, 4)}`, name: `网格服务队 ${n} / Grid team ${n}` };
      const grid: Grid = { id: `G${pad(n, 4)}`, name: `网格 ${n} / Grid ${n} (${f.name})`, team: team.id };
      teams.push(team);
      grids.push(grid);
      const from = Math.floor((g * members.length) / groups);
      const to = Math.floor(((g + 1) * members.length) / groups);
      for (let k = from; k < to; k++) out[members[k]!] = grid.id;
    }
  }
  return out;
}

/**
 * What the model tells: MV customers are industrial; 480 V three-phase service is commercial
 * (industrial when large); 120/240 V split-phase is residential; names may say more.
 */
function customerType(m: Meter): CustomerType {
  const n = m.name.toLowerCase();
  if (/(^|[^a-z])(hosp|clinic|critical|water)/.test(n)) return 'critical';
  if (/(^|[^a-z])ind/.test(n)) return 'industrial';
  if (/(^|[^a-z])(com|shop|office|retail)/.test(n)) return 'commercial';
  if (/(^|[^a-z])(res|house|home)/.test(n)) return 'residential';
  if (m.kv >= LV_MAX_KV) return 'industrial';
  if (m.kv >= 0.4) return m.kw >= 150 ? 'industrial' : 'commercial';
  if (m.phases >= 3 && m.kw >= 20) return 'commercial';
  return 'residential';
}

const CHANNELS = ['app', 'app', 'wechat', 'hall'] as const;

function seedOf(folder: string) {
  return fnv1a(path.basename(path.resolve(folder)));
}

// ---------------------------------------------------------------------------------------------

export function importOpenDss(folder: string, options: ImportOptions = {}): ImportResult {
  const root = path.resolve(folder);
  if (!isDir(root)) throw new Error(`${root}: not a folder`);
  const { layout, substations } = findLayout(root);
  const report: ImportReport = {
    layout,
    files: 0,
    counts: { substations: 0, feeders: 0, devices: { breaker: 0, recloser: 0, switch: 0, fuse: 0 }, transformers: 0, customers: 0, grids: 0 },
    model: { loads: 0, serviceTransformers: 0, lines: 0, disabledLines: 0 },
    dedicated: 0,
    unplacedLoads: [],
    loadsOffSource: 0,
    transformersOffSource: [],
    transformersPositionedUpstream: [],
    transformersWithoutPosition: [],
    loadsWithoutCoords: 0,
    transformersWithoutLoads: 0,
    gapsBridged: [],
    warnings: [],
  };
  const b: Builder = {
    ids: { sub: new IdSet(), feeder: new IdSet(), device: new IdSet(), area: new IdSet(), customer: new IdSet() },
    substations: [],
    feeders: [],
    devices: [],
    areas: [],
    meters: [],
    report,
    projection: projectionFor(substations, options),
    sourceOverride: options.source ?? null,
  };
  for (const s of substations) traceSubstation(b, s);

  // Centre: middle of the station areas' bounding box.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const a of b.areas) {
    if (Number.isNaN(a.lon)) continue;
    minX = Math.min(minX, a.lon), maxX = Math.max(maxX, a.lon);
    minY = Math.min(minY, a.lat), maxY = Math.max(maxY, a.lat);
  }
  const centre: [number, number] = Number.isFinite(minX) ? [round((minX + maxX) / 2, 6), round((minY + maxY) / 2, 6)] : options.origin ?? YANTAI;
  // Anything still without a position (a model without coordinates) goes to the centre.
  const placeAtCentre = (o: { lon: number; lat: number }) => {
    if (Number.isNaN(o.lon)) [o.lon, o.lat] = centre;
    o.lon = round(o.lon, 6);
    o.lat = round(o.lat, 6);
  };
  b.substations.forEach(placeAtCentre);
  b.devices.forEach(placeAtCentre);
  b.areas.forEach(placeAtCentre);

  const teams: Team[] = [];
  const grids: Grid[] = [];
  const gridOf = assignGrids(b.areas, b.feeders, teams, grids);
  const metersOf = new Int32Array(b.areas.length);
  for (const m of b.meters) metersOf[m.area]!++;
  const zoneOf = zones(b.areas, metersOf, centre[1]);
  const transformers: Transformer[] = b.areas.map((a, i) => ({
    id: a.id,
    name: a.name,
    feeder: a.feeder,
    device: a.device,
    grid: gridOf[i]!,
    concentrator: `DCU-${pad(i + 1, 6)}`,
    zone: zoneOf[i]!,
    kva: a.kva,
    lon: a.lon,
    lat: a.lat,
  }));

  // Customer profiles, seeded by the folder name so the same data gives the same file.
  const rng: Rng = createRng(options.seed ?? seedOf(root));
  const customers: Customer[] = new Array(b.meters.length);
  for (let i = 0; i < b.meters.length; i++) {
    const m = b.meters[i]!;
    let type = customerType(m);
    // A few of the larger non-residential customers stand for hospitals and water works.
    if ((type === 'commercial' || type === 'industrial') && m.kw >= 30 && rng.chance(0.03)) type = 'critical';
    const sensitive = rng.chance(0.08) || type === 'critical';
    const channel = rng.chance(0.8) ? 'hotline' : rng.pick(CHANNELS);
    const lon = Number.isNaN(m.lon) ? transformers[m.area]!.lon : round(m.lon, 6);
    const lat = Number.isNaN(m.lat) ? transformers[m.area]!.lat : round(m.lat, 6);
    customers[i] = { id: m.id, meter: `M${pad(i + 1, 7)}`, transformer: transformers[m.area]!.id, type, sensitive, channel, lon, lat };
  }

  const base = path.basename(root);
  const network: NetworkFile = {
    format: 'gridwatch-network/1',
    id: options.id ?? cleanId(base),
    name: options.name ?? base,
    ...(options.attribution ? { attribution: options.attribution } : {}),
    centre,
    substations: b.substations,
    feeders: b.feeders,
    devices: b.devices,
    teams,
    grids,
    transformers,
    customers,
  };
  const c = report.counts;
  c.substations = b.substations.length;
  c.feeders = b.feeders.length;
  for (const d of b.devices) c.devices[d.kind]++;
  c.transformers = transformers.length;
  c.customers = customers.length;
  c.grids = grids.length;
  return { network, report };
}
