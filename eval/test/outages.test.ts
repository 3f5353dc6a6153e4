// The harness itself: scoring on a hand-made truth, and a short real run on the demo network.
import { describe, expect, it } from 'vitest';
import { generateNetwork, indexNetwork, type OutageDto } from '@gridwatch/shared';
import type { TruthRecord } from '@gridwatch/simulator';
import { runOutageEval, score } from '../src/outages.ts';

const index = indexNetwork(generateNetwork());
const T0 = Date.parse('2026-07-01T00:00:00Z');

const detected = (patch: Partial<OutageDto>): OutageDto => ({
  id: 'd', status: 'restored', level: 'transformer', device: 'T000001', feeder: 'F0101', transformers: ['T000001'], customers: 31,
  startedAt: T0, detectedAt: T0 + 40_000, restoredAt: T0 + 3_600_000, lon: 0, lat: 0, evidence: [], parentId: null, etr: null,
  faultSection: null, steps: [], restored: [], ...patch,
});

describe('outage scoring', () => {
  it('matches by time and overlap, and counts misses, false positives, device and momentary errors', () => {
    const truth = [
      { type: 'transformer-failure', id: 'tf1', at: T0, transformer: 'T000001', feeder: 'F0101', customers: [], customerCount: 31 },
      { type: 'momentary', id: 'm1', at: T0 + 600_000, restoredAt: T0 + 602_000, device: 'F0101-R1', feeder: 'F0101', transformers: ['T000004', 'T000005'], customerCount: 57 },
      { type: 'transformer-failure', id: 'tf2', at: T0 + 7_200_000, transformer: 'T000020', feeder: 'F0102', customers: [], customerCount: 20 },
    ] as TruthRecord[];
    const outages = [
      detected({ id: 'a' }),
      detected({ id: 'b', device: 'F0101-FU02', level: 'device', transformers: ['T000004', 'T000005', 'T000006'], customers: 72, startedAt: T0 + 601_000, status: 'restored' }),
      detected({ id: 'c', device: 'T000030', transformers: ['T000030'], startedAt: T0 + 9_000_000 }),
      detected({ id: 'nested', parentId: 'a' }),
    ];
    const r = score(index, truth, outages, new Map([['a', { id: 'a', at: T0 + 40_000, processingMs: 0.5, trigger: 'deadline' as const }]]));
    expect(r.truth).toEqual({ total: 3, momentary: 1, sustained: 2 });
    expect(r.detected).toBe(3); // the nested one is part of its parent
    expect(r.recall).toBeCloseTo(2 / 3, 4);
    expect(r.precision).toBeCloseTo(2 / 3, 4);
    expect(r.exactDevice).toBe(0.5);
    expect(r.momentaryAccuracy).toBe(0.5); // b was reported sustained
    expect(r.misses.map((m) => m.truth.id)).toEqual(['tf2']);
    expect(r.falsePositives.map((d) => d.id)).toEqual(['c']);
    expect(r.matches[0]!.delayFromLossS).toBe(40);
  });

  it('finds a scripted station-area outage end to end through the real ingest and engine', () => {
    const r = runOutageEval({ network: index, networkName: 'demo', scenario: 'station-area-outage', seed: 3, hours: 0.5 });
    expect(r.messages).toBeGreaterThan(100);
    expect(r.truth.total).toBeGreaterThanOrEqual(1);
    expect(r.recall).toBe(1);
    expect(r.precision).toBe(1);
  });
});
