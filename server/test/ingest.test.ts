import { describe, expect, it } from 'vitest';
import { EVENT_CODE, generateNetwork, indexNetwork, topics } from '@gridwatch/shared';
import type { ContactRow, DeadLetterRow, FaultEventRow, MeterEventRow, PlannedRow, ReadingRow } from '../src/db/telemetry.ts';
import { BatchWriter } from '../src/ingest/batchWriter.ts';
import { Ingest, MAX_PAYLOAD_BYTES } from '../src/ingest/ingest.ts';
import { Metrics } from '../src/metrics.ts';
import type { PowerEvent } from '../src/outage/engine.ts';

const network = generateNetwork({ substations: 1, feedersPerSubstation: 1, lateralsPerFeeder: 2, transformersPerLateral: 2, seed: 5 });
const index = indexNetwork(network);
const tf = network.transformers[0]!;
const customer = network.customers.find((c) => c.transformer === tf.id)!;
const other = network.transformers[1]!;
const NOW = Date.parse('2026-11-27T08:00:00Z');
const t = topics('gw/v1');

function setup() {
  const stored = { readings: [] as ReadingRow[], meterEvents: [] as MeterEventRow[], faultEvents: [] as FaultEventRow[], contacts: [] as ContactRow[], deadLetters: [] as DeadLetterRow[], planned: [] as PlannedRow[] };
  const sink = <R>(into: R[]) => new BatchWriter<R>({ name: 'test', maxBatch: 1e9, flushMs: 1e9, write: async (rows) => (into.push(...rows), rows.length) });
  const sinks = { readings: sink(stored.readings), meterEvents: sink(stored.meterEvents), faultEvents: sink(stored.faultEvents), contacts: sink(stored.contacts), deadLetters: sink(stored.deadLetters), planned: sink(stored.planned) };
  const power: PowerEvent[] = [];
  const metrics = new Metrics(() => NOW);
  const ingest = new Ingest({ index, sinks, metrics, now: () => NOW, topicPrefix: 'gw/v1', maxFutureSkewMs: 300_000, maxPastAgeMs: 7 * 86_400_000, onPowerEvent: (e) => power.push(e) });
  const send = (topic: string, body: unknown) => ingest.accept(topic, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
  const flush = () => Promise.all(Object.values(sinks).map((s) => s.flush()));
  return { stored, power, metrics, send, flush, ingest };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('ingest validation and routing', () => {
  it('stores a valid readings batch', async () => {
    const s = setup();
    s.send(t.readings(tf.id), { ts: iso(NOW), interval_s: 900, readings: [{ meter: customer.meter, kwh: 1.25, v: 221.5 }] });
    await s.flush();
    expect(s.stored.readings).toEqual([{ ts: NOW, meter: customer.meter, kwh: 1.25, v: 221.5, i: null }]);
    expect(s.stored.deadLetters).toHaveLength(0);
    expect(s.metrics.readingsReceived).toBe(1);
  });

  it('routes meter and concentrator power events to the engine, accepting epoch ms and single-event payloads', async () => {
    const s = setup();
    s.send(t.meterEvents(tf.id), { events: [{ device: customer.meter, ts: iso(NOW - 5000), code: EVENT_CODE.lastGasp }] });
    s.send(t.meterEvents(tf.id), { device: tf.concentrator, ts: NOW - 1000, code: EVENT_CODE.powerOff });
    s.send(t.meterEvents(tf.id), { device: customer.meter, ts: NOW, code: EVENT_CODE.underVoltage });
    await s.flush();
    expect(s.power).toEqual([
      { device: customer.meter, transformer: tf.id, concentrator: false, kind: 'power-off', ts: NOW - 5000 },
      { device: tf.concentrator, transformer: tf.id, concentrator: true, kind: 'power-off', ts: NOW - 1000 },
    ]);
    expect(s.stored.meterEvents.map((e) => e.kind)).toEqual(['power-off', 'power-off', 'under-voltage']);
  });

  const bad: [string, () => [string, unknown], RegExp][] = [
    ['invalid JSON', () => [t.readings(tf.id), '{"ts": 1, "readings": ['], /^json:/],
    ['wrong types', () => [t.readings(tf.id), { ts: iso(NOW), interval_s: 'often', readings: [{ meter: customer.meter, kwh: 1 }] }], /^schema: \/interval_s/],
    ['negative energy', () => [t.readings(tf.id), { ts: iso(NOW), interval_s: 900, readings: [{ meter: customer.meter, kwh: -3 }] }], /^schema: \/readings\/0\/kwh/],
    ['unknown station area', () => [t.readings('T999999'), { ts: iso(NOW), interval_s: 900, readings: [{ meter: customer.meter, kwh: 1 }] }], /^unknown device: station area T999999/],
    ['unknown meter', () => [t.readings(tf.id), { ts: iso(NOW), interval_s: 900, readings: [{ meter: 'M-NOPE', kwh: 1 }] }], /^unknown device: 1 meter/],
    ['unknown event device', () => [t.meterEvents(tf.id), { device: 'M-NOPE', ts: iso(NOW), code: EVENT_CODE.powerOff }], /^unknown device: M-NOPE/],
    ['timestamp far in the future', () => [t.readings(tf.id), { ts: iso(NOW + 86_400_000), interval_s: 900, readings: [{ meter: customer.meter, kwh: 1 }] }], /^timestamp: .* in the future/],
    ['timestamp far in the past', () => [t.readings(tf.id), { ts: '1999-01-01T00:00:00Z', interval_s: 900, readings: [{ meter: customer.meter, kwh: 1 }] }], /^timestamp: .* too old/],
    ['not a timestamp', () => [t.readings(tf.id), { ts: 'yesterday-ish', interval_s: 900, readings: [{ meter: customer.meter, kwh: 1 }] }], /^timestamp: not a valid/],
    ['unknown fault kind', () => [t.faults(tf.feeder), { device: network.devices[0]!.id, ts: iso(NOW), kind: 'breaker.explode' }], /^schema: \/kind/],
    ['fault device on another feeder', () => [t.faults('F9999'), { device: network.devices[0]!.id, ts: iso(NOW), kind: 'breaker.trip' }], /^topic: device/],
    ['a meter of another station area (the ACL gives a concentrator its own area only)', () => [t.readings(other.id), { ts: iso(NOW), interval_s: 900, readings: [{ meter: customer.meter, kwh: 1 }] }], new RegExp(`^topic: 1 meter\\(s\\) of other station areas than ${other.id}, e.g. ${customer.meter} \\(of ${tf.id}\\)`)],
    ['an event of a meter of another station area', () => [t.meterEvents(other.id), { device: customer.meter, ts: iso(NOW), code: EVENT_CODE.powerOff }], new RegExp(`^topic: device ${customer.meter} is in station area ${tf.id}, not ${other.id}`)],
    ['contact from an unknown customer', () => [t.contacts(), { id: 'K1', ts: iso(NOW), channel: 'hotline', customer: 'CU-NOPE', category: 'outage' }], /^unknown device: customer/],
    ['planned window ending before it starts', () => [t.planned(), { id: 'P1', ts: iso(NOW), device: tf.id, start: iso(NOW + 7_200_000), end: iso(NOW + 3_600_000) }], /^schema: a planned window/],
    ['not a contract topic', () => ['gw/v1/ami/T1/whatever', { hello: 1 }], /^topic:/],
    ['injection string as id', () => [t.meterEvents(tf.id), { device: "M1'; DROP TABLE readings;--", ts: iso(NOW), code: EVENT_CODE.powerOff }], /^schema: \/device/],
  ];

  for (const [name, make, reason] of bad) {
    it(`dead-letters ${name} with its reason, without throwing`, async () => {
      const s = setup();
      const [topic, body] = make();
      expect(() => s.send(topic, body)).not.toThrow();
      await s.flush();
      expect(s.stored.deadLetters).toHaveLength(1);
      expect(s.stored.deadLetters[0]!.reason).toMatch(reason);
      expect(s.stored.deadLetters[0]!.topic).toBe(topic);
      expect(s.metrics.deadLetters).toBe(1);
      expect(s.stored.readings).toHaveLength(0);
      expect(s.power).toHaveLength(0);
    });
  }

  it('bounds what a huge payload costs: rejected by size, stored cut short', async () => {
    const s = setup();
    const huge = JSON.stringify({ ts: iso(NOW), interval_s: 900, readings: [{ meter: customer.meter, kwh: 1 }], pad: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    s.send(t.readings(tf.id), huge);
    await s.flush();
    expect(s.stored.deadLetters[0]!.reason).toMatch(/^size:/);
    expect(s.stored.deadLetters[0]!.payload!.length).toBeLessThanOrEqual(2048);
    expect(s.stored.deadLetters[0]!.payloadBytes).toBe(Buffer.byteLength(huge));
  });

  it('keeps the known meters of a batch that also names unknown ones', async () => {
    const s = setup();
    s.send(t.readings(tf.id), { ts: iso(NOW), interval_s: 900, readings: [{ meter: customer.meter, kwh: 1 }, { meter: 'M-GHOST', kwh: 2 }] });
    await s.flush();
    expect(s.stored.readings.map((r) => r.meter)).toEqual([customer.meter]);
    expect(s.stored.deadLetters[0]!.reason).toMatch(/M-GHOST/);
  });

  it('stores a planned outage announcement', async () => {
    const s = setup();
    s.send(t.planned(), { id: 'P1', ts: iso(NOW), device: network.devices[1]!.id, start: iso(NOW + 86_400_000), end: iso(NOW + 90_000_000), reason: 'line maintenance' });
    await s.flush();
    expect(s.stored.planned).toEqual([{ id: 'P1', device: network.devices[1]!.id, startsAt: NOW + 86_400_000, endsAt: NOW + 90_000_000, reason: 'line maintenance', cancelled: false, announcedAt: NOW }]);
  });

  it('replaces NUL characters that PostgreSQL text cannot hold', async () => {
    const s = setup();
    s.send(t.contacts(), { id: 'K2', ts: iso(NOW), channel: 'app', customer: customer.id, category: 'outage', text: 'no power\u0000!' });
    await s.flush();
    expect(s.stored.contacts[0]!.text).toBe('no power\uFFFD!');
  });
});
