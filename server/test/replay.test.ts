// What a restarted engine gets back (outage/replay.ts): evidence the previous process had taken
// and not yet acted on, and nothing a stored outage already accounts for. The same end to end,
// with a real SIGKILL of a server process, is in faults.real.test.ts.
import { describe, expect, it } from 'vitest';
import { generateNetwork, indexNetwork, type OutageDto } from '@gridwatch/shared';
import { OutageEngine } from '../src/outage/engine.ts';
import { pendingEvidence, type StoredFaultEvent, type StoredPowerEvent } from '../src/outage/replay.ts';

const index = indexNetwork(generateNetwork());
const T = (n: number) => `T${String(n).padStart(6, '0')}`;
const tf = (n: number) => index.transformer.get(T(n))!;
const metersOf = (n: number) => index.customersOf.get(T(n))!.map((c) => c.meter);
const T0 = Date.parse('2026-11-27T08:00:00Z');
const S = 1000;

const off = (n: number, ts: number, meters = 3): StoredPowerEvent[] =>
  metersOf(n).slice(0, meters).map((m, i) => ({ device: m, transformer: T(n), concentrator: false, kind: 'power-off', ts: ts + i * S, receivedAt: ts + 20 * S + i }));
const dcu = (n: number, kind: StoredPowerEvent['kind'], ts: number): StoredPowerEvent => ({ device: tf(n).concentrator, transformer: T(n), concentrator: true, kind, ts, receivedAt: ts + 30 * S });
const da = (device: string, kind: StoredFaultEvent['kind'], ts: number): StoredFaultEvent => ({ device, kind, feeder: index.device.get(device)!.feeder, ts, receivedAt: ts + S });
const stored = (n: number, startedAt: number, restoredAt: number | null): OutageDto =>
  ({ id: `OUT-${T(n)}-${startedAt}`, device: T(n), level: 'transformer', feeder: tf(n).feeder, transformers: [T(n)], startedAt, restoredAt, parentId: null }) as OutageDto;

function engineAfter(replay: ReturnType<typeof pendingEvidence>, open: OutageDto[] = []) {
  let now = T0 + 10 * 60 * S;
  const engine = new OutageEngine({ index, now: () => now, minMeters: 3, holdMs: 35 * S }, open);
  for (const x of replay) 'power' in x ? engine.apply(x.power) : engine.fault(x.fault);
  now += 40 * S;
  engine.tick();
  return engine;
}

describe('evidence replayed into a restarted engine', () => {
  it('gives back a station area that was dark and in its hold, and it becomes its outage', () => {
    const replay = pendingEvidence({ index, minMeters: 3, daHoldMs: 45 * S, outages: [], power: [...off(1, T0), dcu(1, 'power-off', T0 + 30 * S)], faults: [] });
    expect(replay).toHaveLength(4);
    expect(engineAfter(replay).active()).toEqual([expect.objectContaining({ device: T(1), startedAt: T0, status: 'confirmed' })]);
  });

  it('leaves out what a stored outage accounts for: an open one (no evidence twice) and a restored one (never re-opened)', () => {
    const power = [...off(1, T0), dcu(1, 'power-off', T0 + 30 * S), ...off(2, T0), dcu(2, 'power-restored', T0 + 120 * S), ...off(3, T0)];
    const outages = [stored(1, T0, null), stored(2, T0, T0 + 120 * S)];
    const replay = pendingEvidence({ index, minMeters: 3, daHoldMs: 45 * S, outages, power, faults: [] });
    // Only T3's loss, which no stored outage covers.
    expect(new Set(replay.map((x) => ('power' in x ? x.power.transformer : null)))).toEqual(new Set([T(3)]));
    // A later loss of T2, after its stored outage was restored, is a new one.
    const again = pendingEvidence({ index, minMeters: 3, daHoldMs: 45 * S, outages, power: off(2, T0 + 10 * 60 * S), faults: [] });
    expect(again).toHaveLength(3);
  });

  it("does not replay a lone meter's last gasp (readings decide those), but replays the restorations of an area it gives back", () => {
    const lone = pendingEvidence({ index, minMeters: 3, daHoldMs: 45 * S, outages: [], power: off(4, T0, 1), faults: [] });
    expect(lone).toEqual([]);
    const back = pendingEvidence({ index, minMeters: 3, daHoldMs: 45 * S, outages: [], power: [...off(5, T0), dcu(5, 'power-restored', T0 + 60 * S)], faults: [] });
    expect(back.map((x) => 'power' in x && x.power.kind)).toEqual(['power-off', 'power-off', 'power-off', 'power-restored']);
    // Back before its hold expired: reported, as a momentary interruption, not left dark.
    const engine = engineAfter(back);
    expect(engine.active()).toEqual([]);
    expect(engine.current()).toEqual([expect.objectContaining({ device: T(5), startedAt: T0, restoredAt: T0 + 60 * S, status: 'momentary' })]);
  });

  it('replays a trip no outage accounts for, and a close on a feeder with an open outage', () => {
    const lockedOut = { ...stored(1, T0, null), device: 'F0101-B', level: 'device', transformers: [T(1), T(2)] } as OutageDto;
    const faults = [da('F0102-B', 'breaker.trip', T0), da('F0101-B', 'breaker.trip', T0), da('F0101-B', 'breaker.lockout', T0 + 5 * S), da('F0101-S1', 'switch.close', T0 + 300 * S)];
    const replay = pendingEvidence({ index, minMeters: 3, daHoldMs: 45 * S, outages: [lockedOut], power: [], faults });
    expect(replay.map((x) => 'fault' in x && `${x.fault.device} ${x.fault.kind}`)).toEqual(['F0102-B breaker.trip', 'F0101-S1 switch.close']);
  });
});
