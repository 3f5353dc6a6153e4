// The offline rescoring of a recorded run: which outages it alerts, when, and the figures.
import { describe, expect, it } from 'vitest';
import { generateNetwork, indexNetwork, type OutageDto } from '@gridwatch/shared';
import { PRIOR_MODEL } from '@gridwatch/server/risk';
import type { RecordedRun } from '../src/complaints.ts';
import { replay } from '../src/replayModel.ts';

const index = indexNetwork(generateNetwork());
const MIN = 60_000;
const T0 = Date.parse('2026-07-01T00:00:00Z');
const TEST = T0 + 24 * 60 * MIN;

const outage = (id: string, transformer: string, startedAt: number, minutes: number): OutageDto => ({
  id, status: 'restored', level: 'transformer', device: transformer, feeder: 'F0101', transformers: [transformer], customers: index.customersOf.get(transformer)!.length,
  startedAt, detectedAt: startedAt + MIN, restoredAt: startedAt + minutes * MIN, lon: 0, lat: 0, evidence: [], parentId: null, etr: null,
  faultSection: null, steps: [], restored: [],
});
const customer = (t: string) => index.customersOf.get(t)![0]!.id;

describe('complaints-replay', () => {
  it('scores held-out outages minute by minute: alert at detection, first complaint, lead, recall and precision', () => {
    const rec: RecordedRun = {
      startMs: T0,
      testStartMs: TEST,
      endMs: TEST + 24 * 60 * MIN,
      utcOffsetMs: 8 * 60 * MIN,
      outages: [
        outage('history', 'T000001', T0 + 60 * MIN, 90), // before the held-out day: not scored
        outage('warned', 'T000002', TEST + 60 * MIN, 120),
        outage('late', 'T000003', TEST + 300 * MIN, 120),
        outage('quiet', 'T000004', TEST + 600 * MIN, 30),
      ],
      contacts: [
        { id: 'c1', customer: customer('T000002'), at: TEST + 75 * MIN, category: 'outage', type: 'complaint' },
        // Came before the outage was found: not warned about.
        { id: 'c2', customer: customer('T000003'), at: TEST + 300 * MIN + 30_000, category: 'outage', type: 'complaint' },
        // A report is not a complaint.
        { id: 'c3', customer: customer('T000004'), at: TEST + 605 * MIN, category: 'outage', type: 'report' },
      ],
      notices: [],
    };
    // Threshold 0: every outage is alerted at its detection.
    const { figures, rows } = replay(rec, index, { model: PRIOR_MODEL, threshold: 0 });
    expect(rows.map((r) => r.id).sort()).toEqual(['late', 'quiet', 'warned']);
    const warned = rows.find((r) => r.id === 'warned')!;
    expect(warned.alertAt).toBe(TEST + 61 * MIN);
    expect(warned.firstComplaint).toBe(TEST + 75 * MIN);
    expect(figures).toMatchObject({ outages: 3, positives: 2, alerted: 3, recall: 0.5, recallAnyTime: 1 });
    expect(figures.precision).toBeCloseTo(2 / 3);
    // Leads 14 and −0.5 min; the harness's quantile is the lower middle of an even count.
    expect(figures.leadMedianMin).toBe(-0.5);
    expect(figures.leadP10Min).toBe(-0.5);
    // Nothing alerted above certainty.
    expect(replay(rec, index, { model: PRIOR_MODEL, threshold: 1.01 }).figures).toMatchObject({ alerted: 0, recall: 0, recallAnyTime: 0 });
  });
});
