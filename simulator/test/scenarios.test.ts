// Scenario-level behaviour: planned outages, customer-side losses, communication losses, voltage
// complaints, a chronic line and everyday operations, each checked on the wire and against the
// ground truth (or, for the endless `daily`, on its actions).
import { describe, expect, it } from 'vitest';
import { createRng, EVENT_CODE, parseTopic, toEpochMs, type PlannedOutageMessage, type ReadingsMessage } from '@gridwatch/shared';
import { SCENARIOS } from '../src/scenarios.ts';
import { createTopology, REPORTING } from '../src/topology.ts';
import { truthOf } from '../src/truth.ts';
import { QUIET_FIELD, type Action } from '../src/world.ts';
import { eventsOf, faultsOf, H, isEvents, isReadings, MIN, net, network, S, simulate, START } from './helpers.ts';

const topo = createTopology(net);

describe('planned outage', () => {
  it('is announced the configured lead time ahead; the switch opens at the start and closes at the end', () => {
    const device = network.devices.find((d) => d.kind === 'switch')!.id;
    const leadS = 45 * 60;
    const { messages, truth } = simulate({ scenario: 'planned', device, leadS, outageS: 2 * 3600, field: { ...QUIET_FIELD, readingIntervalS: 300 } }, 5 * H);
    const announcements = messages.filter((m) => parseTopic(m.topic)?.kind === 'planned');
    expect(announcements).toHaveLength(1);
    const p = announcements[0]!.payload as PlannedOutageMessage;
    const [planned] = truthOf(truth, 'planned');
    expect(p).toMatchObject({ id: planned!.id, device, start: new Date(planned!.start).toISOString(), end: new Date(planned!.end).toISOString() });
    expect(toEpochMs(p.start) - toEpochMs(p.ts)).toBe(leadS * S);
    expect(announcements[0]!.atSimMs).toBeLessThan(toEpochMs(p.start));

    const da = faultsOf(messages).map((m) => [m.device, m.kind, toEpochMs(m.ts)]);
    expect(da).toEqual([[device, 'switch.open', toEpochMs(p.start)], [device, 'switch.close', toEpochMs(p.end)]]);
    // Nobody below the switch loses power before the announced start.
    const below = new Set(topo.below(device));
    const gasps = messages.filter((m) => isEvents(m) && below.has(parseTopic(m.topic)!.scope!)).flatMap(eventsOf).filter((e) => e.code === EVENT_CODE.lastGasp);
    expect(gasps.length).toBeGreaterThan(10);
    expect(Math.min(...gasps.map((e) => toEpochMs(e.ts)))).toBeGreaterThanOrEqual(toEpochMs(p.start));
    expect(truthOf(truth, 'restoration')).toMatchObject([{ cause: planned!.id, at: toEpochMs(p.end), partial: false, customerCount: planned!.customerCount }]);
    expect(planned!.informedCount / planned!.customerCount).toBeGreaterThan(0.65);
    expect(planned!.informedCount / planned!.customerCount).toBeLessThan(0.95);
  });
});

describe('customer-side loss', () => {
  it('one meter gasps while its transformer, its neighbours and the concentrator stay live; the customer calls', () => {
    const customer = network.customers.find((c) => c.type === 'residential' && c.transformer === 'T000020')!;
    const { messages, truth } = simulate({ scenario: 'customer-side', customer: customer.id, outageS: 3 * 3600, field: { ...QUIET_FIELD, readingIntervalS: 900 } }, 4 * H);
    const loss = START + MIN;
    const end = loss + 3 * H;
    const events = messages.filter((m) => m.topic === 'gw/v1/ami/T000020/events').flatMap(eventsOf);
    expect(events.map((e) => [e.device, e.code])).toEqual([[customer.meter, EVENT_CODE.lastGasp], [customer.meter, EVENT_CODE.powerRestored]]);
    expect(faultsOf(messages)).toEqual([]);
    // Readings keep coming from the concentrator, for every meter but the dark one.
    const neighbours = net.customersOf.get('T000020')!.length - 1;
    const during = messages.filter((m) => m.topic === 'gw/v1/ami/T000020/readings' && m.atSimMs > loss + 15 * MIN && m.atSimMs < end);
    expect(during.length).toBeGreaterThanOrEqual(10);
    for (const m of during) {
      const meters = (m.payload as ReadingsMessage).readings.map((r) => r.meter);
      expect(meters).toHaveLength(neighbours);
      expect(meters).not.toContain(customer.meter);
    }
    const [side] = truthOf(truth, 'customer-side');
    expect(side).toMatchObject({ customer: customer.id, at: loss, until: end, transformer: 'T000020' });
    const calls = truthOf(truth, 'contact').filter((c) => c.cause.kind === 'outage');
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.every((c) => c.customer === customer.id && c.at < end && c.cause.kind === 'outage' && c.cause.outage === side!.id)).toBe(true);
  });
});

describe('communication loss', () => {
  it('silences a concentrator without any last gasp or power event', () => {
    const { messages, truth } = simulate({ scenario: 'comm-loss', transformer: 'T000030', outageS: 3600, field: { ...QUIET_FIELD, readingIntervalS: 60 } }, 2 * H);
    const [loss] = truthOf(truth, 'comm-loss');
    expect(loss).toMatchObject({ transformer: 'T000030', at: START + MIN, until: START + 61 * MIN });
    const own = messages.filter((m) => parseTopic(m.topic)?.scope === 'T000030');
    expect(own.some((m) => m.atSimMs >= loss!.at && m.atSimMs < loss!.until)).toBe(false);
    expect(own.filter((m) => m.atSimMs < loss!.at).length).toBeGreaterThanOrEqual(1);
    expect(own.filter((m) => m.atSimMs >= loss!.until).length).toBeGreaterThan(50);
    expect(own.filter(isEvents)).toEqual([]);
    // The others are not affected, and nobody is without power.
    expect(messages.filter((m) => isReadings(m) && m.atSimMs >= loss!.at && m.atSimMs < loss!.until).length).toBeGreaterThan(71 * 55);
    expect(truthOf(truth, 'restoration')).toEqual([]);
  });

  it('happens now and then as background noise', () => {
    const { truth } = simulate({ scenario: 'steady', field: { readingIntervalS: 3600, commLossPerConcentratorPerDay: 0.5 } }, 24 * H);
    const losses = truthOf(truth, 'comm-loss');
    // 72 concentrators × 0.5 a day: ~36.
    expect(losses.length).toBeGreaterThan(20);
    expect(losses.length).toBeLessThan(55);
  });
});

describe('voltage complaints', () => {
  it('low voltage in readings and under-voltage events on one station area; voltage complaints, no outage', () => {
    const { messages, truth } = simulate(
      { scenario: 'voltage-complaints', transformer: 'T000005', outageS: 3 * 3600, field: { ...QUIET_FIELD, readingIntervalS: 900 }, behaviour: { voltage: { perHour: 0.2 } } },
      4 * H,
    );
    const [episode] = truthOf(truth, 'voltage');
    const vOf = (t: string, from: number, to: number) =>
      messages.filter((m) => m.topic === `gw/v1/ami/${t}/readings` && m.atSimMs > from && m.atSimMs < to).flatMap((m) => (m.payload as ReadingsMessage).readings.map((r) => r.v!));
    const low = vOf('T000005', episode!.at + 15 * MIN, episode!.until);
    expect(low.length).toBeGreaterThan(50);
    expect(Math.max(...low)).toBeLessThan(200);
    expect(Math.min(...vOf('T000006', episode!.at, episode!.until))).toBeGreaterThan(205);
    const events = messages.filter(isEvents).flatMap(eventsOf);
    const under = events.filter((e) => e.code === EVENT_CODE.underVoltage);
    const meters = net.customersOf.get('T000005')!.length;
    expect(under.length).toBeGreaterThan(meters * 0.25);
    expect(under.length).toBeLessThan(meters * 0.75);
    expect(events.filter((e) => e.code !== EVENT_CODE.underVoltage)).toEqual([]);
    const complaints = truthOf(truth, 'contact').filter((c) => c.category === 'voltage');
    expect(complaints.length).toBeGreaterThanOrEqual(3);
    expect(complaints.every((c) => net.customer.get(c.customer)!.transformer === 'T000005' && c.at < episode!.until)).toBe(true);
    expect(truthOf(truth, 'contact').filter((c) => c.category === 'outage')).toEqual([]);
  });
});

describe('chronic line', () => {
  it('18 sustained outages on one section; customers remember them and call more', () => {
    const run = (behaviour = {}) => simulate({ scenario: 'chronic-line', seed: 2, spanS: 4 * 86_400, field: { ...QUIET_FIELD, readingIntervalS: 3600 }, behaviour }, 4 * 86_400 * S).truth;
    const truth = run();
    const faults = truthOf(truth, 'fault').filter((f) => f.persistence === 'permanent');
    expect(faults).toHaveLength(18);
    expect(new Set(faults.map((f) => f.section)).size).toBe(1);
    expect(faults.every((f) => f.outcome === 'lockout')).toBe(true);
    const full = truthOf(truth, 'restoration').filter((r) => !r.partial && faults.some((f) => f.id === r.cause));
    expect(full).toHaveLength(18);
    // Outages do not overlap: each is over before the next.
    for (let i = 1; i < faults.length; i++) expect(faults[i]!.at).toBeGreaterThan(full[i - 1]!.at);

    // Share of interrupted customers who called, over the later outages.
    const later = faults.slice(6);
    const share = (records: typeof truth) => {
      const ids = new Set(later.map((f) => f.id));
      const callers = new Set(truthOf(records, 'contact').flatMap((c) => (c.cause.kind === 'outage' && ids.has(c.cause.outage) ? [`${c.customer}|${c.cause.outage}`] : [])));
      return callers.size / later.reduce((n, f) => n + f.customerCount, 0);
    };
    const forgetful = run({ repeat: { perOutage: 0 }, postRestoration: { perOutage: 0 } });
    expect(share(truth)).toBeGreaterThan(1.5 * share(forgetful));
    expect(truthOf(truth, 'contact').some((c) => c.cause.kind === 'repeat-outage')).toBe(true);
    expect(truthOf(forgetful, 'contact').some((c) => c.cause.kind === 'repeat-outage')).toBe(false);
  });
});

describe('daily operations', () => {
  const DAY = 24 * H;
  /** The scenario's actions over the first `days`, straight from the generator. */
  const daily = (seed: number, days: number, faults?: number) => {
    const out: Action[] = [];
    for (const a of SCENARIOS.daily!.actions({ net, topo, rng: createRng(seed), startSimMs: START, idPrefix: 't-', faults })) {
      if (a.atSimMs >= START + days * DAY) break;
      out.push(a);
    }
    return out;
  };
  const storm = (a: Action) => 'id' in a && a.id.startsWith('t-ds');
  type Start = Extract<Action, { kind: 'fault' | 'transformer-failure' | 'customer-loss' }>;
  const isStart = (a: Action): a is Start => a.kind === 'fault' || a.kind === 'transformer-failure' || a.kind === 'customer-loss';
  const kindOf = (a: Start) =>
    a.kind === 'transformer-failure' ? 'transformer' : a.kind === 'customer-loss' ? 'customer'
      : a.clearAfterS !== undefined ? 'momentary' : net.device.get(a.section)!.kind === 'fuse' ? 'fuse' : 'lockout';
  /** Local hour on the demo network (UTC+8). */
  const localHour = (ms: number) => (new Date(ms).getUTCHours() + 8) % 24;
  const month = daily(1, 30);
  const unplanned = month.filter((a): a is Start => isStart(a) && !storm(a));

  it('is endless, in time order, with unique ids from the run prefix', () => {
    expect(SCENARIOS.daily!.endless).toBe(true);
    let last = START;
    for (const a of month) {
      expect(a.atSimMs).toBeGreaterThanOrEqual(last);
      last = a.atSimMs;
    }
    expect(last).toBeGreaterThan(START + 29 * DAY);
    const ids = month.flatMap((a) => (isStart(a) || a.kind === 'planned' ? [a.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.startsWith('t-d'))).toBe(true);
    // Every permanent fault is repaired, every failure and switch it opened closed again (by the end).
    const faults = month.filter((a) => a.kind === 'fault' && a.clearAfterS === undefined && a.atSimMs < START + 29 * DAY);
    const repaired = new Set(month.flatMap((a) => (a.kind === 'repair' ? [a.id] : [])));
    expect(faults.filter((a) => !repaired.has((a as Start).id))).toEqual([]);
  });

  it('has about --faults unplanned outages a day, more in the afternoon and evening than at night', () => {
    const perDay = Array.from({ length: 30 }, (_, d) => unplanned.filter((a) => Math.floor((a.atSimMs - START) / DAY) === d).length);
    const mean = perDay.reduce((a, n) => a + n, 0) / 30;
    expect(mean).toBeGreaterThan(21);
    expect(mean).toBeLessThan(26);
    expect(Math.min(...perDay)).toBeGreaterThan(8);
    expect(Math.max(...perDay)).toBeLessThan(42);
    const twice = daily(1, 10, 48).filter((a) => isStart(a) && !storm(a)).length / 10;
    expect(twice).toBeGreaterThan(40);
    expect(twice).toBeLessThan(56);
    // Per hour: 15-20 h local against 0-6 h (weights 1.4 and 0.6).
    const rate = (from: number, to: number) => unplanned.filter((a) => localHour(a.atSimMs) >= from && localHour(a.atSimMs) < to).length / (to - from);
    expect(rate(15, 20) / rate(0, 6)).toBeGreaterThan(1.6);
  });

  it('mixes fuse blows, transformer failures, customer-side losses, lockouts and momentaries as configured', () => {
    const share = (kind: string) => unplanned.filter((a) => kindOf(a) === kind).length / unplanned.length;
    const mix = { fuse: 0.35, transformer: 0.25, customer: 0.2, lockout: 0.1, momentary: 0.1 };
    for (const [kind, expected] of Object.entries(mix)) expect(Math.abs(share(kind) - expected), kind).toBeLessThan(0.05);
    // Lockouts and momentaries are on trunk sections a breaker or recloser clears (no fuse above).
    for (const a of unplanned) {
      if (a.kind !== 'fault' || net.device.get(a.section)!.kind === 'fuse') continue;
      expect(topo.path(a.section).some((d) => net.device.get(d)!.kind === 'fuse')).toBe(false);
    }
    // Some lockouts have a wrong switching step: the crew closes the faulted section too early
    // (it trips again) and closes it once more after the repair.
    const closes = month.flatMap((a) => (a.kind === 'switch' && a.op === 'close' && a.cause && !a.cause.startsWith('t-ds') ? [`${a.cause}|${a.device}`] : []));
    expect(new Set(closes).size).toBeLessThan(closes.length);
    // Crews: customer-side losses last 30-240 min, transformer repairs 2-8 h.
    const repairOf = new Map(month.flatMap((a) => (a.kind === 'transformer-repair' ? [[a.id, a.atSimMs] as const] : [])));
    for (const a of unplanned) {
      if (a.kind === 'customer-loss') expect((a.untilSimMs - a.atSimMs) / MIN).toSatisfy((m: number) => m >= 30 && m <= 240);
      if (a.kind === 'transformer-failure' && repairOf.has(a.id)) expect((repairOf.get(a.id)! - a.atSimMs) / H).toSatisfy((h: number) => h >= 2 && h <= 8);
    }
  });

  it('hits a few chronic weak spots again and again', () => {
    const counts = (xs: string[]) => [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>()).values()].sort((a, b) => b - a);
    const fuses = counts(unplanned.flatMap((a) => (kindOf(a) === 'fuse' ? [(a as { section: string }).section] : [])));
    const tfs = counts(unplanned.flatMap((a) => (a.kind === 'transformer-failure' ? [a.transformer] : [])));
    // 24 fuses, ~250 fuse blows: the weak one takes ~30% of them, the others ~3% each.
    expect(fuses[0]).toBeGreaterThan(40);
    expect(fuses[1]).toBeLessThan(25);
    expect(tfs[0]).toBeGreaterThan(25);
    expect(tfs[1]).toBeLessThan(12);
  });

  it('announces planned work 2-4 days ahead, starting 08:00-14:00 local for 2-6 h, on a switching device', () => {
    const planned = month.filter((a): a is Extract<Action, { kind: 'planned' }> => a.kind === 'planned');
    // About one every 2 days.
    expect(planned.length).toBeGreaterThan(8);
    expect(planned.length).toBeLessThan(25);
    for (const p of planned) {
      expect((p.startSimMs - p.atSimMs) / DAY).toSatisfy((d: number) => d >= 2 && d <= 4);
      const h = localHour(p.startSimMs) + new Date(p.startSimMs).getUTCMinutes() / 60;
      expect(h).toSatisfy((x: number) => x >= 8 && x <= 14);
      expect((p.endSimMs - p.startSimMs) / H).toSatisfy((x: number) => x >= 2 && x <= 6);
      expect(REPORTING.has(net.device.get(p.device)!.kind)).toBe(true);
    }
  });

  it('starts no outage on an element still out, nor below one (faults of one storm cell aside)', () => {
    const actions = daily(3, 60);
    const lastOf = new Map<string, number>();
    for (const a of actions) {
      const id = a.kind === 'switch' ? a.cause : 'id' in a ? a.id : undefined;
      if (id) lastOf.set(id, a.atSimMs);
    }
    const cellOf = (id: string) => /^t-ds(\d+)/.exec(id)?.[1] ?? null;
    const out: { key: string; from: number; to: number; cell: string | null }[] = [];
    const clash = (keys: string[], at: number, cell: string | null) =>
      out.find((o) => keys.includes(o.key) && o.from <= at && at <= o.to && (cell === null || o.cell !== cell));
    let checked = 0;
    for (const a of actions) {
      if (a.kind === 'planned') out.push({ key: a.device, from: a.startSimMs, to: a.endSimMs, cell: null });
      if (!isStart(a)) continue;
      const key = a.kind === 'fault' ? a.section : a.kind === 'transformer-failure' ? a.transformer : a.customer;
      const tf = a.kind === 'customer-loss' ? net.customer.get(a.customer)!.transformer : a.kind === 'transformer-failure' ? a.transformer : null;
      // The element itself, its station area and every device above it.
      const keys = [key, ...(tf && tf !== key ? [tf] : []), ...topo.path(tf ? net.transformer.get(tf)!.device : key)];
      expect(clash(keys, a.atSimMs, cellOf(a.id)), `${a.id} on ${key}`).toBeUndefined();
      out.push({ key, from: a.atSimMs, to: a.kind === 'customer-loss' ? a.untilSimMs : a.kind === 'fault' && a.clearAfterS !== undefined ? a.atSimMs : lastOf.get(a.id)!, cell: cellOf(a.id) });
      checked++;
    }
    expect(checked).toBeGreaterThan(1_200);
  });

  it('brings a storm cell about every 10 days: 15-30 faults within an hour', () => {
    const actions = daily(1, 60);
    const cells = new Map<string, number[]>();
    for (const a of actions) {
      if (!isStart(a) || !storm(a)) continue;
      const cell = /^t-ds(\d+)/.exec(a.id)![1]!;
      cells.set(cell, [...(cells.get(cell) ?? []), a.atSimMs]);
    }
    expect(cells.size).toBeGreaterThanOrEqual(2);
    expect(cells.size).toBeLessThanOrEqual(14);
    for (const times of cells.values()) {
      // Faults on elements already out are dropped, so a cell may come out a little smaller.
      expect(times.length).toBeGreaterThanOrEqual(10);
      expect(times.length).toBeLessThanOrEqual(30);
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(H);
    }
  });

  it('gives the same actions for a seed and others for another seed', () => {
    expect(daily(7, 5)).toEqual(daily(7, 5));
    expect(JSON.stringify(daily(8, 5))).not.toEqual(JSON.stringify(daily(7, 5)));
  });

  it('runs through the world: outages of every kind, restorations and customer contacts', () => {
    const { truth } = simulate({ scenario: 'daily', seed: 2, field: { readingIntervalS: 3600 } }, 2 * DAY);
    const faults = truthOf(truth, 'fault');
    expect(faults.filter((f) => f.outcome === 'fuse').length).toBeGreaterThan(5);
    expect(faults.some((f) => f.outcome === 'lockout') && faults.some((f) => f.outcome === 'reclosed')).toBe(true);
    expect(truthOf(truth, 'transformer-failure').length).toBeGreaterThan(5);
    expect(truthOf(truth, 'customer-side').length).toBeGreaterThan(5);
    expect(truthOf(truth, 'restoration').length).toBeGreaterThan(20);
    expect(truthOf(truth, 'contact').filter((c) => c.cause.kind === 'outage').length).toBeGreaterThan(20);
  });
});
