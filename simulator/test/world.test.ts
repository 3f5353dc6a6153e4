import { describe, expect, it } from 'vitest';
import { createRng, EVENT_CODE, parseTopic, toEpochMs, type ReadingsMessage } from '@gridwatch/shared';
import { createClock } from '../src/clock.ts';
import { loadKw } from '../src/load.ts';
import { SCENARIOS } from '../src/scenarios.ts';
import { createSimulation } from '../src/simulation.ts';
import { createTopology } from '../src/topology.ts';
import { truthOf } from '../src/truth.ts';
import { createWorld, QUIET_FIELD, resolveField, type Action, type OutMessage } from '../src/world.ts';
import { contractProblem, eventsOf, isEvents, isReadings, MIN, net, network, simulate, START } from './helpers.ts';

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
    const o = { scenario: 'storm', seed: 7, faults: 12, field: { readingIntervalS: 300 } };
    const whole = simulate(o, 90 * MIN);
    expect(simulate(o, 90 * MIN)).toEqual(whole);
    expect(whole.truth.filter((r) => r.type === 'contact').length).toBeGreaterThan(10);

    const sim = createSimulation({ network, startSimMs: START, ...o });
    const sliced: OutMessage[] = [];
    const truth = [];
    const steps = createRng(99);
    for (let t = START; t < START + 90 * MIN; ) {
      t = Math.min(START + 90 * MIN, t + steps.int(1, 40_000));
      const step = sim.advance(t);
      sliced.push(...step.messages);
      truth.push(...step.truth);
    }
    expect(sliced).toEqual(whole.messages);
    expect(truth).toEqual(whole.truth);

    expect(JSON.stringify(simulate({ ...o, seed: 8 }, 90 * MIN))).not.toEqual(JSON.stringify(whole));
  });

  it('publishes only contract-valid messages, in delivery order, stamped no later than sent unless the clock is skewed', () => {
    for (const scenario of Object.keys(SCENARIOS)) {
      const o = { scenario, seed: 3, spanS: 3 * 3600, outageS: 1800, faults: 15, leadS: 600, field: { readingIntervalS: 900 } };
      const { messages, truth } = simulate(o, 3 * 60 * MIN);
      expect(messages.length, scenario).toBeGreaterThan(500);
      const skewed = new Set(truthOf(truth, 'clock-skew').map((r) => r.device));
      let last = -Infinity;
      for (const m of messages) {
        expect(m.atSimMs).toBeGreaterThanOrEqual(last);
        last = m.atSimMs;
        expect(contractProblem(m)).toBe('ok');
        const topic = parseTopic(m.topic)!;
        if (topic.kind === 'readings' || topic.kind === 'meter-events') {
          const tf = net.transformer.get(topic.scope!)!;
          expect(tf).toBeDefined();
          const stamps = topic.kind === 'readings' ? [{ device: tf.concentrator, ts: (m.payload as ReadingsMessage).ts }] : eventsOf(m);
          for (const { device, ts } of stamps) {
            expect(typeof ts === 'string' && ts.endsWith('Z')).toBe(true);
            if (!skewed.has(device)) expect(toEpochMs(ts)).toBeLessThanOrEqual(m.atSimMs);
            if (topic.kind === 'meter-events') expect(device === tf.concentrator || net.meter.get(device)?.transformer === tf.id, `${device} on ${m.topic}`).toBe(true);
          }
        }
        if (topic.kind === 'faults') expect(net.device.get((m.payload as { device: string }).device)?.feeder).toBe(topic.scope);
      }
    }
  });

  it('delivers last gasps for about the configured share of meters, with the configured delay', () => {
    for (const lastGaspFraction of [0.6, 0.3]) {
      const actions = manyOutages(300, 5 * MIN);
      const world = createWorld({ network: net, rng: createRng(5), startSimMs: START, actions, field: { ...QUIET_FIELD, lastGaspFraction } });
      const { messages } = world.advance(START + 301 * 10 * MIN);
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
    const quiet = { readingIntervalS: 60, ...QUIET_FIELD };
    const { messages } = simulate({ scenario: 'station-area-outage', transformer, outageS: 90, field: quiet }, 10 * MIN);
    const dcuEvents = messages.flatMap((m) => eventsOf(m).filter((e) => e.device === dcu).map((e) => ({ at: m.atSimMs, ...e })));
    expect(dcuEvents.map((e) => e.code)).toEqual([EVENT_CODE.powerOff, EVENT_CODE.powerRestored]);
    const [offEvent, onEvent] = dcuEvents;
    expect(toEpochMs(offEvent!.ts)).toBe(loss);
    expect(offEvent!.at - loss).toBeGreaterThanOrEqual(27_000);
    expect(offEvent!.at - loss).toBeLessThanOrEqual(33_000);
    expect(toEpochMs(onEvent!.ts)).toBe(restore);
    expect(onEvent!.at - restore).toBeLessThanOrEqual(5_000);

    // A blink shorter than the confirmation delay never reaches the concentrator's report.
    const blink = simulate({ scenario: 'station-area-outage', transformer, outageS: 10, field: quiet }, 5 * MIN).messages;
    expect(blink.filter(isEvents).flatMap(eventsOf).some((e) => e.device === dcu)).toBe(false);
    expect(blink.filter(isEvents).flatMap(eventsOf).some((e) => e.code === EVENT_CODE.lastGasp)).toBe(true);
  });

  it('sends no readings from a station area while it is dark', () => {
    const transformer = 'T000012';
    const loss = START + 20_000;
    const restore = loss + 5 * MIN;
    const { messages } = simulate({ scenario: 'station-area-outage', transformer, outageS: 300, field: { readingIntervalS: 10, ...QUIET_FIELD } }, 10 * MIN);
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
    const { messages } = simulate({ scenario: 'steady', field: { readingIntervalS: 900, ...QUIET_FIELD } }, 24 * 60 * MIN);
    const byHour = new Map<string, { sum: number; n: number }>();
    let [vMin, vMax] = [Infinity, -Infinity];
    for (const m of messages.filter(isReadings)) {
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

  it('duplicates about the configured share of messages and delivers a share late, out of order', () => {
    for (const rate of [0.02, 0.1]) {
      const { messages } = simulate({ scenario: 'steady', field: { ...QUIET_FIELD, readingIntervalS: 10, duplicateRate: rate, lateRate: rate } }, 30 * MIN);
      const seen = new Set<unknown>();
      let duplicates = 0;
      for (const m of messages) {
        if (seen.has(m.payload)) duplicates++;
        seen.add(m.payload);
      }
      expect(seen.size).toBeGreaterThan(10_000);
      expect(duplicates / seen.size).toBeGreaterThan(rate * 0.7);
      expect(duplicates / seen.size).toBeLessThan(rate * 1.3);
      // Readings leave at interval end + phase (< 10 s here); late ones are held up to 2 min.
      const lateShare = messages.filter((m) => m.atSimMs - toEpochMs((m.payload as ReadingsMessage).ts) > 10_000).length / messages.length;
      expect(lateShare).toBeGreaterThan(rate * 0.7);
      expect(lateShare).toBeLessThan(rate * 1.3);
      // Late means overtaken: some batches arrive after batches stamped later.
      let overtaken = 0;
      let newest = -Infinity;
      for (const m of messages) {
        const ts = toEpochMs((m.payload as ReadingsMessage).ts);
        if (ts < newest - 10_000) overtaken++;
        newest = Math.max(newest, ts);
      }
      expect(overtaken).toBeGreaterThan(0);
    }
  });

  it('skews the clocks of a share of devices by a constant offset', () => {
    const field = { ...QUIET_FIELD, readingIntervalS: 60, skewedConcentratorShare: 0.2, skewedMeterShare: 0.05, skewMaxS: 180 };
    const { messages, truth } = simulate({ scenario: 'storm', faults: 10, seed: 4, field }, 3 * 60 * MIN);
    const skews = new Map(truthOf(truth, 'clock-skew').map((r) => [r.device, r.offsetS * 1000]));
    const dcus = [...skews.keys()].filter((d) => d.startsWith('DCU')).length;
    expect(dcus / network.transformers.length).toBeGreaterThan(0.1);
    expect(dcus / network.transformers.length).toBeLessThan(0.3);
    for (const offset of skews.values()) expect(Math.abs(offset) >= 5_000 && Math.abs(offset) <= 180_000).toBe(true);
    // Readings are stamped at interval ends: their clock shows the interval end plus the offset.
    let checked = 0;
    for (const m of messages.filter(isReadings)) {
      const dcu = net.transformer.get(parseTopic(m.topic)!.scope!)!.concentrator;
      const ts = toEpochMs((m.payload as ReadingsMessage).ts);
      const offset = skews.get(dcu) ?? 0;
      expect(((ts - offset) % 60_000 + 60_000) % 60_000).toBe(0);
      if (offset) checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('rejects unknown or out-of-range field parameters', () => {
    expect(() => resolveField({ lateRate: 2 })).toThrow(/lateRate/);
    expect(() => resolveField({ nope: 1 } as never)).toThrow(/unknown field parameter "nope"/);
    expect(() => resolveField({ recloseIntervalsS: [2, -1] })).toThrow(/recloseIntervalsS/);
    expect(resolveField({ recloseIntervalsS: [] }).recloseIntervalsS).toEqual([]);
  });
});

describe('scenarios', () => {
  const ctx = (seed: number) => ({ net, topo: createTopology(net), rng: createRng(seed), startSimMs: START, idPrefix: 't-' });

  it('demo darkens one station area about every 2 minutes for 1-8 min, and every fifth time a lateral for 20-45 min', () => {
    const actions = SCENARIOS.demo!.actions(ctx(1));
    const offs = new Map<string, number>();
    const short: number[] = [];
    const laterals: number[] = [];
    let last = -Infinity;
    for (const a of actions) {
      if (a.atSimMs > START + 120 * MIN) break;
      if (a.kind !== 'power-off' && a.kind !== 'power-on') throw new Error(a.kind);
      expect(a.atSimMs).toBeGreaterThanOrEqual(last);
      last = a.atSimMs;
      const key = a.transformers.join(',');
      if (a.kind === 'power-off') {
        for (const t of a.transformers) expect([...offs.keys()].some((k) => k.split(',').includes(t))).toBe(false);
        offs.set(key, a.atSimMs);
      } else {
        (a.transformers.length > 1 ? laterals : short).push(a.atSimMs - offs.get(key)!);
        offs.delete(key);
      }
    }
    expect(short.length + laterals.length).toBeGreaterThan(45);
    expect(short.length + laterals.length).toBeLessThan(75);
    expect(Math.min(...short)).toBeGreaterThanOrEqual(60_000);
    expect(Math.max(...short)).toBeLessThanOrEqual(480_000);
    // Both momentary (< 5 min) and sustained outages, so the wall shows both.
    expect(short.some((d) => d < 300_000) && short.some((d) => d >= 300_000)).toBe(true);
    expect(laterals.length).toBeGreaterThan(3);
    expect(Math.min(...laterals)).toBeGreaterThanOrEqual(20 * MIN);
    expect(Math.max(...laterals)).toBeLessThanOrEqual(45 * MIN);
  });

  it('every finite scenario emits its actions in time order', () => {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      if (scenario.endless) continue;
      const actions = [...scenario.actions({ ...ctx(2), spanS: 86_400 })];
      expect(actions.map((a) => a.atSimMs), name).toEqual(actions.map((a) => a.atSimMs).sort((a, b) => a - b));
      expect(scenario.summary.length, name).toBeGreaterThan(10);
    }
  });

  it('rejects unknown ids and scenarios', () => {
    expect(() => simulate({ scenario: 'station-area-outage', transformer: 'NOPE' }, MIN)).toThrow(/unknown transformer/);
    expect(() => simulate({ scenario: 'feeder-lockout', device: 'NOPE' }, MIN)).toThrow(/unknown device/);
    expect(() => simulate({ scenario: 'customer-side', customer: 'NOPE' }, MIN)).toThrow(/unknown customer/);
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
