// Outage evaluation: a simulator scenario runs in-process with a virtual clock through the same
// ingest and outage-engine code the server uses; the engine's outages are then matched against
// the simulator's ground truth. This module is the one place where truth and engine output meet.
import { indexNetwork, type NetworkFile, type NetworkIndex, type OutageDto } from '@gridwatch/shared';
import { OutageEngine, type EngineOptions } from '@gridwatch/server/engine';
import type { IngestSinks } from '@gridwatch/server/ingest';
import { createSimulation, type TruthRecord } from '@gridwatch/simulator';
import { engineIngest, nullSink, sinksWith } from './inprocess.ts';

export interface OutageEvalOptions {
  network: NetworkFile | NetworkIndex;
  networkName: string;
  scenario: string;
  seed: number;
  hours: number;
  startSimMs?: number;
  faults?: number;
  /** Scenario options passed to the simulator (e.g. spanS for chronic-line). */
  scenarioOptions?: Record<string, number | string>;
  engine?: Partial<Omit<EngineOptions, 'index' | 'now'>>;
  /** Called with progress (0..1) now and then. */
  progress?: (share: number, simMs: number) => void;
}

/** One interruption the field really had, in the terms the engine should report it. */
export interface TrueOutage {
  id: string;
  kind: 'fault' | 'transformer-failure' | 'outage' | 'momentary' | 'planned' | 'customer-side';
  at: number;
  /** Where it should be located: interrupting device, station area or meter. */
  device: string;
  section: string | null;
  transformers: string[];
  customers: number;
  momentary: boolean;
  lon: number;
  lat: number;
}

export interface Emission {
  id: string;
  /** Virtual instant the outage was first emitted. */
  at: number;
  /** Wall-clock time the engine spent on the message or deadline that emitted it. */
  processingMs: number;
  trigger: 'message' | 'deadline';
}

export interface Match {
  truth: TrueOutage;
  detected: OutageDto;
  exactDevice: boolean;
  momentaryCorrect: boolean;
  customersError: number;
  /** Seconds from the real loss to the first emission (hold, transport delays and all). */
  delayFromLossS: number;
  processingMs: number;
}

export interface OutageEvalResult {
  scenario: string;
  network: string;
  seed: number;
  hours: number;
  messages: number;
  wallMs: number;
  truth: { total: number; momentary: number; sustained: number };
  detected: number;
  recall: number;
  precision: number;
  exactDevice: number;
  faultSection: number | null;
  customersError: number;
  customersErrorMedian: number;
  momentaryAccuracy: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  delayFromLossS: { p50: number; p95: number; p99: number };
  matches: Match[];
  misses: { truth: TrueOutage; candidates: OutageDto[] }[];
  falsePositives: OutageDto[];
}

const MIN = 60_000;
/** Least Jaccard overlap of station areas for a detected outage to count as a true one. */
const MIN_OVERLAP = 0.1;

export function runOutageEval(o: OutageEvalOptions): OutageEvalResult {
  const t0 = performance.now();
  const index = 'customersOf' in o.network ? o.network : indexNetwork(o.network);
  const start = o.startSimMs ?? Date.parse('2026-07-01T00:00:00Z');
  const end = start + o.hours * 3_600_000;
  const sim = createSimulation({ network: index, scenario: o.scenario, seed: o.seed, startSimMs: start, ...(o.faults ? { faults: o.faults } : {}), ...o.scenarioOptions });
  let now = start;
  const engine = new OutageEngine({ index, now: () => now, minMeters: 3, ...o.engine });
  const ingest = engineIngest(index, () => now, engine, sinksWith({}));

  const final = new Map<string, OutageDto>();
  const emissions = new Map<string, Emission>();
  const collect = (trigger: Emission['trigger'], processingMs: number) => {
    for (const d of engine.drainChanges()) {
      final.set(d.id, d);
      if (!emissions.has(d.id)) emissions.set(d.id, { id: d.id, at: now, processingMs, trigger });
    }
  };
  // Ticks happen exactly when a hold expires (as the server's deadline timer does), plus a slow
  // housekeeping tick for restoration estimates.
  let nextHousekeeping = start + 5_000;
  const runDeadlinesUntil = (until: number) => {
    for (;;) {
      const deadline = engine.nextDeadline();
      const at = Math.min(deadline !== null && deadline > now ? deadline : Infinity, nextHousekeeping);
      if (at > until) return;
      now = at;
      if (at === nextHousekeeping) nextHousekeeping += 5_000;
      const p0 = performance.now();
      engine.tick();
      collect('deadline', performance.now() - p0);
    }
  };

  const truth: TruthRecord[] = [];
  let messages = 0;
  const step = 60_000;
  for (let t = start; t < end; t += step) {
    const out = sim.advance(Math.min(end, t + step));
    for (const r of out.truth) truth.push(r);
    for (const m of out.messages) {
      runDeadlinesUntil(m.atSimMs);
      now = Math.max(now, m.atSimMs);
      const payload = Buffer.from(JSON.stringify(m.payload));
      const p0 = performance.now();
      ingest.accept(m.topic, payload);
      collect('message', performance.now() - p0);
      messages++;
    }
    runDeadlinesUntil(Math.min(end, t + step));
    o.progress?.((t + step - start) / (end - start), t + step);
  }
  const scored = score(index, truth, [...final.values()], emissions);
  return {
    scenario: o.scenario,
    network: o.networkName,
    seed: o.seed,
    hours: o.hours,
    messages,
    wallMs: Math.round(performance.now() - t0),
    ...scored,
  };
}

/** The interruptions GridWatch should have found, from the truth records. */
export function trueOutages(index: NetworkIndex, truth: readonly TruthRecord[]): TrueOutage[] {
  const list: TrueOutage[] = [];
  const place = (device: string) => {
    const d = index.device.get(device) ?? index.transformer.get(device) ?? index.meter.get(device);
    return { lon: d?.lon ?? 0, lat: d?.lat ?? 0 };
  };
  for (const r of truth) {
    switch (r.type) {
      case 'fault':
        // Momentaries come as their own records; a fault on a dead section interrupts no one.
        if ((r.outcome === 'lockout' || r.outcome === 'fuse') && r.device && r.customerCount > 0) {
          list.push({ id: `${r.id}#${r.operation}`, kind: 'fault', at: r.at, device: r.device, section: r.section, transformers: r.transformers, customers: r.customerCount, momentary: false, ...place(r.device) });
        }
        break;
      case 'momentary':
        list.push({ id: r.id, kind: 'momentary', at: r.at, device: r.device, section: null, transformers: r.transformers, customers: r.customerCount, momentary: true, ...place(r.device) });
        break;
      case 'transformer-failure':
        list.push({ id: r.id, kind: 'transformer-failure', at: r.at, device: r.transformer, section: null, transformers: [r.transformer], customers: r.customerCount, momentary: false, ...place(r.transformer) });
        break;
      case 'outage':
        list.push({ id: r.id, kind: 'outage', at: r.at, device: r.transformers.length === 1 ? r.transformers[0]! : r.id, section: null, transformers: r.transformers, customers: r.customerCount, momentary: false, ...place(r.transformers[0]!) });
        break;
      case 'planned':
        list.push({ id: r.id, kind: 'planned', at: r.start, device: r.device, section: null, transformers: r.transformers, customers: r.customerCount, momentary: false, ...place(r.device) });
        break;
      case 'customer-side':
        list.push({ id: r.id, kind: 'customer-side', at: r.at, device: r.meter, section: null, transformers: [], customers: 1, momentary: false, ...place(r.meter) });
        break;
      default:
        break;
    }
  }
  // Sustained outages restored within 5 minutes are momentary by definition (IEEE 1366).
  const restoredAt = new Map<string, number>();
  for (const r of truth) if (r.type === 'restoration' && !r.partial) restoredAt.set(r.cause, r.at);
  for (const t of list) {
    const end = restoredAt.get(t.id.split('#')[0]!);
    if (!t.momentary && end !== undefined && end - t.at < 5 * MIN) t.momentary = true;
  }
  return list;
}

export function score(index: NetworkIndex, truth: readonly TruthRecord[], outages: readonly OutageDto[], emissions: ReadonlyMap<string, Emission>) {
  const wanted = trueOutages(index, truth);
  const detected = outages.filter((o) => o.parentId === null);
  const used = new Set<string>();
  const matches: Match[] = [];
  const misses: OutageEvalResult['misses'] = [];

  const overlap = (t: TrueOutage, d: OutageDto): number => {
    if (t.kind === 'customer-side' || d.level === 'meter') return t.device === d.device ? 1 : 0;
    if (t.transformers.length === 0 || d.transformers.length === 0) return 0;
    const a = new Set(t.transformers);
    let both = 0;
    for (const x of d.transformers) if (a.has(x)) both++;
    return both / (a.size + d.transformers.length - both);
  };
  // Earliest truth first, so a later fault cannot take the outage of an earlier one.
  for (const t of [...wanted].sort((a, b) => a.at - b.at)) {
    let best: OutageDto | null = null;
    let bestScore = 0;
    const candidates: OutageDto[] = [];
    for (const d of detected) {
      if (Math.abs(d.startedAt - t.at) > 10 * MIN) continue;
      const s = overlap(t, d);
      // A small event swallowed by a much larger outage was not found as itself.
      if (s < MIN_OVERLAP && d.device !== t.device) continue;
      candidates.push(d);
      if (used.has(d.id)) continue;
      if (s > bestScore) {
        best = d;
        bestScore = s;
      }
    }
    if (!best) {
      misses.push({ truth: t, candidates });
      continue;
    }
    used.add(best.id);
    const em = emissions.get(best.id);
    matches.push({
      truth: t,
      detected: best,
      exactDevice: best.device === t.device,
      momentaryCorrect: (best.status === 'momentary') === t.momentary,
      customersError: Math.abs(best.customers - t.customers) / Math.max(1, t.customers),
      delayFromLossS: em ? (em.at - t.at) / 1000 : NaN,
      processingMs: em?.processingMs ?? NaN,
    });
  }
  const falsePositives = detected.filter((d) => !used.has(d.id));
  const withSection = matches.filter((m) => m.truth.section && m.detected.faultSection);
  const lat = matches.map((m) => m.processingMs).filter(Number.isFinite);
  const delay = matches.map((m) => m.delayFromLossS).filter(Number.isFinite);
  return {
    truth: { total: wanted.length, momentary: wanted.filter((t) => t.momentary).length, sustained: wanted.filter((t) => !t.momentary).length },
    detected: detected.length,
    recall: ratio(matches.length, wanted.length),
    precision: ratio(detected.length - falsePositives.length, detected.length),
    exactDevice: ratio(matches.filter((m) => m.exactDevice).length, matches.length),
    faultSection: withSection.length ? ratio(withSection.filter((m) => m.detected.faultSection === m.truth.section).length, withSection.length) : null,
    customersError: matches.length ? round(matches.reduce((s, m) => s + m.customersError, 0) / matches.length, 4) : 0,
    customersErrorMedian: q(matches.map((m) => m.customersError), 0.5),
    momentaryAccuracy: ratio(matches.filter((m) => m.momentaryCorrect).length, matches.length),
    latencyMs: { p50: q(lat, 0.5), p95: q(lat, 0.95), p99: q(lat, 0.99), max: q(lat, 1) },
    delayFromLossS: { p50: q(delay, 0.5), p95: q(delay, 0.95), p99: q(delay, 0.99) },
    matches,
    misses,
    falsePositives,
  };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const ratio = (a: number, b: number) => (b === 0 ? 1 : round(a / b, 4));

/** Quantile by nearest rank. */
export function q(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!, 3);
}
