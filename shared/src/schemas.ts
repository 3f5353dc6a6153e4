// Payload schemas for every MQTT topic in the contract, plus a small compiled validator that
// returns a readable reason instead of throwing. Ingest dead-letters with that reason.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });

/** ISO 8601 / RFC 3339 string or epoch milliseconds. */
export const Timestamp = Type.Union([
  Type.Integer({ minimum: 0, maximum: 8.64e15 }),
  Type.String({ minLength: 10, maxLength: 40 }),
]);

export const Reading = Type.Object({
  meter: Id,
  kwh: Type.Number({ minimum: 0, maximum: 1e7 }),
  v: Type.Optional(Type.Number({ minimum: 0, maximum: 1e5 })),
  i: Type.Optional(Type.Number({ minimum: -1e5, maximum: 1e5 })),
});

export const ReadingsMessage = Type.Object({
  ts: Timestamp,
  interval_s: Type.Integer({ minimum: 1, maximum: 86_400 }),
  readings: Type.Array(Reading, { minItems: 1, maxItems: 5_000 }),
});
export type ReadingsMessage = Static<typeof ReadingsMessage>;

export const MeterEvent = Type.Object({
  device: Id,
  ts: Timestamp,
  code: Type.String({ minLength: 3, maxLength: 32, pattern: '^[0-9]+(\\.[0-9]+){1,5}$' }),
  seq: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type MeterEvent = Static<typeof MeterEvent>;

export const MeterEventsMessage = Type.Union([
  Type.Object({ events: Type.Array(MeterEvent, { minItems: 1, maxItems: 5_000 }) }),
  MeterEvent,
]);
export type MeterEventsMessage = Static<typeof MeterEventsMessage>;

export const FAULT_KINDS = [
  'breaker.trip',
  'breaker.reclose',
  'breaker.lockout',
  'fci.fault',
  'fci.clear',
  'switch.open',
  'switch.close',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FaultMessage = Type.Object({
  device: Id,
  ts: Timestamp,
  kind: Type.Union(FAULT_KINDS.map((k) => Type.Literal(k))),
  phase: Type.Optional(Type.String({ maxLength: 8 })),
  current_a: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
});
export type FaultMessage = Static<typeof FaultMessage>;

export const CHANNELS = ['hotline', 'app', 'wechat', 'hall'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * What the contact is, as the hotline (95598) or app classifies it at intake: a fault report
 * (报修), an enquiry (咨询) or a complaint (投诉) - the escalation a utility wants to prevent.
 * `category` is what it is about (outage, voltage, billing, attitude, other).
 */
export const CONTACT_TYPES = ['report', 'enquiry', 'complaint'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

export const ContactMessage = Type.Object({
  id: Id,
  ts: Timestamp,
  channel: Type.Union(CHANNELS.map((c) => Type.Literal(c))),
  customer: Id,
  category: Type.String({ minLength: 1, maxLength: 32 }),
  type: Type.Optional(Type.Union(CONTACT_TYPES.map((t) => Type.Literal(t)))),
  text: Type.Optional(Type.String({ maxLength: 2_000 })),
});
export type ContactMessage = Static<typeof ContactMessage>;

/**
 * A planned outage announced ahead (`gw/v1/oms/planned`): the devices or station areas that will
 * be switched off and the announced window. Republishing the same id updates it; `cancelled`
 * withdraws it.
 */
export const PlannedOutageMessage = Type.Object({
  id: Id,
  ts: Timestamp,
  /** Switching device or station area (transformer) that will be de-energised. */
  device: Id,
  start: Timestamp,
  end: Timestamp,
  reason: Type.Optional(Type.String({ maxLength: 500 })),
  cancelled: Type.Optional(Type.Boolean()),
});
export type PlannedOutageMessage = Static<typeof PlannedOutageMessage>;

/** Outgoing proactive notice (`gw/v1/notify/outage/{id}`). */
export const NoticeMessage = Type.Object({
  id: Id,
  ts: Timestamp,
  outage: Id,
  customers: Type.Array(Id),
  etr: Type.Optional(Timestamp),
  text: Type.Optional(Type.String({ maxLength: 2_000 })),
});
export type NoticeMessage = Static<typeof NoticeMessage>;

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface Validator<T> {
  check(value: unknown): Validation<T>;
}

/** Compile a schema once; `check` reports the first error with its JSON path. */
export function validator<S extends TSchema>(schema: S): Validator<Static<S>> {
  const compiled: TypeCheck<S> = TypeCompiler.Compile(schema);
  return {
    check(value) {
      if (compiled.Check(value)) return { ok: true, value };
      const first = compiled.Errors(value).First();
      const reason = first ? `${first.path || '/'}: ${first.message}` : 'does not match schema';
      return { ok: false, reason: `schema: ${reason}` };
    },
  };
}

/** Epoch milliseconds of a contract timestamp, or NaN when it is not a real instant. */
export function toEpochMs(ts: number | string): number {
  if (typeof ts === 'number') return ts;
  // Require a full date with time and zone, so "2024" or "12/01" never sneak through.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(ts)) return NaN;
  return Date.parse(ts);
}
