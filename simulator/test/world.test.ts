import { describe, expect, it } from 'vitest';
import {
  createRng,
  EVENT_CODE,
  generateNetwork,
  indexNetwork,
  MeterEventsMessage,
  parseTopic,
  ReadingsMessage,
  toEpochMs,
  validator,
  type MeterEvent,
} from '@gridwatch/shared';
import { createClock } from '../src/clock.ts';
import { loadKw } from '../src/load.ts';
import { SCENARIOS } from '../src/scenarios.ts';
import { createSimulation, type SimulationOptions } from '../src/simulation.ts';
import { createWorld, type Action, type OutMessage } from '../src/world.ts';

const network = generateNetwork();
const net = indexNetwork(network);
const START = Date.parse('2025-06-01T00:00:00Z');
const MIN = 60_000;

const simulate = (o: Partial<SimulationOptions>, ms: number) =>
  createSimulation({ network, scenario: 'demo', seed: 1, startSimMs: START, readingIntervalS: 60, ...o }).advance(START + ms);

const eventsOf = (m: OutMessage): MeterEvent[] => {
  const p = m.payload as MeterEventsMessage;
  return 'events' in p ? p.events : [p];
};
const isEvents = (m: OutMessage) => m.topic.endsWith('/events');
const isReadings = (m: OutMessage) => m.topic.endsWith('/readings');

/** Many one-area outages, spaced so they never overlap. */
function manyOutages(count: number, durationMs: number): Action[] {
  const ids = network.transformers.map((t) => t.id);
  return Array.from({ length: count }, (_, i) => {
    const at = START + MIN + i * 10 * MIN;
    const transformers = [ids[i % ids.length]!];
    return [
      { kind: 'power-off' as const, atSimMs: at, transformers },
      { kind: 'power-on' as const, atSimMs: at + durationMs, transformers },
    ];
  }).flat();
}

describe('world', () => {
  it('is deterministic for a seed, however time is sliced', () => {
    const whole = simulate({ seed: 7 }, 30 * MIN);
    expect(simulate({ seed: 7 }, 30 * MIN)).toEqual(whole);

    const world = createSimulation({ network, scenario: 'demo', seed: 7, startSimMs: START, readingIntervalS: 60 });
    const sliced: OutMessage[] = [];
    const steps = createRng(99);
    for (let t = START; t < START + 30 * MIN; ) {
      t = Math.min(START + 30 * MIN, t + steps.int(1, 40_000));
      sliced.push(...world.advance(t));
    }
    expect(sliced).toEqual(whole);

    expect(JSON.stringify(simulate({ seed: 8 }, 30 * MIN))).not.toEqual(JSON.stringify(whole));
  });

  it('publishes only contract-valid messages, in time order, never stamped in the future', () => {
    const checks = { readings: validator(ReadingsMessage), 'meter-events': validator(MeterEventsMessage) };
    const messages = simulate({ seed: 3 }, 60 * MIN);
    expect(messages.filter(isEvents).length).toBeGreaterThan(100);
    let last = -Infinity;
    for (const m of messages) {
      expect(m.atSimMs).toBeGreaterThanOrEqual(last);
      last = m.atSimMs;
      const topic = parseTopic(m.topic);
      expect(topic?.kind === 'readings' || topic?.kind === 'meter-events', m.topic).toBe(true);
      const tf = net.transformer.get(topic!.scope!)!;
      expect(tf).toBeDefined();
      const result = checks[topic!.kind as 'readings' | 'meter-events'].check(m.payload);
      expect(result.ok ? 'ok' : result.reason).toBe('ok');
      const stamps =
        topic!.kind === 'readings' ? [(m.payload as ReadingsMessage).ts] : eventsOf(m).map((e) => e.ts);
      for (const ts of stamps) {
        expect(typeof ts === 'string' && ts.endsWith('Z')).toBe(true);
        expect(toEpochMs(ts)).toBeLessThanOrEqual(m.atSimMs);
      }
      if (topic!.kind === 'meter-events') {
        for (const e of eventsOf(m)) {
          const own = e.device === tf.concentrator || net.meter.get(e.device)?.transformer === tf.id;
          expect(own, `${e.device} on ${m.topic}`).toBe(true);
        }
      }
    }
  });

  it('delivers last gasps for about the configured share of meters, with the configured delay', () => {
    for (const lastGaspFraction of [0.6, 0.3]) {
      const actions = manyOutages(300, 5 * MIN);
      const world = createWorld({ network: net, rng: createRng(5), startSimMs: START, actions, lastGaspFraction });
      const messages = world.advance(START + 301 * 10 * MIN);
      const gasps = new Map<string, { at: number; ts: number }>();
      for (const m of messages.filter(isEvents)) {
        for (const e of eventsOf(m)) {
          if (e.code === EVENT_CODE.lastGasp) gasps.set(`${e.device}#${e.seq}`, { at: m.atSimMs, ts: toEpochMs(e.ts) });
        }
      }
      const metersOut = actions
        .filter((a) => a.kind === 'power-off')
        .reduce((n, a) => n + net.customersOf.get(a.transformers[0]!)!.length, 0);
      expect(metersOut).toBeGreaterThan(5_000);
      expect(gasps.size / metersOut).toBeGreaterThan(lastGaspFraction - 0.04);
      expect(gasps.size / metersOut).toBeLessThan(lastGaspFraction + 0.04);
      const meanDelayS = [...gasps.values()].reduce((s, g) => s + g.at - g.ts, 0) / gasps.size / 1000;
      expect(meanDelayS).toBeGreaterThan(17);
      expect(meanDelayS).toBeLessThan(23);
    }
  });

  it('has the concentrator report power-off ~30 s after the loss and power-restored on restore', () => {
    const transformer = 'T000007';
    const dcu = net.transformer.get(transformer)!.concentrator;
    const loss = START + 20_000;
    const restore = loss + 90_000;
    const messages = simulate({ scenario: 'station-area-outage', transformer, outageS: 90, duplicateRate: 0 }, 10 * MIN);
    const dcuEvents = messages.flatMap((m) => eventsOf(m).filter((e) => e.device === dcu).map((e) => ({ at: m.atSimMs, ...e })));
    expect(dcuEvents.map((e) => e.code)).toEqual([EVENT_CODE.powerOff, EVENT_CODE.powerRestored]);
    const [offEvent, onEvent] = dcuEvents;
    expect(toEpochMs(offEvent!.ts)).toBe(loss);
    expect(offEvent!.at - loss).toBeGreaterThanOrEqual(27_000);
    expect(offEvent!.at - loss).toBeLessThanOrEqual(33_000);
    expect(toEpochMs(onEvent!.ts)).toBe(restore);
    expect(onEvent!.at - restore).toBeLessThanOrEqual(5_000);

    // A blink shorter than the confirmation delay never reaches the concentrator's report.
    const blink = simulate({ scenario: 'station-area-outage', transformer, outageS: 10 }, 5 * MIN);
    expect(blink.filter(isEvents).flatMap(eventsOf).some((e) => e.device === dcu)).toBe(false);
    expect(blink.filter(isEvents).flatMap(eventsOf).some((e) => e.code === EVENT_CODE.lastGasp)).toBe(true);
  });

  it('sends no readings from a station area while it is dark', () => {
    const transformer = 'T000012';
    const loss = START + 20_000;
    const restore = loss + 5 * MIN;
    const messages = simulate({ scenario: 'station-area-outage', transformer, outageS: 300, readingIntervalS: 10 }, 10 * MIN);
    const topic = `gw/v1/ami/${transformer}/readings`;
    const own = messages.filter((m) => m.topic === topic);
    expect(own.some((m) => m.atSimMs > loss && m.atSimMs < restore)).toBe(false);
    expect(own.some((m) => m.atSimMs < loss)).toBe(true);
    expect(own.some((m) => m.atSimMs > restore)).toBe(true);
    // Everyone else keeps reporting through it.
    const others = messages.filter((m) => isReadings(m) && m.topic !== topic && m.atSimMs > loss && m.atSimMs < restore);
    expect(others.length).toBeGreaterThan((network.transformers.length - 1) * 25);
  });

  it('shapes readings by customer type and time of day, with voltage near 220 V', () => {
    const messages = simulate({ scenario: 'steady', readingIntervalS: 900, duplicateRate: 0 }, 24 * 60 * MIN);
    const byHour = new Map<string, { sum: number; n: number }>();
    let [vMin, vMax] = [Infinity, -Infinity];
    for (const m of messages) {
      const { ts, readings } = m.payload as ReadingsMessage;
      const hour = (new Date(toEpochMs(ts)).getUTCHours() + 8) % 24; // the demo network is in UTC+8
      for (const r of readings) {
        const key = `${net.meter.get(r.meter)!.type}@${hour}`;
        const acc = byHour.get(key) ?? { sum: 0, n: 0 };
        byHour.set(key, { sum: acc.sum + r.kwh, n: acc.n + 1 });
        [vMin, vMax] = [Math.min(vMin, r.v!), Math.max(vMax, r.v!)];
      }
    }
    const mean = (key: string) => byHour.get(key)!.sum / byHour.get(key)!.n;
    expect(mean('residential@20')).toBeGreaterThan(2.5 * mean('residential@3'));
    expect(mean('commercial@14')).toBeGreaterThan(2.5 * mean('commercial@2'));
    expect(mean('industrial@14') / mean('industrial@2')).toBeCloseTo(1, 0);
    expect(loadKw('critical', 3)).toBeGreaterThan(loadKw('commercial', 14));
    expect(vMin).toBeGreaterThan(205);
    expect(vMax).toBeLessThan(235);
  });

  it('duplicates about the configured share of messages', () => {
    for (const duplicateRate of [0.02, 0.1]) {
      const messages = simulate({ scenario: 'steady', readingIntervalS: 10, duplicateRate }, 30 * MIN);
      const seen = new Set<unknown>();
      let duplicates = 0;
      for (const m of messages) {
        if (seen.has(m.payload)) duplicates++;
        seen.add(m.payload);
      }
      const rate = duplicates / seen.size;
      expect(seen.size).toBeGreaterThan(10_000);
      expect(rate).toBeGreaterThan(duplicateRate * 0.7);
      expect(rate).toBeLessThan(duplicateRate * 1.3);
    }
  });
});

describe('scenarios', () => {
  it('demo darkens one station area about every 2 minutes for 45-120 s', () => {
    const actions = SCENARIOS.demo!.actions({ net, rng: createRng(1), startSimMs: START });
    const offs = new Map<string, number>();
    const durations: number[] = [];
    let last = -Infinity;
    for (const a of actions) {
      if (a.atSimMs > START + 120 * MIN) break;
      expect(a.atSimMs).toBeGreaterThanOrEqual(last);
      last = a.atSimMs;
      const id = a.transformers[0]!;
      if (a.kind === 'power-off') {
        expect(offs.has(id)).toBe(false);
        offs.set(id, a.atSimMs);
      } else {
        durations.push(a.atSimMs - offs.get(id)!);
        offs.delete(id);
      }
    }
    expect(durations.length).toBeGreaterThan(45);
    expect(durations.length).toBeLessThan(75);
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(45_000);
    expect(Math.max(...durations)).toBeLessThanOrEqual(120_000);
  });

  it('rejects an unknown station area', () => {
    expect(() => simulate({ scenario: 'station-area-outage', transformer: 'NOPE' }, MIN)).toThrow(/unknown transformer/);
    expect(() => simulate({ scenario: 'nope' }, MIN)).toThrow(/unknown scenario/);
  });
});

describe('clock', () => {
  it('runs at the given speed from the start', () => {
    let real = 1_000;
    const clock = createClock({ startSimMs: START, speed: 60, realNow: () => real });
    expect(clock.now()).toBe(START);
    real += 1_000;
    expect(clock.now()).toBe(START + 60_000);
    expect(createClock({ realNow: () => 42 }).now()).toBe(42);
  });
});
