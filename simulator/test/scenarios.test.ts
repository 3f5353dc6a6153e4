// Scenario-level behaviour: planned outages, customer-side losses, communication losses, voltage
// complaints and a chronic line, each checked on the wire and against the ground truth.
import { describe, expect, it } from 'vitest';
import { EVENT_CODE, parseTopic, toEpochMs, type PlannedOutageMessage, type ReadingsMessage } from '@gridwatch/shared';
import { createTopology } from '../src/topology.ts';
import { truthOf } from '../src/truth.ts';
import { QUIET_FIELD } from '../src/world.ts';
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
