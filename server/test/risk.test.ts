// The complaint early warning's pure parts: the logistic fit, the features a customer gets, the
// training pipeline and threshold, the alert lifecycle with supervision and flood control, and
// the monitor that ties them to the engine's outages.
import { describe, expect, it } from 'vitest';
import { createRng, generateNetwork, indexNetwork, type OutageDto, type OutageRisk } from '@gridwatch/shared';
import {
  AlertManager,
  buildSamples,
  COMPUTED_FEATURES,
  CustomerHistory,
  historyOutages,
  FEATURE_COUNT,
  FEATURES,
  fitLogistic,
  logit,
  outageFeatures,
  pickThreshold,
  PRIOR_MODEL,
  RiskMonitor,
  rocAuc,
  scoreOutage,
  sigmoid,
  stillOutChance,
  summarise,
  trainRiskModel,
  type HistoryContact,
  type HistoryOutage,
  type RiskOutage,
} from '../src/risk/index.ts';

const index = indexNetwork(generateNetwork());
const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const T0 = Date.parse('2026-11-02T02:00:00Z'); // a Monday, 10:00 at UTC+8
const F = (name: string) => FEATURES.findIndex((f) => f.name === name);

describe('logistic regression', () => {
  it('recovers the weights that generated the labels', () => {
    const rng = createRng(4);
    const n = 20_000;
    const x = new Float64Array(n * 2);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = rng.next() * 4 - 2;
      x[i * 2 + 1] = rng.chance(0.3) ? 1 : 0;
      y[i] = rng.chance(sigmoid(-1 + 1.5 * x[i * 2]! - 2 * x[i * 2 + 1]!)) ? 1 : 0;
    }
    const fit = fitLogistic(x, y, 2, { l2: 0.01 });
    expect(fit.converged).toBe(true);
    // Back to raw units: weight / std, bias adjusted by the means.
    const raw = [fit.coef[1]! / fit.std[0]!, fit.coef[2]! / fit.std[1]!];
    expect(raw[0]).toBeCloseTo(1.5, 0);
    expect(raw[1]).toBeCloseTo(-2, 0);
    expect(sigmoid(logit(fit, [0, 0]))).toBeCloseTo(sigmoid(-1), 1);
  });

  it('computes the ROC AUC with ties counted half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBeCloseTo(0.5);
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
  });
});

describe('features', () => {
  it('has words (shared with the web) for exactly the features it computes, each named once', () => {
    expect(FEATURES.map((f) => f.name).sort()).toEqual([...COMPUTED_FEATURES].sort());
    expect(new Set(FEATURES.map((f) => f.name)).size).toBe(FEATURES.length);
    for (const f of FEATURES) expect(f.en.length * f.zh.length, f.name).toBeGreaterThan(0);
  });

  const customers = index.customersOf.get('T000001')!;
  const outage: RiskOutage = { id: 'o1', startedAt: T0, kind: 'transformer', customers };
  const c0 = customers[0]!.id;

  it('counts only outages and complaints before the outage, in their windows', () => {
    const h = new CustomerHistory();
    h.addOutage('old', [c0], T0 - 20 * DAY);
    h.addOutage('week', [c0], T0 - 3 * DAY);
    h.addOutage('week', [c0], T0 - 3 * DAY); // redelivered: counted once
    h.addOutage('self', [c0], T0);
    h.addContact({ id: 'k1', customer: c0, at: T0 - 10 * DAY, category: 'outage', type: 'complaint' });
    h.addContact({ id: 'k3', customer: c0, at: T0 - 11 * DAY, category: 'outage', type: 'report' });
    h.addContact({ id: 'k2', customer: c0, at: T0 - 9 * DAY, category: 'billing', type: 'enquiry' });
    const x = outageFeatures(outage, T0 + 10 * MIN, { history: h, utcOffsetMs: 8 * H });
    expect(x[F('outages.7d')]).toBeCloseTo(Math.log1p(1));
    expect(x[F('outages.30d')]).toBeCloseTo(Math.log1p(2));
    expect(x[F('complaints.365d')]).toBeCloseTo(Math.log1p(1));
    expect(x[F('contacts.365d')]).toBeCloseTo(Math.log1p(2)); // the report and the enquiry
    expect(x[F('elapsed.0-15m')]).toBe(1);
    expect(x[F('kind.transformer')]).toBe(1);
    expect(x[F('hour.day')]).toBe(1);
    expect(x[F('weekend')]).toBe(0);
    // The second customer has no history.
    expect(x[FEATURE_COUNT + F('outages.30d')]).toBe(0);
  });

  it('knows whether a customer called, and what they were told', () => {
    const h = new CustomerHistory();
    h.addContact({ id: 'k1', customer: c0, at: T0 + 5 * MIN, category: 'outage', type: 'report' });
    h.addContact({ id: 'k2', customer: c0, at: T0 + 15 * MIN, category: 'outage', type: 'complaint' });
    h.addNotice('n1', [c0], T0 + 6 * MIN, T0 + 60 * MIN);
    const ctx = { history: h, utcOffsetMs: 8 * H };
    const before = outageFeatures(outage, T0 + 4 * MIN, ctx);
    expect(before[F('called')]).toBe(0);
    expect(before[F('notice.etr')]).toBe(0);
    const reported = outageFeatures(outage, T0 + 10 * MIN, ctx);
    expect(reported[F('called')]).toBe(1);
    expect(reported[F('complained')]).toBe(0);
    const during = outageFeatures(outage, T0 + 20 * MIN, ctx);
    expect(during[F('called')]).toBe(1);
    expect(during[F('complained')]).toBe(1);
    expect(during[F('notice.etr')]).toBe(1);
    const late = outageFeatures(outage, T0 + 70 * MIN, ctx);
    expect(late[F('notice.etr')]).toBe(0);
    expect(late[F('notice.etr-passed')]).toBe(1);
  });
});

describe('estimated duration', () => {
  it('is the share of past outages of the kind that lasted an hour longer, among those that lasted this long', () => {
    // 20 past lateral outages of 10, 20, …, 200 minutes.
    const sortedMin = Array.from({ length: 20 }, (_, i) => 10 * (i + 1));
    const table = { fuse: { outages: 20, sortedMin } };
    expect(stillOutChance(table, 'fuse', 0)).toBeCloseTo(14.5 / 20.5, 6);
    // 95 minutes out: 11 lasted longer, 5 of them past 155 minutes.
    expect(stillOutChance(table, 'fuse', 95)).toBeCloseTo(5.5 / 11.5, 6);
    // Longer than any on record: nothing on record ended later, so it is taken to go on.
    expect(stillOutChance(table, 'fuse', 500)).toBeCloseTo(1, 6);
    expect(stillOutChance(table, 'fuse', 170)).toBeCloseTo(0.5 / 3.5, 6);
    // Too few outages of a kind, or none: a typical duration (exponential, median 100 min for a lateral).
    expect(stillOutChance({ fuse: { outages: 5, sortedMin: [1, 2, 3, 4, 5] } }, 'fuse', 0)).toBeCloseTo(2 ** (-60 / 100), 6);
    expect(stillOutChance(null, 'transformer', 30)).toBeCloseTo(2 ** (-60 / 240), 6);
  });

  it('learns durations only from outages that had ended before each outage was detected', () => {
    // Thirty lateral outages a day apart, each lasting 20 minutes more than the one before.
    const base: OutageDto = {
      id: 'f', status: 'restored', level: 'device', device: 'F0101-R1', feeder: 'F0101', transformers: ['T000004'], customers: 0,
      startedAt: T0, detectedAt: T0 + MIN, restoredAt: T0 + H, lon: 0, lat: 0, evidence: [], parentId: null, etr: null, faultSection: null, steps: [], restored: [],
    };
    const dtos = Array.from({ length: 30 }, (_, i): OutageDto => ({ ...base, id: `f${i}`, startedAt: T0 + i * DAY, detectedAt: T0 + i * DAY + MIN, restoredAt: T0 + i * DAY + (20 + 20 * i) * MIN }));
    const outages = historyOutages(dtos, index);
    const kind = outages[0]!.kind;
    const { x, groups, durations } = buildSamples({ outages, contacts: [], notices: [] }, { index, now: T0 + 40 * DAY, utcOffsetMs: 8 * H, version: 'x' });
    const atDetection = (g: number) => x[groups[g]!.rows[0]!.first * FEATURE_COUNT + F('still-out.1h')]!;
    // The first ten had too few before them: the typical duration.
    expect(atDetection(0)).toBeCloseTo(stillOutChance(null, kind, 1), 6);
    expect(atDetection(9)).toBeCloseTo(stillOutChance(null, kind, 1), 6);
    // The 21st knew the 20 before it (20 … 400 min), not itself or the later, longer ones.
    const before = Array.from({ length: 20 }, (_, i) => 20 + 20 * i);
    expect(atDetection(20)).toBeCloseTo(stillOutChance({ [kind]: { outages: 20, sortedMin: before } }, kind, 1), 6);
    // The trained model keeps every one, as quantiles.
    expect(durations[kind]!.outages).toBe(30);
    expect(durations[kind]!.sortedMin).toHaveLength(101);
    expect(durations[kind]!.sortedMin[0]).toBe(20);
    expect(durations[kind]!.sortedMin[100]).toBe(600);
    // …and says so: GET /api/risk/model lists each kind's count and median.
    expect(summarise({ ...PRIOR_MODEL, kind: 'trained', durations }).durations).toEqual([{ kind, outages: 30, medianMin: 320 }]);
    expect(summarise(PRIOR_MODEL).durations).toEqual([]);
  });
});

describe('scoring', () => {
  it('combines customers: more and more sensitive customers mean more risk, and explains why', () => {
    const h = new CustomerHistory();
    const ctx = { history: h, utcOffsetMs: 8 * H };
    const small = scoreOutage(PRIOR_MODEL, { id: 's', startedAt: T0, kind: 'transformer', customers: index.customersOf.get('T000001')!.slice(0, 2) }, T0 + MIN, ctx);
    const many = index.network.customers.slice(0, 200);
    const big = scoreOutage(PRIOR_MODEL, { id: 'b', startedAt: T0, kind: 'trunk', customers: many }, T0 + MIN, ctx);
    expect(big.probability).toBeGreaterThan(small.probability);
    expect(big.expected).toBeGreaterThan(small.expected);
    expect(big.atRisk).toHaveLength(20);
    expect(big.atRisk[0]!.p).toBeGreaterThanOrEqual(big.atRisk[19]!.p);
    const critical = many.filter((c) => c.type === 'critical' || c.sensitive);
    if (critical.length) expect(big.atRisk[0]!.type === 'critical' || big.atRisk[0]!.sensitive).toBe(true);
    // At night the same outage is less likely to bring calls.
    const night = scoreOutage(PRIOR_MODEL, { id: 'b', startedAt: T0 + 12 * H, kind: 'trunk', customers: many }, T0 + 12 * H + MIN, ctx);
    expect(night.expected).toBeLessThan(big.expected);
    expect(big.reasons.length).toBeGreaterThan(0);
    // Half an hour later, with no notice, the wait itself becomes a reason.
    const later = scoreOutage(PRIOR_MODEL, { id: 'b', startedAt: T0, kind: 'trunk', customers: many }, T0 + 150 * MIN, ctx);
    expect(later.reasons.map((r) => r.feature)).toContain('elapsed.2-4h');
    expect(later.probability).toBeGreaterThan(big.probability);
  });
});

/** Synthetic history where complaints follow a known rule: sensitive customers and big evening outages call. */
function syntheticHistory(outages = 120, seed = 7) {
  const rng = createRng(seed);
  const list: HistoryOutage[] = [];
  const contacts: HistoryContact[] = [];
  const tfs = index.network.transformers;
  for (let k = 0; k < outages; k++) {
    const startedAt = T0 + k * 4 * H + rng.int(0, 60) * MIN;
    const n = rng.chance(0.5) ? 1 : 6;
    const chosen = Array.from({ length: n }, () => rng.pick(tfs).id);
    const customers = [...new Set(chosen.flatMap((t) => index.customersOf.get(t)!.map((c) => c.id)))];
    list.push({ id: `o${k}`, startedAt, detectedAt: startedAt + MIN, restoredAt: startedAt + rng.int(30, 180) * MIN, kind: n === 1 ? 'transformer' : 'fuse', customers });
    for (const id of customers) {
      const c = index.customer.get(id)!;
      const p = c.sensitive ? 0.6 : 0.04;
      if (rng.chance(p)) contacts.push({ id: `c${k}-${id}`, customer: id, at: startedAt + rng.int(3, 25) * MIN, category: 'outage', type: 'complaint' });
      else if (rng.chance(0.1)) contacts.push({ id: `r${k}-${id}`, customer: id, at: startedAt + rng.int(3, 25) * MIN, category: 'outage', type: 'report' });
    }
  }
  return { outages: list, contacts, notices: [] };
}

describe('training', () => {
  it('keeps the prior while history is thin', () => {
    const data = syntheticHistory(10);
    const r = trainRiskModel(data, { index, now: T0 + 60 * DAY, utcOffsetMs: 8 * H, version: 't1' });
    expect(r.model.kind).toBe('prior');
    expect(r.keptPrior).toMatch(/only 10 outages/);
  });

  it('learns the rule behind the complaints and picks a threshold on held-out outages', () => {
    const data = syntheticHistory(100);
    const r = trainRiskModel(data, { index, now: T0 + 60 * DAY, utcOffsetMs: 8 * H, version: 't2' });
    expect(r.model.kind).toBe('trained');
    expect(r.model.version).toBe('t2');
    // Raw log-odds ratios: sensitive customers complain far more (0.6 vs 0.04: ≈ 3.6).
    const raw = (j: number) => r.model.coef[j + 1]! / r.model.std[j]!;
    const sensitive = raw(F('sensitive'));
    expect(sensitive).toBeGreaterThan(2.5);
    // No other feature seen in the data (elapsed time, the estimated duration that follows from it,
    // and earlier calls aside: calls come early and once) pushes the risk up as much; features
    // never seen keep the prior's weight.
    const seen = FEATURES.map((f, j) => ({ f: f.name, j })).filter(({ f, j }) => r.model.mean[j]! > 0 && !['sensitive', 'called', 'complained', 'still-out.1h'].includes(f) && !f.startsWith('elapsed'));
    expect(Math.max(...seen.map(({ j }) => raw(j)))).toBeLessThan(sensitive / 2);
    expect(r.model.coef[F('kind.planned') + 1]).toBeCloseTo(PRIOR_MODEL.coef[F('kind.planned') + 1]!, 5);
    expect(r.heldOut.auc).toBeGreaterThan(0.75);
    expect(r.model.threshold).toBeGreaterThan(0);
    expect(r.model.threshold).toBeLessThan(1);
    expect(r.model.metrics.outages).toBe(100);
  });

  it('learns from the customers still dark: a partial restoration brings some back early', () => {
    const base: OutageDto = {
      id: 'r', status: 'restored', level: 'device', device: 'F0101-R1', feeder: 'F0101', transformers: ['T000004', 'T000005'], customers: 0,
      startedAt: T0, detectedAt: T0 + MIN, restoredAt: T0 + 4 * H, lon: 0, lat: 0, evidence: [], parentId: null, etr: null, faultSection: null,
      steps: [{ at: T0 + 40 * MIN, customers: 10 }, { at: T0 + 4 * H, customers: 10 }], restored: ['T000004'],
    };
    const child: OutageDto = { ...base, id: 'c', device: 'F0101-S1', transformers: ['T000005'], parentId: 'r', restoredAt: T0 + 4 * H, steps: [], restored: [] };
    const momentary: OutageDto = { ...base, id: 'm', status: 'momentary', restoredAt: T0 + MIN, steps: [], restored: [] };
    const [h, ...rest] = historyOutages([base, child, momentary], index);
    expect(rest).toHaveLength(0);
    const n4 = index.customersOf.get('T000004')!.length;
    expect(h!.customers).toHaveLength(n4 + index.customersOf.get('T000005')!.length);
    expect(h!.until!.slice(0, n4).every((u) => u === T0 + 40 * MIN)).toBe(true);
    expect(h!.until!.slice(n4).every((u) => u === T0 + 4 * H)).toBe(true);
    // Two hours in, only the nested part is sampled.
    const samples = buildSamples({ outages: [h!], contacts: [], notices: [] }, { index, now: T0 + 30 * DAY, utcOffsetMs: 8 * H, version: 'x' });
    const counts = samples.groups[0]!.rows.map((r) => r.count);
    expect(counts[0]).toBe(h!.customers.length);
    expect(counts.at(-1)).toBe(h!.customers.length - n4);
  });

  it('picks the most precise threshold that keeps the recall', () => {
    const curve = (ps: number[], first: number | null) => ({ instants: ps.map((_, i) => T0 + i * MIN), probability: ps, firstComplaint: first });
    const curves = [curve([0.9], T0 + 10 * MIN), curve([0.6], T0 + 10 * MIN), curve([0.3], null), curve([0.5], null), curve([0.7], T0 + 10 * MIN)];
    const t = pickThreshold(curves, 0.9);
    expect(t.recall).toBe(1);
    expect(t.threshold).toBeGreaterThan(0.5);
    expect(t.threshold).toBeLessThanOrEqual(0.6);
    expect(t.precision).toBe(1);
  });
});

const risk = (outageId: string, probability: number, extra: Partial<OutageRisk> = {}): OutageRisk => ({
  outageId,
  at: 0,
  probability,
  expected: probability * 2,
  customers: 10,
  reasons: [],
  atRisk: [],
  modelVersion: 'm',
  ...extra,
});

describe('alerts', () => {
  it('goes open → acknowledged → actioned → resolved with who and when, one alert per outage', () => {
    let now = T0;
    const m = new AlertManager(() => now);
    m.evaluate([risk('o1', 0.3)], 0.5);
    expect(m.active()).toHaveLength(0);
    now += MIN;
    m.evaluate([risk('o1', 0.6)], 0.5);
    const [a] = m.active();
    expect(a).toMatchObject({ outageId: 'o1', status: 'open', severity: 'warning', raisedAt: now, escalation: 'officer' });
    expect(a!.suggested).toContain('notify');
    m.evaluate([risk('o1', 0.85)], 0.5);
    expect(m.active()).toHaveLength(1);
    expect(m.get(a!.id)!.severity).toBe('high');
    now += MIN;
    m.acknowledge(a!.id, 'li.wei');
    expect(() => m.acknowledge(a!.id, 'li.wei')).toThrow(/not open/);
    now += MIN;
    m.recordAction(a!.id, 'notify', 'li.wei', 'notice to 10 customers');
    m.recordAction(a!.id, 'crew-priority', 'li.wei', 'crew priority raised');
    expect(m.get(a!.id)).toMatchObject({ status: 'actioned', priority: true });
    expect(m.get(a!.id)!.suggested).not.toContain('notify');
    // A later evaluation does not suggest again what was done.
    m.evaluate([risk('o1', 0.99, { expected: 9, atRisk: [{ customer: 'h', p: 0.5, type: 'critical', sensitive: true }] })], 0.5);
    expect(m.get(a!.id)!.suggested).toEqual(['call-list']);
    m.resolve(a!.id, 'zhang.min', 'customers informed, crew on site');
    const steps = m.get(a!.id)!.steps.map((s) => `${s.status}:${s.by}`);
    expect(steps).toEqual(['open:system', 'severity:system', 'acknowledged:li.wei', 'action:li.wei', 'actioned:li.wei', 'action:li.wei', 'severity:system', 'resolved:zhang.min']);
    expect(m.active()).toHaveLength(0);
    // A resolved alert is not raised again for the same outage.
    m.evaluate([risk('o1', 0.99)], 0.5);
    expect(m.active()).toHaveLength(0);
  });

  it('escalates unacknowledged alerts to the shift lead and then the manager', () => {
    let now = T0;
    const m = new AlertManager(() => now, { escalateAfterMs: [5 * MIN, 15 * MIN], floodMax: 10, floodWindowMs: MIN });
    m.evaluate([risk('o1', 0.9), risk('o2', 0.9)], 0.5);
    m.acknowledge('al-o2', 'officer1');
    now += 5 * MIN;
    m.tick();
    expect(m.get('al-o1')!.escalation).toBe('shift-lead');
    expect(m.get('al-o2')!.escalation).toBe('officer');
    now += 10 * MIN;
    m.tick();
    expect(m.get('al-o1')!.escalation).toBe('manager');
    expect(m.get('al-o1')!.steps.filter((s) => s.status === 'escalated')).toHaveLength(2);
  });

  it('groups alerts beyond the flood limit instead of paging each', () => {
    let now = T0;
    const m = new AlertManager(() => now, { escalateAfterMs: [5 * MIN, 15 * MIN], floodMax: 3, floodWindowMs: MIN });
    m.evaluate(Array.from({ length: 8 }, (_, i) => risk(`o${i}`, 0.9)), 0.5);
    expect(m.active().filter((a) => a.flooded)).toHaveLength(5);
    now += 2 * MIN;
    m.evaluate([risk('late', 0.9)], 0.5);
    expect(m.get('al-late')!.flooded).toBe(false);
  });

  it('resolves the alert when the outage is restored, and on critical customers raises severity', () => {
    const m = new AlertManager(() => T0);
    m.evaluate([risk('o1', 0.6, { atRisk: [{ customer: 'h', p: 0.4, type: 'critical', sensitive: true }] })], 0.5);
    expect(m.get('al-o1')).toMatchObject({ severity: 'critical' });
    expect(m.get('al-o1')!.suggested).toEqual(['notify', 'call-list', 'crew-priority']);
    m.outageClosed('o1');
    expect(m.get('al-o1')!.status).toBe('resolved');
    expect(m.drainChanges()).toHaveLength(1);
    expect(m.drainChanges()).toHaveLength(0);
  });
});

describe('monitor', () => {
  const dto = (over: Partial<OutageDto> = {}): OutageDto => ({
    id: 'o1', status: 'confirmed', level: 'transformer', device: 'T000001', feeder: 'F0101', transformers: ['T000001', 'T000002'],
    customers: 10, startedAt: T0, detectedAt: T0 + MIN, restoredAt: null, lon: 0, lat: 0, evidence: [], parentId: null, etr: T0 + 2 * H,
    faultSection: null, steps: [], restored: [], ...over,
  });

  it('scores open root outages, accumulates predicted complaints per hour and learns the outage once restored', () => {
    let now = T0 + MIN;
    const mon = new RiskMonitor({ index, now: () => now, utcOffsetMs: 8 * H, threshold: 0.01 });
    mon.outageChanged(dto());
    mon.outageChanged(dto({ id: 'child', parentId: 'o1' }));
    const [r] = mon.evaluate();
    expect(mon.evaluate()).toHaveLength(1);
    expect(r!.customers).toBe(index.customersOf.get('T000001')!.length + index.customersOf.get('T000002')!.length);
    expect(mon.alerts.forOutage('o1')).toBeDefined();
    for (let k = 0; k < 30; k++) {
      now += MIN;
      mon.evaluate();
    }
    const who = index.customersOf.get('T000001')![0]!.id;
    mon.contact({ id: 'k1', customer: who, at: now, category: 'outage', type: 'complaint' });
    mon.contact({ id: 'k2', customer: who, at: now, category: 'outage', type: 'report' });
    mon.contact({ id: 'k3', customer: who, at: now, category: 'billing', type: 'complaint' });
    const hour = mon.hourly(1)[0]!;
    expect(hour.actual).toBe(1);
    expect(hour.predicted).toBeGreaterThan(0);
    // A partial restoration lowers the customers scored.
    mon.outageChanged(dto({ restored: ['T000002'] }));
    expect(mon.evaluate()[0]!.customers).toBe(index.customersOf.get('T000001')!.length);
    now += H;
    mon.outageChanged(dto({ restoredAt: now, status: 'restored' }));
    expect(mon.evaluate()).toHaveLength(0);
    expect(mon.alerts.forOutage('o1')!.status).toBe('resolved');
    const c0 = index.customersOf.get('T000001')![0]!.id;
    expect(mon.history.outagesBetween(c0, T0 - 1, T0 + 1)).toBe(1);
  });

  it('asks for an updated restoration time before the announced one passes, only when the estimate moved on', () => {
    let now = T0 + 10 * MIN;
    const mon = new RiskMonitor({ index, now: () => now, utcOffsetMs: 8 * H });
    mon.outageChanged(dto({ etr: T0 + H }));
    mon.notice('n1', 'o1', ['x'], now, T0 + H);
    expect(mon.isNotified('o1')).toBe(true);
    now = T0 + 56 * MIN;
    expect(mon.noticeUpdatesDue()).toEqual([]); // the estimate has not moved
    mon.outageChanged(dto({ etr: T0 + 2 * H }));
    now = T0 + 50 * MIN;
    expect(mon.noticeUpdatesDue()).toEqual([]); // not yet within 5 minutes of the promise
    now = T0 + 56 * MIN;
    expect(mon.noticeUpdatesDue().map((u) => [u.outage.id, u.etr])).toEqual([['o1', T0 + 2 * H]]);
    mon.notice('n2', 'o1', ['x'], now, T0 + 2 * H);
    expect(mon.noticeUpdatesDue()).toEqual([]);
  });
});
