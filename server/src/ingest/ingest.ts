// Ingest: every MQTT message is parsed, validated against the shared schemas, resolved against
// the network and routed — readings and events to their batch writers, power events to the
// outage engine. Anything that fails becomes a dead letter with its reason; nothing throws.
import { isUtf8 } from 'node:buffer';
import {
  ContactMessage, DEFAULT_EVENT_CODES, FaultMessage, MeterEvent, PlannedOutageMessage, ReadingsMessage, parseTopic, toEpochMs, validator,
  type EventCodeMap, type NetworkIndex,
} from '@gridwatch/shared';
import { Type } from '@sinclair/typebox';
import type { ContactRow, DeadLetterRow, FaultEventRow, MeterEventRow, PlannedRow, ReadingRow } from '../db/telemetry.ts';
import { reasonClass, type Metrics } from '../metrics.ts';
import type { FaultEvent, PlannedWindow, PowerEvent } from '../outage/engine.ts';
/** Where validated rows go: a BatchWriter in the server, anything with push in a harness. */
export interface Sink<Row> {
  push(row: Row): void;
  pushMany(rows: readonly Row[]): void;
}

/**
 * Larger MQTT payloads are dead-lettered unparsed. This is the earliest point GridWatch can apply
 * the cap and still say so: mqtt.js (MQTT 3.1.1) has no receive limit, and its MQTT 5
 * `maximumPacketSize` would make the broker drop larger messages silently, unseen by the dead
 * letters. The broker's own limit (Mosquitto `max_packet_size`) belongs above this one.
 */
export const MAX_PAYLOAD_BYTES = 512 * 1024;
/** What a dead letter keeps, in UTF-8 bytes: the stored row stays small whatever was sent. */
export const DEAD_LETTER_PAYLOAD_BYTES = 2_048;
const DEAD_LETTER_TOPIC_BYTES = 256;
const DEAD_LETTER_REASON_BYTES = 512;
// PostgreSQL text cannot hold NUL; one such character would make a whole batch fail.
const noNul = (s: string) => s.replace(/\u0000/g, '\uFFFD');

/**
 * `s` without NUL, cut to at most `maxBytes` bytes of UTF-8 on a character boundary. Bytes, not
 * characters: an invalid byte decodes to U+FFFD (3 bytes) and a CJK character is 3 bytes too.
 */
export function boundedText(s: string, maxBytes: number): string {
  const t = noNul(s.length > maxBytes ? s.slice(0, maxBytes) : s);
  if (t.length * 3 <= maxBytes) return t;
  const bytes = Buffer.from(t, 'utf8');
  if (bytes.length <= maxBytes) return t;
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // not inside a multi-byte character
  return bytes.subarray(0, end).toString('utf8');
}

/** JSON of something a client sent, for a dead letter; never throws (deep nesting overflows JSON.stringify). */
export function describeInput(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (err) {
    return `[not serialisable: ${(err as Error).message}]`;
  }
}

export interface IngestSinks {
  readings: Sink<ReadingRow>;
  meterEvents: Sink<MeterEventRow>;
  faultEvents: Sink<FaultEventRow>;
  contacts: Sink<ContactRow>;
  deadLetters: Sink<DeadLetterRow>;
  planned: Sink<PlannedRow>;
}

export interface IngestOptions {
  index: NetworkIndex;
  sinks: IngestSinks;
  metrics: Metrics;
  now: () => number;
  topicPrefix: string;
  maxFutureSkewMs: number;
  maxPastAgeMs: number;
  onPowerEvent: (ev: PowerEvent) => void;
  /** A station area delivered readings for an interval (evidence it has power). */
  onReadings?: (transformer: string, intervalEnd: number, intervalMs: number, meters: string[]) => void;
  onFault?: (ev: FaultEvent) => void;
  onPlanned?: (window: PlannedWindow) => void;
  eventCodes?: EventCodeMap;
}

const readingsCheck = validator(ReadingsMessage);
const eventBatchCheck = validator(Type.Object({ events: Type.Array(MeterEvent, { minItems: 1, maxItems: 5_000 }) }));
const eventCheck = validator(MeterEvent);
const faultCheck = validator(FaultMessage);
const contactCheck = validator(ContactMessage);
const plannedCheck = validator(PlannedOutageMessage);
const MAX_PLANNED_MS = 7 * 86_400_000;

export class Ingest {
  private readonly codes: EventCodeMap;

  constructor(private readonly o: IngestOptions) {
    this.codes = o.eventCodes ?? DEFAULT_EVENT_CODES;
  }

  /** Handles one MQTT message. Never throws. */
  accept(topic: string, payload: Buffer): void {
    const m = this.o.metrics;
    m.messagesReceived++;
    m.messages.add();
    try {
      const parsed = parseTopic(topic, this.o.topicPrefix);
      if (!parsed) {
        m.messagesByKind.unknown!++;
        return this.dead(topic, payload, 'topic: not a contract topic');
      }
      m.messagesByKind[parsed.kind]!++;
      if (payload.length > MAX_PAYLOAD_BYTES) return this.dead(topic, payload, `size: payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
      if (payload.length === 0) return this.dead(topic, payload, 'json: empty payload');
      // The contract says UTF-8. Decoding would quietly turn bad bytes into U+FFFD, and a text or
      // category would then be stored altered; the sender should hear its encoding is wrong.
      if (!isUtf8(payload)) return this.dead(topic, payload, 'encoding: payload is not valid UTF-8');
      let body: unknown;
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch (err) {
        return this.dead(topic, payload, `json: ${(err as Error).message.slice(0, 200)}`);
      }
      switch (parsed.kind) {
        case 'readings':
          return this.readings(topic, payload, parsed.scope!, body);
        case 'meter-events':
          return this.meterEvents(topic, payload, parsed.scope!, body);
        case 'faults':
          return this.fault(topic, payload, parsed.scope!, body);
        case 'contacts':
          return this.contact(topic, payload, body);
        case 'planned':
          return this.planned(topic, payload, body);
      }
    } catch (err) {
      // A bug here must cost one message, not the process.
      this.dead(topic, payload, `internal: ${(err as Error).message.slice(0, 200)}`);
    }
  }

  /**
   * Dead-letters input that is not MQTT (HTTP bodies, socket messages) with the same bookkeeping.
   * `store: false` only counts it: a flooding client past its storage budget (see the hub).
   */
  rejectExternal(source: string, payload: string, reason: string, store = true): void {
    this.o.metrics.deadLetter(reason, store);
    if (!store) return;
    this.o.sinks.deadLetters.push({
      receivedAt: this.o.now(),
      source: boundedText(source, DEAD_LETTER_TOPIC_BYTES),
      topic: null,
      reason: boundedText(reason, DEAD_LETTER_REASON_BYTES),
      payload: boundedText(payload, DEAD_LETTER_PAYLOAD_BYTES),
      payloadBytes: Buffer.byteLength(payload),
    });
  }

  private readings(topic: string, payload: Buffer, transformerId: string, body: unknown): void {
    const v = readingsCheck.check(body);
    if (!v.ok) return this.dead(topic, payload, v.reason);
    const transformer = this.o.index.transformer.get(transformerId);
    if (!transformer) return this.dead(topic, payload, `unknown device: station area ${transformerId}`);
    const ts = this.time(v.value.ts);
    if (typeof ts === 'string') return this.dead(topic, payload, ts);
    const rows: ReadingRow[] = [];
    const unknown: string[] = [];
    const elsewhere: string[] = [];
    for (const r of v.value.readings) {
      const meter = this.o.index.meter.get(r.meter);
      if (!meter) unknown.push(r.meter);
      // A concentrator speaks for its own station area only (the broker's ACL gives it that topic).
      else if (meter.transformer !== transformer.id) elsewhere.push(`${r.meter} (of ${meter.transformer})`);
      else rows.push({ ts, meter: r.meter, kwh: r.kwh, v: r.v ?? null, i: r.i ?? null });
    }
    if (unknown.length) this.dead(topic, payload, `unknown device: ${unknown.length} meter(s) not in the network, e.g. ${unknown.slice(0, 3).join(', ')}`);
    if (elsewhere.length) this.dead(topic, payload, `topic: ${elsewhere.length} meter(s) of other station areas than ${transformer.id}, e.g. ${elsewhere.slice(0, 3).join(', ')}`);
    if (rows.length) {
      this.o.metrics.readingsReceived += rows.length;
      this.o.metrics.readings.add(rows.length);
      this.o.sinks.readings.pushMany(rows);
      this.o.onReadings?.(transformer.id, ts, v.value.interval_s * 1000, rows.map((r) => r.meter));
    }
  }

  private meterEvents(topic: string, payload: Buffer, transformerId: string, body: unknown): void {
    // Two accepted shapes; pick by shape so the reason names the real problem.
    const batch = typeof body === 'object' && body !== null && 'events' in body;
    const v = batch ? eventBatchCheck.check(body) : eventCheck.check(body);
    if (!v.ok) return this.dead(topic, payload, v.reason);
    if (!this.o.index.transformer.has(transformerId)) return this.dead(topic, payload, `unknown device: station area ${transformerId}`);
    const events = 'events' in v.value ? v.value.events : [v.value];
    const problems: string[] = [];
    for (const e of events) {
      const ts = this.time(e.ts);
      if (typeof ts === 'string') {
        problems.push(`${ts} (device ${e.device})`);
        continue;
      }
      const viaConcentrator = this.o.index.concentrator.get(e.device);
      const meter = this.o.index.meter.get(e.device);
      const transformer = viaConcentrator ?? meter?.transformer ?? (this.o.index.transformer.has(e.device) ? e.device : undefined);
      if (!transformer) {
        problems.push(`unknown device: ${e.device}`);
        continue;
      }
      if (transformer !== transformerId) {
        problems.push(`topic: device ${e.device} is in station area ${transformer}, not ${transformerId}`);
        continue;
      }
      const kind = this.codes[e.code];
      this.o.sinks.meterEvents.push({ ts, device: e.device, code: e.code, kind: kind ?? 'other', transformer, seq: e.seq ?? null });
      if (kind === 'power-off' || kind === 'power-restored') {
        this.o.onPowerEvent({ device: e.device, transformer, concentrator: meter === undefined, kind, ts });
      }
    }
    // The reason starts with its class (the first problem's), like every other reason.
    if (problems.length) this.dead(topic, payload, problems.length === 1 ? problems[0]! : `${reasonClass(problems[0]!)}: ${problems.length} events rejected: ${problems.slice(0, 3).join('; ')}`);
  }

  private fault(topic: string, payload: Buffer, feederId: string, body: unknown): void {
    const v = faultCheck.check(body);
    if (!v.ok) return this.dead(topic, payload, v.reason);
    const device = this.o.index.device.get(v.value.device);
    if (!device) return this.dead(topic, payload, `unknown device: ${v.value.device}`);
    if (device.feeder !== feederId) return this.dead(topic, payload, `topic: device ${device.id} is on feeder ${device.feeder}, not ${feederId}`);
    const ts = this.time(v.value.ts);
    if (typeof ts === 'string') return this.dead(topic, payload, ts);
    this.o.sinks.faultEvents.push({ ts, device: device.id, kind: v.value.kind, feeder: device.feeder, phase: v.value.phase ?? null, currentA: v.value.current_a ?? null });
    this.o.onFault?.({ device: device.id, kind: v.value.kind, ts });
  }

  private contact(topic: string, payload: Buffer, body: unknown): void {
    const row = this.contactRow(body);
    if (typeof row === 'string') return this.dead(topic, payload, row);
    this.o.sinks.contacts.push(row);
  }

  /**
   * A contact from HTTP (hall counter, hotline system): the same checks as over MQTT. Stored and
   * returned, or dead-lettered with its reason, which is returned.
   */
  acceptContact(source: string, body: unknown): ContactRow | { error: string } {
    const row = this.contactRow(body);
    if (typeof row === 'string') {
      this.rejectExternal(source, describeInput(body), row);
      return { error: row };
    }
    this.o.metrics.messagesByKind.contacts!++;
    this.o.sinks.contacts.push(row);
    return row;
  }

  /** The stored form of a contact, or why it is rejected. */
  private contactRow(body: unknown): ContactRow | string {
    const v = contactCheck.check(body);
    if (!v.ok) return v.reason;
    if (!this.o.index.customer.has(v.value.customer)) return `unknown device: customer ${v.value.customer}`;
    const ts = this.time(v.value.ts);
    if (typeof ts === 'string') return ts;
    const c = v.value;
    return { id: c.id, ts, channel: c.channel, customer: c.customer, category: noNul(c.category), type: c.type ?? null, text: c.text === undefined ? null : noNul(c.text) };
  }

  private planned(topic: string, payload: Buffer, body: unknown): void {
    const v = plannedCheck.check(body);
    if (!v.ok) return this.dead(topic, payload, v.reason);
    const p = v.value;
    if (!this.o.index.device.has(p.device) && !this.o.index.transformer.has(p.device)) return this.dead(topic, payload, `unknown device: ${p.device}`);
    const announcedAt = this.time(p.ts);
    if (typeof announcedAt === 'string') return this.dead(topic, payload, announcedAt);
    const startsAt = toEpochMs(p.start);
    const endsAt = toEpochMs(p.end);
    if (!Number.isFinite(startsAt) || !Number.isFinite(endsAt)) return this.dead(topic, payload, 'timestamp: start or end is not a valid time');
    if (endsAt <= startsAt || endsAt - startsAt > MAX_PLANNED_MS) return this.dead(topic, payload, 'schema: a planned window must end after it starts and last at most 7 days');
    this.o.sinks.planned.push({ id: p.id, device: p.device, startsAt, endsAt, reason: p.reason === undefined ? null : noNul(p.reason), cancelled: p.cancelled ?? false, announcedAt });
    this.o.onPlanned?.({ id: p.id, device: p.device, startsAt, endsAt, cancelled: p.cancelled ?? false });
  }

  /** Epoch ms, or the dead-letter reason. */
  private time(ts: number | string): number | string {
    const ms = toEpochMs(ts);
    if (!Number.isFinite(ms)) return `timestamp: not a valid ISO 8601 time or epoch ms: ${String(ts).slice(0, 40)}`;
    const now = this.o.now();
    if (ms > now + this.o.maxFutureSkewMs) return `timestamp: ${new Date(ms).toISOString()} is in the future`;
    if (ms < now - this.o.maxPastAgeMs) return `timestamp: ${new Date(ms).toISOString()} is too old`;
    return ms;
  }

  private dead(topic: string, payload: Buffer, reason: string): void {
    this.o.metrics.deadLetter(reason);
    this.o.sinks.deadLetters.push({
      receivedAt: this.o.now(),
      source: 'mqtt',
      topic: boundedText(topic, DEAD_LETTER_TOPIC_BYTES),
      reason: boundedText(reason, DEAD_LETTER_REASON_BYTES),
      payload: boundedText(payload.subarray(0, DEAD_LETTER_PAYLOAD_BYTES).toString('utf8'), DEAD_LETTER_PAYLOAD_BYTES),
      payloadBytes: payload.length,
    });
  }
}
