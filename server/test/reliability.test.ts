// IEEE 1366 indices on a hand-checked fixture (demo network, feeder F0101: T1..T12).
import { describe, expect, it } from 'vitest';
import { generateNetwork, indexNetwork, type OutageDto } from '@gridwatch/shared';
import { customerMinutes, reliability } from '../src/outage/reliability.ts';

const index = indexNetwork(generateNetwork());
const n = (id: string) => index.customersOf.get(id)!.length;
const H = 3_600_000;
const D0 = Date.parse('2026-11-01T00:00:00Z');

const outage = (patch: Partial<OutageDto>): OutageDto => ({
  id: 'x', status: 'restored', level: 'transformer', device: 'T000001', feeder: 'F0101', transformers: ['T000001'], customers: n('T000001'),
  startedAt: D0, detectedAt: D0, restoredAt: D0 + H, lon: 0, lat: 0, evidence: [], parentId: null, etr: null, faultSection: null, steps: [], restored: [],
  ...patch,
});

describe('reliability indices', () => {
  it('count step restoration minutes exactly', () => {
    // 100 customers out for 2 h, 40 of them back after 30 min: 40×30 + 60×120 = 8,400 minutes.
    const o = outage({ customers: 100, restoredAt: D0 + 2 * H, steps: [{ at: D0 + H / 2, customers: 40 }] });
    expect(customerMinutes(o, D0, D0 + 24 * H)).toBe(8_400);
    // Clipped to the period and to `now` for an open outage.
    expect(customerMinutes({ ...o, restoredAt: null, steps: [] }, D0, D0 + 24 * H, D0 + H)).toBe(6_000);
  });

  it('give SAIFI, SAIDI, CAIDI, MAIFI and CEMI per feeder and for the company', () => {
    const t1 = n('T000001');
    const t2 = n('T000002');
    const f0101 = index.network.customers.filter((c) => index.transformer.get(c.transformer)!.feeder === 'F0101').length;
    const all = index.network.customers.length;
    const outages: OutageDto[] = [
      outage({ id: 'a', startedAt: D0, restoredAt: D0 + H }), // T1, 60 min
      outage({ id: 'b', startedAt: D0 + 5 * H, restoredAt: D0 + 5.5 * H }), // T1 again, 30 min
      outage({ id: 'c', startedAt: D0 + 9 * H, restoredAt: D0 + 11 * H }), // T1 a third time, 120 min
      outage({ id: 'd', device: 'T000002', transformers: ['T000002'], customers: t2, status: 'momentary', startedAt: D0, restoredAt: D0 + 60_000 }),
      outage({ id: 'e', status: 'customer-side', level: 'meter', transformers: [], customers: 1 }), // not a grid interruption
      outage({ id: 'f', parentId: 'a', customers: 5 }), // nested: counted through its parent
      outage({ id: 'g', startedAt: D0 - 24 * H, restoredAt: D0 - 23 * H }), // before the period, but counts for CEMI
    ];
    const r = reliability(index, outages, { from: D0, to: D0 + 24 * H });
    const f = r.feeders.find((x) => x.feeder === 'F0101')!;
    expect(f.customersServed).toBe(f0101);
    expect(f.customerInterruptions).toBe(3 * t1);
    expect(f.customerMinutes).toBe(t1 * (60 + 30 + 120));
    expect(f.saifi).toBeCloseTo((3 * t1) / f0101, 4);
    expect(f.saidi).toBeCloseTo((210 * t1) / f0101, 2);
    expect(f.caidi).toBeCloseTo(70, 1);
    expect(f.maifi).toBeCloseTo(t2 / f0101, 4);
    expect(f.cemi).toBeCloseTo(t1 / f0101, 4); // T1 had 4 sustained interruptions in 12 months
    expect(r.company.customersServed).toBe(all);
    expect(r.company.saidi).toBeCloseTo((210 * t1) / all, 2);
    expect(r.feeders.find((x) => x.feeder === 'F0102')!.saifi).toBe(0);

    const noPlanned = reliability(index, [...outages, outage({ id: 'p', status: 'planned', startedAt: D0 + 12 * H, restoredAt: D0 + 13 * H })], { from: D0, to: D0 + 24 * H, includePlanned: false });
    expect(noPlanned.company.customerInterruptions).toBe(3 * t1);
  });
});
