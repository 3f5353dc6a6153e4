// The wall, measured: a real GridWatch server process (embedded PGlite and aedes, the shipped
// Greensboro network), the simulator over MQTT, and the wall in headless Chromium.
//
//   pnpm bench:wall [--minutes 30] [--json] [--4k] [--cpuprofile storm.cpuprofile] [--trace storm.json] [--trace-render render.json] [--screenshot storm.png] [--heap-snapshot prefix]
//
// Phases, in order; the last first-render browser stays open for phases 2 to 4:
//   1. first render: ms from navigation until the network map is first on screen (the wall's
//      data-render-ms) while the quiet simulator runs; the median of --render-runs cold browsers
//      (a new browser process each);                                        target ≤ 2000 ms
//   2. quiet (--quiet-s): steady readings at real time; frame times and socket bytes;
//   3. storm (--storm-s): `--scenario storm` at --storm-speed, so its hour of faults passes in
//      about a minute and outages, alerts and work orders stream; frame times from
//      requestAnimationFrame intervals (long tasks from a PerformanceObserver);  target p95 ≤ 50 ms
//      and socket bytes per second (received over the Socket.IO websocket, CDP Network events),
//      average and peak 10 s window;
//   4. memory (--minutes): `--scenario daily` at --daily-speed (hours of operations pass); after
//      a warm-up, the JS heap after a forced GC and the DOM node count every minute;
//                                                          target: both within ±10 % of the first.
// Progress goes to stderr; with --json the last line of stdout is one JSON object. Exits 1 when a
// target is missed. Needs Chromium (/usr/bin/chromium or $CHROMIUM) and nothing else.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type CDPSession, type Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'warmup-minutes': { type: 'string' },
    'quiet-s': { type: 'string', default: '20' },
    /** Cold browsers for the first render (the median is reported). */
    'render-runs': { type: 'string', default: '3' },
    'storm-s': { type: 'string', default: '90' },
    'storm-faults': { type: 'string', default: '80' },
    'storm-speed': { type: 'string', default: '60' },
    'daily-speed': { type: 'string', default: '120' },
    'daily-faults': { type: 'string', default: '240' },
    port: { type: 'string', default: '3500' },
    'mqtt-port': { type: 'string', default: '2100' },
    '4k': { type: 'boolean', default: false },
    /** A wall already built (e.g. another version, to compare); default: build web/ for this run. */
    'web-dist': { type: 'string' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    /** Write a CPU profile of the page during the storm (open in Chromium DevTools › Performance). */
    cpuprofile: { type: 'string' },
    /** Write a Chromium performance trace of the storm's last 30 s (DevTools › Performance › Load profile). */
    trace: { type: 'string' },
    /** Save a screenshot of the wall at the end of the storm. */
    screenshot: { type: 'string' },
    /** Write a Chromium performance trace of the first render. */
    'trace-render': { type: 'string' },
    /**
     * Write heap snapshots of the page at the start and the end of the memory phase
     * (<prefix>-start.heapsnapshot, <prefix>-end.heapsnapshot); compare with bench/heapdiff.ts.
     */
    'heap-snapshot': { type: 'string' },
  },
});
const MINUTES = Number(values.minutes);
// The page has run through the quiet and storm phases by then. A long run warms up until the
// wall's longest window (24 h: complaints and work orders per hour) has filled at the daily speed,
// so what is measured is steady state, not the windows filling (at speed 120: 12 minutes).
const DAY_WINDOW_MIN = (24 * 60) / Number(values['daily-speed']);
const WARMUP_MIN = values['warmup-minutes'] !== undefined ? Number(values['warmup-minutes']) : MINUTES >= 10 ? Math.max(2, Math.ceil(DAY_WINDOW_MIN)) : 0.25;
const QUIET_S = Number(values['quiet-s']);
const RENDER_RUNS = Math.max(1, Math.round(Number(values['render-runs'])));
const STORM_S = Number(values['storm-s']);
const STORM_FAULTS = Number(values['storm-faults']);
const STORM_SPEED = Number(values['storm-speed']);
const DAILY_SPEED = Number(values['daily-speed']);
const DAILY_FAULTS = Number(values['daily-faults']);
const VIEWPORT = values['4k'] ? { width: 3840, height: 2160 } : { width: 1920, height: 1080 };
for (const [k, v] of Object.entries({ MINUTES, WARMUP_MIN, QUIET_S, STORM_S, STORM_FAULTS, STORM_SPEED, DAILY_SPEED, DAILY_FAULTS })) {
  if (!(v >= 0) || (k !== 'WARMUP_MIN' && !(v > 0))) throw new Error(`bad ${k}: ${v}`);
}

/** Streams a heap snapshot of the page (after a forced GC) to `file`. */
async function writeHeapSnapshot(cdp: CDPSession, file: string): Promise<void> {
  const out = createWriteStream(file);
  const onChunk = (e: { chunk: string }) => out.write(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

const TARGETS = { firstRenderMs: 2000, frameP95Ms: 50, heapDriftPct: 10, domDriftPct: 10 };
const WINDOW_MS = 10_000;

const t0 = Date.now();
const log = (m: string) => process.stderr.write(`[wall ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ── processes ─────────────────────────────────────────────────────────────────────────────
const children = new Set<ChildProcess>();
/** The run's directory (database, built wall), removed at exit unless --keep. */
let runDir: string | null = null;
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (runDir && !values.keep) rmSync(runDir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

interface Proc {
  child: ChildProcess;
  /** The last output, for error messages. */
  tail: () => string;
  stop: () => Promise<void>;
}

function run(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let stopping = false;
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', (code) => {
    children.delete(child);
    if (code && !stopping) log(`${name} exited with ${code}\n${out.slice(-2000)}`);
  });
  return {
    child,
    tail: () => out.slice(-2000),
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `preferred` when it is free, else any free port. */
async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(null));
      s.listen({ port, host: '0.0.0.0', exclusive: true }, () => {
        const got = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(got));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0))!;
}

async function waitFor(probe: () => Promise<boolean>, ms: number, what: string, tail = () => '') {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}\n${tail()}`);
}

// ── the wall in the page: frame recorder ──────────────────────────────────────────────────
// Plain JS strings: page code must not go through tsx's transform (it adds helpers the page lacks).
const PAGE_RECORDER = `(() => {
  const B = { frames: [], longTasks: [], on: false, last: 0 };
  const tick = (t) => { if (!B.on) return; B.frames.push(t - B.last); B.last = t; requestAnimationFrame(tick); };
  B.start = () => { B.frames = []; B.longTasks = []; B.on = true; requestAnimationFrame((t) => { B.last = t; requestAnimationFrame(tick); }); };
  B.stop = () => { B.on = false; return { frames: B.frames, longTasks: B.longTasks }; };
  try {
    new PerformanceObserver((list) => { if (B.on) for (const e of list.getEntries()) B.longTasks.push(e.duration); }).observe({ type: 'longtask' });
  } catch {}
  window.__wallBench = B;
})();`;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
const r1 = (x: number) => Math.round(x * 10) / 10;

interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Frames longer than 50 ms. */
  over50: number;
  longTasks: { count: number; totalMs: number; maxMs: number };
}

function frameStats(frames: number[], longTasks: number[]): FrameStats {
  const s = [...frames].sort((a, b) => a - b);
  return {
    frames: s.length,
    p50: r1(quantile(s, 0.5)),
    p95: r1(quantile(s, 0.95)),
    p99: r1(quantile(s, 0.99)),
    max: r1(s.at(-1) ?? NaN),
    over50: s.filter((x) => x > 50).length,
    longTasks: { count: longTasks.length, totalMs: Math.round(longTasks.reduce((a, b) => a + b, 0)), maxMs: Math.round(Math.max(0, ...longTasks)) },
  };
}

// ── socket traffic (CDP) ──────────────────────────────────────────────────────────────────
interface Frame {
  at: number;
  bytes: number;
  event: string;
}

class SocketTap {
  private sockets = new Set<string>();
  frames: Frame[] = [];
  constructor(cdp: CDPSession) {
    cdp.on('Network.webSocketCreated', (e) => {
      if (new URL(e.url).pathname.startsWith('/socket.io')) this.sockets.add(e.requestId);
    });
    cdp.on('Network.webSocketFrameReceived', (e) => {
      if (!this.sockets.has(e.requestId)) return;
      const { opcode, payloadData } = e.response;
      const bytes = opcode === 1 ? Buffer.byteLength(payloadData, 'utf8') : Buffer.from(payloadData, 'base64').length;
      // Socket.IO over Engine.IO: "42[\"name\", ...]" is an event; "2"/"3" are ping/pong.
      const event = opcode === 1 ? (/^42\d*\["([^"]+)"/.exec(payloadData)?.[1] ?? 'engine.io') : 'binary';
      this.frames.push({ at: Date.now(), bytes, event });
    });
  }

  /** Bytes per second over [from, to): the average and the busiest 10 s window; events by name. */
  window(from: number, to: number) {
    const fs = this.frames.filter((f) => f.at >= from && f.at < to);
    const n = Math.max(1, Math.floor((to - from) / WINDOW_MS));
    const buckets = new Array<number>(n).fill(0);
    for (const f of fs) buckets[Math.min(n - 1, Math.floor((f.at - from) / WINDOW_MS))]! += f.bytes;
    const total = fs.reduce((a, f) => a + f.bytes, 0);
    const events: Record<string, { count: number; bytes: number }> = {};
    for (const f of fs) {
      const e = (events[f.event] ??= { count: 0, bytes: 0 });
      e.count++;
      e.bytes += f.bytes;
    }
    return {
      avg: Math.round(total / ((to - from) / 1000)),
      peak: Math.round(Math.max(...buckets) / (WINDOW_MS / 1000)),
      totalBytes: total,
      seconds: Math.round((to - from) / 1000),
      events,
    };
  }
}

// ── go ────────────────────────────────────────────────────────────────────────────────────
const dataDir = (runDir = mkdtempSync(path.join(os.tmpdir(), 'gridwatch-wall-')));
const port = await freePort(Number(values.port));
const mqttPort = await freePort(Number(values['mqtt-port']));
const base = `http://127.0.0.1:${port}`;
const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
log(`data ${dataDir}, http ${port}, mqtt ${mqttPort}, viewport ${VIEWPORT.width}×${VIEWPORT.height}, memory run ${MINUTES} min after ${WARMUP_MIN} min warm-up`);

let webDist = values['web-dist'] ? path.resolve(values['web-dist']) : '';
if (!webDist) {
  // Built into the run's own directory: web/dist (someone else's) is left alone.
  webDist = path.join(dataDir, 'dist');
  log('building the wall');
  // Not minified when profiling or tracing, so the profile names the wall's own functions.
  const minify = values.cpuprofile || values.trace || values['trace-render'] ? ['--minify', 'false'] : [];
  const build = spawn('pnpm', ['--filter', '@gridwatch/web', 'exec', 'vite', 'build', '--outDir', webDist, '--emptyOutDir', '--logLevel', 'warn', ...minify], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((r) => build.once('exit', r));
  if (code !== 0) throw new Error(`wall build failed (${code})`);
}
if (!existsSync(path.join(webDist, 'index.html'))) throw new Error(`no wall build in ${webDist}`);

// The embedded parts only (a DATABASE_URL / MQTT_URL in the environment is not used), and an open
// read side (no WALL_TOKENS).
const { DATABASE_URL: _db, MQTT_URL: _mq, WALL_TOKENS: _wt, ...env } = process.env;
const secret = () => Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
const server = run('server', [path.join(ROOT, 'server/src/main.ts')], {
  ...env,
  SIMULATOR: 'false',
  NETWORK: 'greensboro',
  PORT: String(port),
  MQTT_PORT: String(mqttPort),
  DATA_DIR: dataDir,
  WEB_DIST: webDist,
  // One password for all team leaders: hashed once, not 1,439 times (saves a minute at start).
  TEAM_PASSWORD: secret(),
  CONSOLE_PASSWORD: secret(),
  LOG_LEVEL: 'warn',
});
const stopAll: (() => Promise<void>)[] = [];
try {
  log('starting the server (greensboro: ~18,000 station areas, ~52,000 customers)');
  await waitFor(async () => (await fetch(`${base}/api/health`)).status === 200, 240_000, 'server health', server.tail);
  log('server up');

  const serverKpis = async () => (await fetch(`${base}/api/kpis`).then((r) => r.json())) as { activeOutages: number; customersOut: number; messagesPerSec: number };
  const sim = (name: string, args: string[]) =>
    run(`simulator (${name})`, ['simulator/src/cli.ts', 'run', '--mqtt', mqttUrl, '--network', 'greensboro', '--client-id', `wall-bench-${name}-${process.pid}`, ...args]);

  // Quiet: readings every 15 minutes per concentrator, at real time. The wall is opened once the
  // simulator publishes (its start-up, loading the network, is not part of quiet operation).
  let simulator = sim('quiet', ['--scenario', 'steady', '--reading-interval', '900', '--seed', '1']);
  await waitFor(async () => (await serverKpis()).messagesPerSec > 0, 120_000, 'the quiet simulator to publish', simulator.tail);
  await sleep(5_000);

  const launch = () =>
    chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  const renderMsOf = async (page: Page) => {
    // Polled with evaluate: waitForFunction with a string predicate needs eval in the page, which
    // the wall's content security policy refuses (and should).
    for (const deadline = Date.now() + 60_000; ; await sleep(25)) {
      const ms = await page.evaluate(`document.querySelector('[data-testid="map"]')?.dataset.renderMs ?? null`);
      if (ms !== null) return Number(ms);
      if (Date.now() > deadline) throw new Error('the wall did not render its map within 60 s');
    }
  };

  // ── 1. first render: every run a new browser (cold); the last one stays for the rest ──
  const renders: number[] = [];
  for (let i = 1; i < RENDER_RUNS; i++) {
    const b = await launch();
    try {
      const p = await b.newPage({ viewport: VIEWPORT });
      await p.goto(base);
      renders.push(await renderMsOf(p));
    } finally {
      await b.close();
    }
    log(`first render (cold browser ${i}/${RENDER_RUNS}) ${renders.at(-1)} ms`);
  }
  const browser = await launch();
  stopAll.push(() => browser.close());
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  await page.addInitScript({ content: PAGE_RECORDER });
  const cdp = await context.newCDPSession(page);
  // The socket tap needs the Network domain; keep what DevTools buffers of HTTP bodies small, so
  // the measured heap is the wall's and not the instrument's.
  await cdp.send('Network.enable', { maxTotalBufferSize: 256 * 1024, maxResourceBufferSize: 16 * 1024 });
  await cdp.send('Performance.enable');
  const tap = new SocketTap(cdp);

  const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8.execute', 'blink.user_timing', 'cc', 'blink', 'loading', 'netlog'];
  if (values['trace-render']) await browser.startTracing(page, { path: values['trace-render'], categories: TRACE_CATEGORIES });
  await page.goto(base);
  renders.push(await renderMsOf(page));
  if (values['trace-render']) {
    await browser.stopTracing();
    log(`trace of the first render written to ${values['trace-render']}`);
  }
  log(`first render (cold browser ${RENDER_RUNS}/${RENDER_RUNS}) ${renders.at(-1)} ms`);
  const firstRenderMs = [...renders].sort((a, b) => a - b)[Math.floor(renders.length / 2)]!;
  await sleep(5_000);

  const record = async (seconds: number) => {
    await page.evaluate('window.__wallBench.start()');
    const from = Date.now();
    await sleep(seconds * 1000);
    const to = Date.now();
    const r = (await page.evaluate('window.__wallBench.stop()')) as { frames: number[]; longTasks: number[] };
    return { frames: frameStats(r.frames, r.longTasks), socket: tap.window(from, to) };
  };
  const wallCounts = async () =>
    (await page.evaluate(`({
      outageRows: document.querySelectorAll('[data-testid="outage-row"]').length,
      alertRows: document.querySelectorAll('[data-testid="alert-row"]').length,
      outStationAreas: (document.querySelector('[data-testid="map"]')?.dataset.outTransformers || '').split(',').filter(Boolean).length,
      animations: document.getAnimations().reduce((m, a) => { const k = a.animationName || a.constructor.name; m[k] = (m[k] || 0) + 1; return m; }, {}),
    })`)) as { outageRows: number; alertRows: number; outStationAreas: number; animations: Record<string, number> };

  // ── 2. quiet ──
  log(`quiet: ${QUIET_S} s of steady readings`);
  const quiet = await record(QUIET_S);
  log(`quiet: frames p50 ${quiet.frames.p50} / p95 ${quiet.frames.p95} / p99 ${quiet.frames.p99} ms; socket ${quiet.socket.avg} B/s avg, ${quiet.socket.peak} B/s peak`);
  await simulator.stop();

  // ── 3. storm ──
  // At speed > 1 with a duration the simulator back-dates its start so that its clock reaches
  // the wall clock only at the end: every timestamp is in the (accepted) past. The storm's hour
  // of faults starts 2 simulated minutes in; the run is stopped after the measurement.
  log(`storm: ${STORM_FAULTS} faults at speed ${STORM_SPEED} for ${STORM_S} s`);
  const stormMinutes = Math.max(360, Math.ceil((STORM_S * STORM_SPEED) / 60) + 10);
  simulator = sim('storm', ['--scenario', 'storm', '--faults', String(STORM_FAULTS), '--speed', String(STORM_SPEED), '--duration', `${stormMinutes}m`, '--reading-interval', '900', '--seed', '1']);
  if (values.cpuprofile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  const tracing = values.trace
    ? sleep(Math.max(0, STORM_S - 30) * 1000).then(async () => {
        await browser.startTracing(page, { path: values.trace, categories: TRACE_CATEGORIES });
        await sleep(Math.min(30, STORM_S) * 1000 - 500);
        await browser.stopTracing();
        log(`trace of the storm written to ${values.trace}`);
      })
    : null;
  const storm = await record(STORM_S);
  await tracing;
  if (values.cpuprofile) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(values.cpuprofile, JSON.stringify(profile));
    log(`CPU profile of the storm written to ${values.cpuprofile}`);
  }
  const stormEnd = { server: await serverKpis(), wall: await wallCounts() };
  if (values.screenshot) await page.screenshot({ path: values.screenshot });
  log(
    `storm: frames p50 ${storm.frames.p50} / p95 ${storm.frames.p95} / p99 ${storm.frames.p99} ms (${storm.frames.longTasks.count} long tasks, max ${storm.frames.longTasks.maxMs} ms); ` +
      `socket ${storm.socket.avg} B/s avg, ${storm.socket.peak} B/s peak; ${stormEnd.server.activeOutages} active outages, ${stormEnd.wall.outageRows} rows, ${stormEnd.wall.alertRows} alerts on the wall`,
  );
  await simulator.stop();

  // ── 4. memory ──
  const simMinutes = Math.ceil((WARMUP_MIN + MINUTES + 2) * DAILY_SPEED);
  log(`memory: daily operations (${DAILY_FAULTS} faults a day) at speed ${DAILY_SPEED}: ${(simMinutes / 60).toFixed(0)} simulated hours; warm-up ${WARMUP_MIN} min, then ${MINUTES} min`);
  simulator = sim('daily', ['--scenario', 'daily', '--faults', String(DAILY_FAULTS), '--speed', String(DAILY_SPEED), '--duration', `${simMinutes}m`, '--reading-interval', '3600', '--seed', '2']);
  await sleep(WARMUP_MIN * 60_000);
  interface Sample {
    minute: number;
    heapMb: number;
    nodes: number;
    listeners: number;
    activeOutages: number;
    outageRows: number;
  }
  const samples: Sample[] = [];
  const memStart = Date.now();
  for (let m = 0; m <= MINUTES; m++) {
    await sleep(Math.max(0, memStart + m * 60_000 - Date.now()));
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => metrics.find((x) => x.name === name)?.value ?? NaN;
    const s: Sample = {
      minute: m,
      heapMb: r1(metric('JSHeapUsedSize') / 2 ** 20),
      nodes: metric('Nodes'),
      listeners: metric('JSEventListeners'),
      activeOutages: (await serverKpis()).activeOutages,
      outageRows: (await wallCounts()).outageRows,
    };
    samples.push(s);
    log(`memory ${m}/${MINUTES} min: heap ${s.heapMb} MB, ${s.nodes} DOM nodes, ${s.listeners} listeners; ${s.activeOutages} active outages`);
    if (values['heap-snapshot'] && (m === 0 || m === MINUTES)) {
      const file = `${values['heap-snapshot']}-${m === 0 ? 'start' : 'end'}.heapsnapshot`;
      await writeHeapSnapshot(cdp, file);
      log(`heap snapshot written to ${file}`);
    }
  }
  const memorySocket = tap.window(memStart, Date.now());
  await simulator.stop();
  await browser.close();
  stopAll.length = 0;
  await server.stop();

  // ── results ──
  const series = (xs: number[]) => {
    const first = xs[0]!;
    const last = xs.at(-1)!;
    return { first, last, min: Math.min(...xs), max: Math.max(...xs), driftPct: r1(((last - first) / first) * 100) };
  };
  const heapMb = series(samples.map((s) => s.heapMb));
  const domNodes = series(samples.map((s) => s.nodes));
  const pick = (s: ReturnType<SocketTap['window']>) => ({ avg: s.avg, peak: s.peak, totalBytes: s.totalBytes, seconds: s.seconds, events: s.events });
  const targets = {
    firstRender: { target: `≤ ${TARGETS.firstRenderMs} ms`, met: firstRenderMs <= TARGETS.firstRenderMs },
    frameP95: { target: `≤ ${TARGETS.frameP95Ms} ms (storm)`, met: storm.frames.p95 <= TARGETS.frameP95Ms },
    heapFlat: { target: `within ±${TARGETS.heapDriftPct} %`, met: Math.abs(heapMb.driftPct) <= TARGETS.heapDriftPct },
    domNodesFlat: { target: `no growth beyond ${TARGETS.domDriftPct} %`, met: domNodes.driftPct <= TARGETS.domDriftPct },
  };
  const result = {
    bench: 'wall',
    network: 'greensboro',
    backend: 'embedded (PGlite + aedes)',
    viewport: `${VIEWPORT.width}x${VIEWPORT.height}`,
    cpus: os.cpus().length,
    firstRenderMs,
    firstRenderRunsMs: renders,
    frameMs: { p50: storm.frames.p50, p95: storm.frames.p95, p99: storm.frames.p99 },
    frames: { storm: storm.frames, quiet: quiet.frames },
    socketBytesPerSec: { storm: pick(storm.socket), quiet: pick(quiet.socket), memoryRun: { avg: memorySocket.avg, peak: memorySocket.peak } },
    stormEnd,
    heapMb,
    domNodes,
    memory: { minutes: MINUTES, warmupMinutes: WARMUP_MIN, dailySpeed: DAILY_SPEED, dailyFaultsPerDay: DAILY_FAULTS, samples },
    storm: { faults: STORM_FAULTS, speed: STORM_SPEED, seconds: STORM_S },
    pageProblems: problems.slice(0, 20),
    targets,
    allTargetsMet: Object.values(targets).every((x) => x.met),
    wallSeconds: Math.round((Date.now() - t0) / 1000),
  };
  console.log(
    `wall (greensboro, ${result.viewport}): first render ${firstRenderMs} ms; storm frames p50 ${storm.frames.p50} / p95 ${storm.frames.p95} / p99 ${storm.frames.p99} ms\n` +
      `socket: storm ${storm.socket.avg} B/s avg, ${storm.socket.peak} B/s peak; quiet ${quiet.socket.avg} B/s avg, ${quiet.socket.peak} B/s peak\n` +
      `heap ${heapMb.first} → ${heapMb.last} MB (${heapMb.driftPct} %, min ${heapMb.min}, max ${heapMb.max}); DOM nodes ${domNodes.first} → ${domNodes.last} (${domNodes.driftPct} %)\n` +
      `targets: ${Object.entries(targets).map(([k, v]) => `${k} ${v.met ? 'met' : 'MISSED'}`).join(', ')}`,
  );
  if (values.json) console.log(JSON.stringify(result));
  process.exit(result.allTargetsMet ? 0 : 1);
} catch (err) {
  for (const stop of stopAll) await stop().catch(() => {});
  await server.stop();
  throw err;
}
