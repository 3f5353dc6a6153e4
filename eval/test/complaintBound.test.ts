// The precision ceiling's oracle: its complaint probabilities must be the simulator's own (checked
// against the simulated customers), and its alert figures must be counted as the evaluation does.
import { describe, expect, it } from 'vitest';
import { createRng, generateNetwork, indexNetwork, type OutageDto } from '@gridwatch/shared';
import { createWorld, DEFAULT_BEHAVIOUR, QUIET_FIELD, truthOf, type Action, type TruthRecord } from '@gridwatch/simulator';
import type { RecordedRun } from '../src/complaints.ts';
import { boundPoint, complaintBound, noComplaintProbability, oracleCurves, type AlertCurve } from '../src/complaintBound.ts';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

describe('noComplaintProbability', () => {
  // A constant intensity c per minute over T minutes, follow-up factor f: no call at all, or one
  // report followed by no follow-up call. Closed form: e^{-cT} + c·e^{-fcT}·(1 - e^{-(1-f)cT}) / ((1-f)c).
  const c = 0.004;
  const T = 90;
  const f = 0.3;
  const g = Float64Array.from({ length: T + 1 }, (_, k) => k * c);

  it('a first call before the complaint zone is a report, and only a second call complains', () => {
    const exact = Math.exp(-c * T) + (c * Math.exp(-f * c * T) * (1 - Math.exp(-(1 - f) * c * T))) / ((1 - f) * c);
    expect(noComplaintProbability(g, 1, 0, T, 10_000, false, f)).toBeCloseTo(exact, 3);
  });

  it('inside the complaint zone every first call complains; after a report every call does', () => {
    expect(noComplaintProbability(g, 1, 0, T, 0, false, f)).toBeCloseTo(Math.exp(-c * T), 9);
    expect(noComplaintProbability(g, 2, 30, T, 10_000, true, f)).toBeCloseTo(Math.exp(-f * 2 * c * (T - 30)), 9);
    expect(noComplaintProbability(g, 1, 40, 40, 0, false, f)).toBe(1);
  });
});

describe('the oracle against the simulated customers', () => {
  it('expects as many outages with complaints as the simulator brings (repeat customers, the 15-min and 2-h rules, complaints after restoration)', () => {
    const network = generateNetwork();
    const net = indexNetwork(network);
    const utcOffsetMs = Math.round(network.centre[0] / 15) * H;
    const start = Date.parse('2026-07-01T00:00:00Z');
    // Every station area out for 45 min once a day for five days, at staggered hours: by day three
    // its customers are cut off repeatedly (their calls after 15 min complain), by day four some
    // complain after the power is back.
    const duration = 45 * MIN;
    const plan = net.network.transformers.flatMap((t, i) => [0, 1, 2, 3, 4].map((d) => ({ id: `x${d}-${i}`, transformer: t.id, at: start + d * DAY + ((i * 37) % 24) * H + (i % 4) * 13 * MIN })));
    const actions: Action[] = plan
      .flatMap((p) => [
        { kind: 'transformer-failure' as const, atSimMs: p.at, id: p.id, transformer: p.transformer },
        { kind: 'transformer-repair' as const, atSimMs: p.at + duration, id: p.id },
      ])
      .sort((a, b) => a.atSimMs - b.atSimMs);
    const world = createWorld({ network: net, rng: createRng(5), behaviourSeed: 9, startSimMs: start, actions, field: { ...QUIET_FIELD, readingIntervalS: 86_400 }, behaviour: DEFAULT_BEHAVIOUR });
    const truth: TruthRecord[] = [...world.advance(start + 6 * DAY).truth];
    const outages: OutageDto[] = plan.map((p) => ({
      id: p.id, status: 'restored', level: 'transformer', device: p.transformer, feeder: 'F', transformers: [p.transformer], customers: net.customersOf.get(p.transformer)!.length,
      startedAt: p.at, detectedAt: p.at, restoredAt: p.at + duration, lon: 0, lat: 0, evidence: [], parentId: null, etr: null, faultSection: null, steps: [], restored: [],
    }));
    const rec: RecordedRun = {
      startMs: start,
      testStartMs: start + DAY,
      endMs: start + 6 * DAY,
      utcOffsetMs,
      outages,
      contacts: truthOf(truth, 'contact').map((c) => ({ id: c.id, customer: c.customer, at: c.at, category: c.category, type: c.contactType })),
      notices: [],
    };
    const curves = oracleCurves(rec, net, DEFAULT_BEHAVIOUR, { horizon: 'outage' });
    expect(curves).toHaveLength(4 * net.network.transformers.length);
    const atStart = curves.map((c) => c.probability[0]!);
    const expected = atStart.reduce((a, p) => a + p, 0);
    const sd = Math.sqrt(atStart.reduce((a, p) => a + p * (1 - p), 0));
    const actual = curves.filter((c) => c.firstComplaint !== null).length;
    // A broad mix, not all certain: the test could tell a wrong rule from a right one.
    expect(actual).toBeGreaterThan(0.2 * curves.length);
    expect(actual).toBeLessThan(0.9 * curves.length);
    expect(Math.abs(actual - expected)).toBeLessThan(3 * sd + 2);
    // Day by day too: the repeat rules change the rate from day to day.
    for (let d = 1; d <= 4; d++) {
      const day = curves.filter((c) => Math.floor((c.startedAt - start) / DAY) === d);
      const e = day.reduce((a, c) => a + c.probability[0]!, 0);
      const s = Math.sqrt(day.reduce((a, c) => a + c.probability[0]! * (1 - c.probability[0]!), 0));
      expect(Math.abs(day.filter((c) => c.firstComplaint !== null).length - e), `day ${d}`).toBeLessThan(3 * s + 2);
    }
  });
});

describe('boundPoint and complaintBound', () => {
  const curve = (id: string, firstComplaint: number | null, points: [number, number][]): AlertCurve => ({
    id, kind: 'transformer', customers: 3, startedAt: 0, firstComplaint, instants: points.map((p) => p[0]), probability: points.map((p) => p[1]),
  });
  const curves = [
    curve('warned', 30 * MIN, [[MIN, 0.1], [10 * MIN, 0.6], [30 * MIN, 1]]),
    curve('late', 20 * MIN, [[MIN, 0.05], [20 * MIN, 1]]),
    curve('quiet', null, [[MIN, 0.3], [2 * MIN, 0.55]]),
    curve('calm', null, [[MIN, 0.1]]),
  ];

  it('counts as the evaluation does: recall needs the alert before the first complaint, precision counts any alerted outage with one', () => {
    expect(boundPoint(curves, 0.5)).toEqual({ threshold: 0.5, recall: 0.5, precision: 2 / 3, alerted: 3, leadMedianMin: 20 });
    expect(boundPoint(curves, 0.7)).toEqual({ threshold: 0.7, recall: 0, precision: 1, alerted: 2, leadMedianMin: null });
    expect(boundPoint(curves, 0.04)).toMatchObject({ recall: 1, precision: 0.5, alerted: 4 });
  });

  it('a run without complaints has no ceiling to report', () => {
    const rec: RecordedRun = { startMs: 0, testStartMs: DAY, endMs: 2 * DAY, utcOffsetMs: 0, outages: [], contacts: [], notices: [] };
    const r = complaintBound(rec, indexNetwork(generateNetwork()), DEFAULT_BEHAVIOUR);
    expect(r).toMatchObject({ outages: 0, positives: 0, best: null });
  });
});
