// Faults, protection, FCIs and switching: what distribution automation reports must match where
// the fault really is. Expected sets are recomputed here from the raw device tree (parent links),
// not taken from the simulator's own topology module.
import { describe, expect, it } from 'vitest';
import { createRng, EVENT_CODE, toEpochMs, type Device } from '@gridwatch/shared';
import { faultResponse } from '../src/scenarios.ts';
import { createTopology } from '../src/topology.ts';
import { truthOf } from '../src/truth.ts';
import { createWorld, QUIET_FIELD } from '../src/world.ts';
import { eventsOf, faultsOf, H, isEvents, isReadings, MIN, net, network, S, simulate, START } from './helpers.ts';

const parentOf = (id: string) => net.device.get(id)!.parent;
/** Devices from `id` up to the feeder head, by parent links. */
const pathUp = (id: string) => {
  const out: string[] = [];
  for (let d: string | null = id; d; d = parentOf(d)) out.push(d);
  return out;
};
const interruptsFaults = (d: Device) => d.kind === 'breaker' || d.kind === 'recloser' || d.kind === 'fuse';
const expectedFcis = (section: string) => pathUp(section).filter((d) => net.device.get(d)!.fci);
const expectedInterrupter = (section: string) => pathUp(section).find((d) => interruptsFaults(net.device.get(d)!))!;
const transformersBelow = (device: string) => network.transformers.filter((t) => pathUp(t.device).includes(device)).map((t) => t.id);
const customersBelow = (device: string) => transformersBelow(device).flatMap((t) => net.customersOf.get(t)!.map((c) => c.id));
const sorted = <T>(xs: Iterable<T>) => [...xs].sort();

describe('fault location', () => {
  it('every fault of a storm: interrupter, FCIs upstream of the fault only, customers below the interrupter', () => {
    const { messages, truth } = simulate({ scenario: 'storm', faults: 40, seed: 11, field: { readingIntervalS: 3600 } }, 12 * H);
    const operations = truthOf(truth, 'fault').filter((f) => f.device !== null);
    expect(operations.length).toBeGreaterThan(15);
    expect(new Set(operations.map((f) => f.outcome))).toEqual(new Set(['lockout', 'fuse', 'reclosed']));

    // Duplicates are QoS 1 redeliveries: one physical report each.
    const da = new Map(faultsOf(messages).map((m) => [`${m.device}|${m.ts}|${m.kind}`, m]));
    const fciAt = new Map<string, Set<string>>();
    for (const m of da.values()) {
      if (m.kind !== 'fci.fault') continue;
      const key = `${net.device.get(m.device)!.feeder}|${toEpochMs(m.ts)}`;
      fciAt.set(key, (fciAt.get(key) ?? new Set()).add(m.device));
    }
    // Latch state per FCI over time, from the reports themselves.
    const history = [...da.values()].filter((m) => m.kind.startsWith('fci.')).sort((a, b) => toEpochMs(a.ts) - toEpochMs(b.ts));
    const indicatingAt = (device: string, at: number) => {
      let state = false;
      for (const m of history) if (m.device === device && toEpochMs(m.ts) < at) state = m.kind === 'fci.fault';
      return state;
    };

    let matched = 0;
    for (const f of operations) {
      const expected = expectedFcis(f.section);
      expect(sorted(f.fcis)).toEqual(sorted(expected));
      expect(f.device).toBe(expectedInterrupter(f.section));
      const reported = fciAt.get(`${f.feeder}|${f.at}`) ?? new Set();
      expect(sorted(reported), f.id).toEqual(sorted(f.fciReported));
      for (const d of reported) expect(expected).toContain(d);
      // Those on the path that did not report were still indicating from an earlier fault.
      for (const d of expected.filter((x) => !reported.has(x))) expect(indicatingAt(d, f.at), `${d} for ${f.id}`).toBe(true);
      // Nothing below the fault reports it.
      for (const d of network.devices.filter((x) => x.id !== f.section && pathUp(x.id).includes(f.section))) expect(reported.has(d.id)).toBe(false);
      matched += reported.size;
      // Breakers and reclosers report their trip; fuses never report.
      const kind = net.device.get(f.device!)!.kind;
      expect(da.has(`${f.device}|${new Date(f.at).toISOString()}|breaker.trip`)).toBe(kind !== 'fuse');
      // Whoever lost power hangs below the interrupter.
      const below = new Set(transformersBelow(f.device!));
      for (const t of f.transformers) expect(below.has(t)).toBe(true);
    }
    // Every FCI report belongs to a fault operation.
    expect(matched).toBe([...fciAt.values()].reduce((n, s) => n + s.size, 0));
    expect([...da.values()].some((m) => net.device.get(m.device)!.kind === 'fuse')).toBe(false);
  });

  it('feeder lockout: failed recloses, lockout, isolation, partial then full restoration', () => {
    const topo = createTopology(net);
    const section = network.devices.find((d) => d.kind === 'switch' && topo.interrupter(d.id) !== d.id)!.id;
    const op = expectedInterrupter(section);
    const { messages, truth } = simulate({ scenario: 'feeder-lockout', device: section, outageS: 3 * 3600, field: { ...QUIET_FIELD, readingIntervalS: 300 } }, 4 * H);
    const t0 = START + MIN;
    const da = faultsOf(messages).sort((a, b) => toEpochMs(a.ts) - toEpochMs(b.ts));

    const protection = da.filter((m) => m.device === op && m.kind.startsWith('breaker.'));
    expect(protection.map((m) => m.kind)).toEqual([
      'breaker.trip', 'breaker.reclose', 'breaker.trip', 'breaker.reclose', 'breaker.trip', 'breaker.reclose', 'breaker.trip', 'breaker.lockout',
    ]);
    expect(toEpochMs(protection[0]!.ts)).toBe(t0);
    expect(toEpochMs(protection[7]!.ts) - t0).toBeLessThan(60 * S);
    expect(sorted(da.filter((m) => m.kind === 'fci.fault').map((m) => m.device))).toEqual(sorted(expectedFcis(section)));

    const [fault] = truthOf(truth, 'fault');
    expect(fault).toMatchObject({ section, device: op, outcome: 'lockout', operation: 1 });
    expect(sorted(fault!.customers)).toEqual(sorted(customersBelow(op)));

    // Crew: open the faulted section, close the feeder (partial), close the section (full).
    const switching = da.filter((m) => m.kind.startsWith('switch.')).map((m) => [m.device, m.kind, (toEpochMs(m.ts) - t0) / MIN]);
    expect(switching).toEqual([[section, 'switch.open', 40], [op, 'switch.close', 45], [section, 'switch.close', 181]]);
    const [partial, full] = truthOf(truth, 'restoration');
    expect(partial).toMatchObject({ cause: fault!.id, at: t0 + 45 * MIN, partial: true, remainingCustomers: customersBelow(section).length });
    expect(sorted(partial!.transformers)).toEqual(sorted(transformersBelow(op).filter((t) => !transformersBelow(section).includes(t))));
    expect(full).toMatchObject({ cause: fault!.id, at: t0 + 181 * MIN, partial: false, remainingCustomers: 0 });
    expect(sorted(full!.transformers)).toEqual(sorted(transformersBelow(section)));
    // FCIs reset as their line gets voltage back.
    const clears = da.filter((m) => m.kind === 'fci.clear').map((m) => [m.device, Math.floor((toEpochMs(m.ts) - t0) / MIN)]);
    expect(clears).toEqual(expectedFcis(section).map((d) => [d, d === section ? 181 : 45]).sort((a, b) => (a[1] as number) - (b[1] as number)));

    // Readings tell the same story: the healthy part is back after 45 min, the faulted part at the end.
    const readingsFrom = (t: string) => messages.filter((m) => isReadings(m) && m.topic.includes(`/${t}/`)).map((m) => (m.atSimMs - t0) / MIN);
    const healthy = transformersBelow(op).find((t) => !transformersBelow(section).includes(t))!;
    const faulted = transformersBelow(section)[0]!;
    expect(readingsFrom(healthy).some((m) => m > 1 && m < 45)).toBe(false);
    expect(readingsFrom(healthy).some((m) => m > 45 && m < 181)).toBe(true);
    expect(readingsFrom(faulted).some((m) => m > 1 && m < 181)).toBe(false);
    const elsewhere = network.transformers.find((t) => !transformersBelow(op).includes(t.id))!.id;
    expect(readingsFrom(elsewhere).filter((m) => m > 1 && m < 181).length).toBeGreaterThan(30);
  });

  it('momentary: trip and a successful reclose within seconds, power back, no lockout', () => {
    const { messages, truth } = simulate({ scenario: 'reclose-success', seed: 5, field: { ...QUIET_FIELD, readingIntervalS: 300 } }, 30 * MIN);
    const [fault] = truthOf(truth, 'fault');
    const op = fault!.device!;
    const protection = faultsOf(messages).filter((m) => m.device === op && m.kind.startsWith('breaker.')).sort((a, b) => toEpochMs(a.ts) - toEpochMs(b.ts));
    expect(protection.map((m) => m.kind)).toEqual(['breaker.trip', 'breaker.reclose']);
    const outageMs = toEpochMs(protection[1]!.ts) - toEpochMs(protection[0]!.ts);
    expect(outageMs).toBeGreaterThan(0);
    expect(outageMs).toBeLessThanOrEqual(5 * S);
    const [momentary] = truthOf(truth, 'momentary');
    expect(momentary).toMatchObject({ id: fault!.id, device: op, restoredAt: fault!.restoredAt, customerCount: customersBelow(op).length });
    expect(truthOf(truth, 'restoration')).toMatchObject([{ cause: fault!.id, at: fault!.restoredAt, partial: false }]);
    // Meters blink (last gasps, restores); concentrators never confirm so short a loss.
    const events = messages.filter(isEvents).flatMap(eventsOf);
    expect(events.some((e) => e.code === EVENT_CODE.lastGasp)).toBe(true);
    expect(events.some((e) => e.device.startsWith('DCU'))).toBe(false);
    expect(faultsOf(messages).filter((m) => m.kind === 'fci.clear').map((m) => m.device)).toEqual(expectedFcis(fault!.section).filter((d) => pathUp(d).includes(op)));
    // Nobody calls about two seconds without power.
    expect(truthOf(truth, 'contact').filter((c) => c.cause.kind !== 'background')).toEqual([]);
  });

  it('closing a faulted section before the repair trips the feeder again: a repeat outage', () => {
    const topo = createTopology(net);
    const section = network.devices.find((d) => d.kind === 'switch' && topo.interrupter(d.id) !== d.id)!.id;
    const op = expectedInterrupter(section);
    const actions = faultResponse(topo, { id: 'F1', section, atSimMs: START + MIN, isolateAfterMs: 30 * MIN, repairAfterMs: 3 * H, wrongStep: true }).sort((a, b) => a.atSimMs - b.atSimMs);
    const world = createWorld({ network: net, rng: createRng(2), startSimMs: START, actions, field: { ...QUIET_FIELD, readingIntervalS: 3600 } });
    const { messages, truth } = world.advance(START + 5 * H);
    const ops = truthOf(truth, 'fault');
    expect(ops.map((f) => [f.operation, f.closedOnto, f.outcome])).toEqual([[1, false, 'lockout'], [2, true, 'lockout']]);
    const healthy = transformersBelow(op).filter((t) => !transformersBelow(section).includes(t));
    // The second operation darkens exactly the customers the partial restoration had brought back.
    expect(sorted(ops[1]!.transformers)).toEqual(sorted(healthy));
    // Switched onto a fault: trip and lockout at once, no reclose attempts.
    const second = faultsOf(messages)
      .filter((m) => m.device === op && m.kind.startsWith('breaker.') && toEpochMs(m.ts) >= ops[1]!.at)
      .sort((a, b) => toEpochMs(a.ts) - toEpochMs(b.ts))
      .map((m) => m.kind);
    expect(second.slice(0, 2)).toEqual(['breaker.trip', 'breaker.lockout']);
    expect(second).not.toContain('breaker.reclose');
    const restorations = truthOf(truth, 'restoration');
    expect(restorations.map((r) => r.partial)).toEqual([true, true, false]);
    expect(restorations.every((r) => r.cause === 'F1')).toBe(true);
  });

  it('a transformer failure darkens one station area without any DA report', () => {
    const { messages, truth } = simulate({ scenario: 'transformer-failure', transformer: 'T000010', outageS: 2 * 3600, field: { ...QUIET_FIELD } }, 3 * H);
    expect(faultsOf(messages)).toEqual([]);
    expect(truthOf(truth, 'transformer-failure')).toMatchObject([{ transformer: 'T000010', customerCount: net.customersOf.get('T000010')!.length }]);
    const dcu = net.transformer.get('T000010')!.concentrator;
    const dcuEvents = messages.filter(isEvents).flatMap(eventsOf).filter((e) => e.device === dcu).map((e) => [e.code, (toEpochMs(e.ts) - START) / MIN]);
    expect(dcuEvents).toEqual([[EVENT_CODE.powerOff, 1], [EVENT_CODE.powerRestored, 121]]);
    expect(truthOf(truth, 'restoration')).toMatchObject([{ at: START + 121 * MIN, transformers: ['T000010'], partial: false }]);
  });
});
