import { describe, expect, it } from 'vitest';
import {
  NetworkFile, ReadingsMessage, generateNetwork, indexNetwork, parseTopic, toEpochMs, topics, validator,
} from '../src/index.ts';

describe('topics', () => {
  const t = topics('gw/v1');
  it('round-trip through parseTopic', () => {
    expect(parseTopic(t.readings('T000001'))).toEqual({ kind: 'readings', scope: 'T000001' });
    expect(parseTopic(t.meterEvents('T000001'))).toEqual({ kind: 'meter-events', scope: 'T000001' });
    expect(parseTopic(t.faults('F0101'))).toEqual({ kind: 'faults', scope: 'F0101' });
    expect(parseTopic(t.contacts())).toEqual({ kind: 'contacts' });
  });
  it('reject other shapes and prefixes', () => {
    for (const bad of ['gw/v1/ami/T1', 'gw/v1/ami/T1/readings/x', 'gw/v2/ami/T1/readings', 'gw/v1/ami/a b/readings', 'gw/v1/notify/outage/1', 'gw/v1/ami//readings']) {
      expect(parseTopic(bad)).toBeNull();
    }
    expect(parseTopic('site/gw/ami/T1/readings', 'site/gw')).toEqual({ kind: 'readings', scope: 'T1' });
  });
});

describe('timestamps', () => {
  it('accept RFC 3339 with a zone and epoch ms; refuse anything vaguer', () => {
    expect(toEpochMs('2026-11-27T08:00:00Z')).toBe(Date.UTC(2026, 10, 27, 8));
    expect(toEpochMs('2026-11-27T16:00:00+08:00')).toBe(Date.UTC(2026, 10, 27, 8));
    expect(toEpochMs(1_795_000_000_000)).toBe(1_795_000_000_000);
    for (const bad of ['2026-11-27', '2026-11-27T08:00:00', '27/11/2026 08:00', 'now']) expect(toEpochMs(bad)).toBeNaN();
  });
});

describe('schemas', () => {
  const check = validator(ReadingsMessage);
  it('report the path of the first error', () => {
    const r = check.check({ ts: '2026-11-27T08:00:00Z', interval_s: 900, readings: [{ meter: 'M1', kwh: 'lots' }] });
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^schema: \/readings\/0\/kwh/) });
    expect(check.check({ ts: '2026-11-27T08:00:00Z', interval_s: 900, readings: [{ meter: 'M1', kwh: 1.5 }] }).ok).toBe(true);
  });
});

describe('generated networks', () => {
  it('are valid, deterministic for a seed, and fully connected upstream', () => {
    const a = generateNetwork({ seed: 4 });
    expect(validator(NetworkFile).check(a).ok).toBe(true);
    expect(generateNetwork({ seed: 4 })).toEqual(a);
    expect(generateNetwork({ seed: 5 })).not.toEqual(a);
    const index = indexNetwork(a);
    for (const t of a.transformers) {
      const path = index.upstream(t.id);
      expect(path[0]).toBe(t.device);
      expect(index.device.get(path.at(-1)!)!.kind).toBe('breaker');
      expect(index.customersOf.get(t.id)!.length).toBeGreaterThan(0);
    }
    expect(new Set(a.customers.map((c) => c.meter)).size).toBe(a.customers.length);
  });
});
