// Fake GridWatch server for developing the wall without the real one. A dev tool, not a product:
//   pnpm --filter @gridwatch/web build && pnpm exec tsx web/dev/fake-server.ts   (from /work/main)
// Serves web/dist, GET /api/config, GET /api/network/map and Socket.IO on :3000 (PORT to change).
// A fake outage appears and clears every ~20 s (OUTAGE_PERIOD_S); kpi:update every second.
// Flags (env): TILE_URL=... to exercise tiles, SKIP_SEQ=1 to skip a seq now and then (gap → resync),
// QUIET=1 for no outages at all.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { ACTIVE_OUTAGE_STATUSES, REALTIME_PATH, generateNetwork } from '@gridwatch/shared';
import type { ClientToServerEvents, KpiPoint, Kpis, MapNetwork, OutageDto, ServerToClientEvents, Snapshot } from '@gridwatch/shared';

const PORT = Number(process.env.PORT ?? 3000);
const PERIOD_MS = Number(process.env.OUTAGE_PERIOD_S ?? 20) * 1000;
const QUIET = !!process.env.QUIET;
const DIST = resolve(fileURLToPath(new URL('../dist', import.meta.url)));

const net = generateNetwork();
const version = 'fake-1';
const customersOf = new Map<string, number>();
for (const c of net.customers) customersOf.set(c.transformer, (customersOf.get(c.transformer) ?? 0) + 1);

const map: MapNetwork = {
  id: net.id,
  version,
  substations: net.substations.map(({ id, name, lon, lat }) => ({ id, name, lon, lat })),
  feeders: net.feeders.map((f) => ({ id: f.id, paths: f.paths as [number, number][][] })),
  transformers: net.transformers.map((t) => [t.id, t.lon, t.lat, customersOf.get(t.id) ?? 0]),
};
const lons = net.transformers.map((t) => t.lon);
const lats = net.transformers.map((t) => t.lat);
const summary: Snapshot['network'] = {
  id: net.id,
  name: net.name,
  version,
  counts: {
    substations: net.substations.length,
    feeders: net.feeders.length,
    devices: net.devices.length,
    transformers: net.transformers.length,
    customers: net.customers.length,
  },
  bounds: [
    [Math.min(...lons), Math.min(...lats)],
    [Math.max(...lons), Math.max(...lats)],
  ],
};

// ---- state ----
let seq = 0;
let stored = 1_250_000;
const outages = new Map<string, OutageDto>();
const history: KpiPoint[] = [];
let kpis: Kpis = makeKpis();

function makeKpis(): Kpis {
  const active = [...outages.values()].filter((o) => ACTIVE_OUTAGE_STATUSES.includes(o.status));
  const readingsPerSec = 40 + Math.random() * 8;
  return {
    at: Date.now(),
    messagesPerSec: readingsPerSec + 3 + Math.random() * 2,
    readingsPerSec,
    readingsStored: stored,
    deadLetters: 0,
    activeOutages: active.length,
    customersOut: active.reduce((n, o) => n + o.customers, 0),
    customersServed: net.customers.length,
  };
}

function snapshot(): Snapshot {
  return { seq, serverTime: Date.now(), network: summary, outages: [...outages.values()], kpis, kpiHistory: history.slice(-720) };
}

const io = new Server<ClientToServerEvents, ServerToClientEvents>({ path: REALTIME_PATH, serveClient: false });
io.on('connection', (socket) => {
  socket.emit('snapshot', snapshot());
  socket.on('snapshot:get', (_req, ack) => {
    console.log(`snapshot:get from ${socket.id} at seq ${seq}`);
    ack({ data: snapshot() });
  });
});

function publish(changed: OutageDto[]) {
  seq += process.env.SKIP_SEQ && Math.random() < 0.3 ? 2 : 1;
  io.emit('outage:changed', { seq, outages: changed });
}

// ---- fake outage cycle: one fuse lateral (3 station areas) goes out, then restores ----
let cycle = 0;
function startOutage() {
  cycle++;
  const fuse = net.devices.filter((d) => d.kind === 'fuse')[(cycle * 7) % 24]!;
  const tfs = net.transformers.filter((t) => t.device === fuse.id).map((t) => t.id);
  const now = Date.now();
  const o: OutageDto = {
    id: `OUT-${cycle}`,
    status: 'probable',
    level: 'device',
    device: fuse.id,
    feeder: fuse.feeder,
    transformers: tfs,
    customers: tfs.reduce((n, t) => n + (customersOf.get(t) ?? 0), 0),
    startedAt: now - 30_000,
    detectedAt: now,
    restoredAt: null,
    lon: fuse.lon,
    lat: fuse.lat,
    evidence: [{ ts: now - 30_000, device: tfs[0]!, kind: 'last-gasp' }],
  };
  outages.set(o.id, o);
  publish([o]);
  setTimeout(() => update(o.id, { status: 'confirmed' }), PERIOD_MS * 0.25);
  setTimeout(() => update(o.id, { status: 'restored', restoredAt: Date.now() }), PERIOD_MS * 0.5);
}

function update(id: string, patch: Partial<OutageDto>) {
  const o = outages.get(id);
  if (!o) return;
  const next = { ...o, ...patch };
  outages.set(id, next);
  publish([next]);
}

// A standing planned outage and a momentary one, so the list shows more than one status.
if (!QUIET) {
  const t = net.transformers[40]!;
  const now = Date.now();
  const base = { level: 'transformer' as const, evidence: [], detectedAt: now, lon: t.lon, lat: t.lat, feeder: t.feeder };
  outages.set('PLAN-1', { ...base, id: 'PLAN-1', status: 'planned', device: t.id, transformers: [t.id], customers: customersOf.get(t.id) ?? 0, startedAt: now - 42 * 60_000, restoredAt: null });
  const m = net.transformers[60]!;
  outages.set('MOM-1', { ...base, id: 'MOM-1', status: 'momentary', device: m.id, feeder: m.feeder, lon: m.lon, lat: m.lat, transformers: [m.id], customers: customersOf.get(m.id) ?? 0, startedAt: now - 3 * 60_000, restoredAt: now - 3 * 60_000 + 40_000 });
}

if (!QUIET) {
  setInterval(startOutage, PERIOD_MS);
  setTimeout(startOutage, 2_000);
}
setInterval(() => {
  stored += Math.round(kpis.readingsPerSec);
  kpis = makeKpis();
  history.push({ at: kpis.at, messagesPerSec: kpis.messagesPerSec, readingsPerSec: kpis.readingsPerSec, activeOutages: kpis.activeOutages, customersOut: kpis.customersOut });
  if (history.length > 720) history.splice(0, history.length - 720);
  io.emit('kpi:update', { kpis });
}, 1000);

// ---- HTTP ----
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const json = (body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/api/config') return json({ tileUrl: process.env.TILE_URL ?? null, tileAttribution: process.env.TILE_ATTRIBUTION ?? null });
  if (url.pathname === '/api/network/map') return json(map);
  if (url.pathname.startsWith('/api/')) {
    res.writeHead(404).end();
    return;
  }
  let file = join(DIST, normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
  if (!file.startsWith(DIST)) file = join(DIST, 'index.html');
  try {
    if (!(await stat(file)).isFile()) file = join(DIST, 'index.html');
  } catch {
    file = join(DIST, 'index.html');
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('web/dist not built: pnpm --filter @gridwatch/web build');
  }
});
io.attach(server);
server.listen(PORT, '127.0.0.1', () => console.log(`fake GridWatch server on http://127.0.0.1:${PORT} (outage every ${PERIOD_MS / 1000} s)`));
