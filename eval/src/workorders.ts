// A simulated day of work orders: the simulator's `daily` scenario runs in-process with a virtual
// clock through GridWatch's ingest, outage engine and work-order desk; the simulated workforce
// (grid team leaders and the callback desk, simulator/src/workforce.ts) works the orders as it
// would through the API. The desk learns nothing from the simulator but the messages; the truth
// is read here only to score (which category each contact really was).
import { indexNetwork, type NetworkFile, type NetworkIndex, type OrderDto, type ServiceKpis } from '@gridwatch/shared';
import { OutageEngine } from '@gridwatch/server/engine';
import type { IngestSinks } from '@gridwatch/server/ingest';
import { brief, serviceKpis, WorkOrderDesk, type ContactIn } from '@gridwatch/server/orders';
import { createSimulation, nextStep, type TruthRecord } from '@gridwatch/simulator';
import { engineIngest, nullSink, sinksWith } from './inprocess.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export interface OrderDayOptions {
  network: NetworkFile | NetworkIndex;
  seed: number;
  days?: number;
  readingIntervalS?: number;
  faultsPerDay?: number;
  startSimMs?: number;
}

export interface OrderDayResult {
  orders: OrderDto[];
  kpis: ServiceKpis;
  /** Contacts the simulator sent (truth), with the category it meant. */
  contacts: { id: string; channel: string; category: string; customer: string; at: number }[];
  steps: number;
  /** Share of contacts classified into the category the customer meant. */
  classificationAccuracy: number;
  wallMs: number;
}


export function runOrderDay(o: OrderDayOptions): OrderDayResult {
  const t0 = performance.now();
  const index = 'customersOf' in o.network ? o.network : indexNetwork(o.network);
  const start = o.startSimMs ?? Date.parse('2026-06-01T00:00:00Z');
  const end = start + (o.days ?? 1) * DAY;
  const sim = createSimulation({
    network: index,
    scenario: 'daily',
    seed: o.seed,
    startSimMs: start,
    field: { readingIntervalS: o.readingIntervalS ?? 900 },
    ...(o.faultsPerDay ? { faults: o.faultsPerDay } : {}),
  });
  let now = start;
  const clock = () => now;
  const engine = new OutageEngine({ index, now: clock, minMeters: 3 });
  const desk = new WorkOrderDesk({ index, now: clock, outages: () => engine.current() });
  // What the database would answer: each meter's latest readings.
  const lastReadings = new Map<string, { at: number; v: number | null }[]>();
  const pending: ContactIn[] = [];
  const sinks: IngestSinks = {
    readings: {
      push: (r) => {
        const list = lastReadings.get(r.meter) ?? [];
        list.unshift({ at: r.ts, v: r.v });
        if (list.length > 2) list.pop();
        lastReadings.set(r.meter, list);
      },
      pushMany: (rows) => rows.forEach((r) => sinks.readings.push(r)),
    },
    meterEvents: nullSink(),
    faultEvents: nullSink(),
    contacts: {
      push: (c) => pending.push({ id: c.id, at: c.ts, customer: c.customer, channel: c.channel as ContactIn['channel'], category: c.category, type: c.type, text: c.text }),
      pushMany: (rows) => rows.forEach((r) => sinks.contacts.push(r)),
    },
    deadLetters: nullSink(),
    planned: nullSink(),
  };
  const ingest = engineIngest(index, clock, engine, sinks);
  const drain = () => {
    const changed = engine.drainChanges();
    if (changed.length) desk.outagesChanged(changed);
    for (const c of pending.splice(0)) {
      const customer = desk.customerOf(c.customer);
      desk.intake(c, customer ? { readings: lastReadings.get(customer.meter) ?? [] } : {});
    }
  };
  const users = new Map(index.network.teams.map((t) => [t.id, { username: `team-${t.id}`, displayName: t.name, role: 'team' as const, team: t.id }]));
  const officer = { username: 'officer', displayName: 'officer', role: 'officer' as const };
  let steps = 0;
  // The workforce polls every minute, as the simulator's client does every 15 s.
  const work = () => {
    for (const order of desk.list()) {
      if (order.status === 'closed' || !order.team) continue;
      const step = nextStep(brief(order), now, o.seed);
      if (!step) continue;
      desk.act(order.id, step.action, step.as === 'team' ? users.get(order.team)! : officer);
      steps++;
    }
  };

  const truth: TruthRecord[] = [];
  let nextMinute = start + MIN;
  for (let t = start; t < end; t += MIN) {
    const out = sim.advance(Math.min(end, t + MIN));
    for (const r of out.truth) if (r.type === 'contact') truth.push(r);
    for (const m of out.messages) {
      now = Math.max(now, m.atSimMs);
      engine.tick();
      ingest.accept(m.topic, Buffer.from(JSON.stringify(m.payload)));
      drain();
    }
    while (nextMinute <= t + MIN) {
      now = Math.max(now, nextMinute);
      engine.tick();
      drain();
      desk.tick();
      work();
      nextMinute += MIN;
    }
  }
  const orders = desk.list();
  const contacts = truth.flatMap((r) => (r.type === 'contact' ? [{ id: r.id, channel: r.channel, category: r.category, customer: r.customer, at: r.at }] : []));
  const classified = new Map(orders.flatMap((x) => x.contactList.map((c) => [c.id, c.category] as const)));
  const right = contacts.filter((c) => classified.get(c.id) === c.category).length;
  return {
    orders,
    kpis: serviceKpis(orders, start, end, { by: 'company', id: null }, index.network.customers.length),
    contacts,
    steps,
    classificationAccuracy: contacts.length ? right / contacts.length : 1,
    wallMs: Math.round(performance.now() - t0),
  };
}
