// A deterministic generator of hostile MQTT messages for the fuzz test: every class of bad input
// the contract names (README, "Bad input") and a few it implies, each message with the reason
// class ingest must dead-letter it under. Same seed, same messages (timestamps are relative to
// `now`). Every message is wholly bad — nothing in it may reach readings, events or contacts —
// and published only to topics that match ingest's subscriptions (anything else the broker never
// delivers to GridWatch at all).
import { EVENT_CODE, createRng, topics, type NetworkFile as Network, type Rng } from '@gridwatch/shared';
import { MAX_PAYLOAD_BYTES } from '../src/ingest/ingest.ts';
import type { DeadLetterClass } from '../src/metrics.ts';

export const HOSTILE_CLASSES = [
  'invalid-json', 'wrong-types', 'huge', 'deep-nesting', 'unknown-device', 'timestamp', 'non-finite', 'injection', 'prototype', 'wrong-topic', 'invalid-utf8', 'empty',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

export interface HostileMessage {
  cls: HostileClass;
  topic: string;
  payload: Buffer;
  /** The class the dead letter's reason must have. */
  reason: DeadLetterClass;
}

export interface HostileContext {
  prefix: string;
  network: Network;
  now: number;
  /**
   * Topics with an empty level (`…/ami//readings`). Mosquitto delivers them to `+` and ingest
   * dead-letters them; aedes 1.2 delivers them but keeps them out of a persistent session, then
   * drops the subscriber's connection ("no such packet"), so the embedded broker must refuse them
   * before they reach it (see the fuzz test).
   */
  emptyTopicLevels?: boolean;
}

/** Strings an attacker tries in ids and text. None matches the contract's id pattern. */
export const INJECTIONS = [
  "M1'; DROP TABLE readings;--",
  "' OR '1'='1",
  '1; DELETE FROM contacts WHERE 1=1',
  'x\u0000y',
  '\u0000',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '%00%27',
  "Robert'); DROP TABLE dead_letters;--",
  '\\x27 UNION SELECT * FROM users --',
];

/** Deeply nested JSON: `[[[…]]]` (depth levels). */
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Fixed counts for the expensive classes; the rest of `total` is shared evenly. */
const FIXED: Partial<Record<HostileClass, number>> = { huge: 24, 'deep-nesting': 120, empty: 200 };
/** Depth of the deepest messages (and how many of the deep-nesting class get it). */
export const DEEPEST = 100_000;
const DEEPEST_COUNT = 30;

export function hostileMessages(ctx: HostileContext, total: number, seed = 9): HostileMessage[] {
  const rng = createRng(seed);
  const g = new Generators(ctx, rng);
  const free = HOSTILE_CLASSES.filter((c) => FIXED[c] === undefined);
  const fixed = Object.values(FIXED).reduce((a, b) => a + b, 0);
  const share = Math.floor((total - fixed) / free.length);
  const counts = new Map<HostileClass, number>(HOSTILE_CLASSES.map((c) => [c, FIXED[c] ?? share]));
  counts.set(free[0]!, counts.get(free[0]!)! + (total - fixed - share * free.length));
  const out: HostileMessage[] = [];
  for (const [cls, n] of counts) for (let i = 0; i < n; i++) out.push({ cls, ...g.make(cls, i) });
  // Interleave the classes (Fisher–Yates with the same generator).
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

type Made = { topic: string; payload: Buffer; reason: DeadLetterClass };

class Generators {
  private readonly t: ReturnType<typeof topics>;
  private readonly iso = (ms: number) => new Date(ms).toISOString();
  private readonly meters = new Map<string, string[]>();
  private readonly withMeters: Network['transformers'];

  constructor(private readonly ctx: HostileContext, private readonly rng: Rng) {
    this.t = topics(ctx.prefix);
    for (const c of ctx.network.customers) this.meters.set(c.transformer, [...(this.meters.get(c.transformer) ?? []), c.meter]);
    this.withMeters = ctx.network.transformers.filter((t) => this.meters.has(t.id));
  }

  make(cls: HostileClass, i: number): Made {
    switch (cls) {
      case 'invalid-json': return this.invalidJson();
      case 'wrong-types': return this.wrongTypes();
      case 'huge': return this.huge(i);
      case 'deep-nesting': return this.deep(i);
      case 'unknown-device': return this.unknownDevice(i);
      case 'timestamp': return this.timestamp();
      case 'non-finite': return this.nonFinite();
      case 'injection': return this.injection();
      case 'prototype': return this.prototype(i);
      case 'wrong-topic': return this.wrongTopic(i);
      case 'invalid-utf8': return this.invalidUtf8();
      case 'empty': return { topic: this.anyTopic(), payload: Buffer.from(this.rng.chance(0.5) ? '' : ' \n\t '), reason: 'json' };
    }
  }

  // ---- known parts of the network, and valid bodies to spoil ------------------------------------
  private get n() {
    return this.ctx.network;
  }
  /** A station area with meters (all of them have some in the generated networks). */
  private tf() {
    return this.rng.pick(this.withMeters);
  }
  private metersOf(tf: string): string[] {
    return this.meters.get(tf) ?? [];
  }
  private device() {
    return this.rng.pick(this.n.devices);
  }
  private customer() {
    return this.rng.pick(this.n.customers);
  }
  private ts() {
    return this.iso(this.ctx.now - this.rng.int(60, 3_600) * 1000);
  }
  private anyTopic(): string {
    const tf = this.tf();
    return this.rng.pick([this.t.readings(tf.id), this.t.meterEvents(tf.id), this.t.faults(tf.feeder), this.t.contacts(), this.t.planned()]);
  }
  /** A valid message for a random contract topic (to be spoiled), with the topic. */
  private valid(): { topic: string; body: Record<string, unknown>; kind: 'readings' | 'events' | 'faults' | 'contacts' | 'planned' } {
    const kind = this.rng.pick(['readings', 'events', 'faults', 'contacts', 'planned'] as const);
    const tf = this.tf();
    const ts = this.ts();
    switch (kind) {
      case 'readings':
        return { kind, topic: this.t.readings(tf.id), body: { ts, interval_s: 900, readings: this.metersOf(tf.id).map((m) => ({ meter: m, kwh: 1.5, v: 220 })) } };
      case 'events':
        return { kind, topic: this.t.meterEvents(tf.id), body: { device: this.metersOf(tf.id)[0] ?? tf.concentrator, ts, code: EVENT_CODE.underVoltage } };
      case 'faults': {
        const d = this.device();
        return { kind, topic: this.t.faults(d.feeder), body: { device: d.id, ts, kind: 'fci.clear' } };
      }
      case 'contacts':
        return { kind, topic: this.t.contacts(), body: { id: `K${this.rng.int(1, 1e9)}`, ts, channel: 'app', customer: this.customer().id, category: 'billing' } };
      case 'planned': {
        const d = this.device();
        const start = this.ctx.now + 86_400_000;
        return { kind, topic: this.t.planned(), body: { id: `P${this.rng.int(1, 1e9)}`, ts, device: d.id, start: this.iso(start), end: this.iso(start + 3_600_000) } };
      }
    }
  }
  /** The field of a valid body that, spoiled, must fail the schema (and is checked before anything else). */
  private field(kind: ReturnType<Generators['valid']>['kind']): string {
    return this.rng.pick(
      {
        readings: ['ts', 'interval_s', 'readings'],
        events: ['device', 'ts', 'code'],
        faults: ['device', 'ts', 'kind'],
        contacts: ['id', 'ts', 'channel', 'customer', 'category'],
        planned: ['id', 'ts', 'device', 'start', 'end'],
      }[kind],
    );
  }
  private msg(topic: string, body: unknown, reason: DeadLetterClass): Made {
    return { topic, payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), reason };
  }

  // ---- the classes --------------------------------------------------------------------------------
  private invalidJson(): Made {
    const v = this.valid();
    const text = JSON.stringify(v.body);
    const variants = [
      () => text.slice(0, this.rng.int(1, text.length - 1)), // cut short: an object's prefix is never JSON
      () => text.replace(/"/g, "'"),
      () => text.replace(/}$/, ',}'),
      () => text.replace(/}$/, ' /* note */}'),
      () => text.replace(/"([a-z_]+)":/g, '$1:'),
      () => `${text}${text}`,
      () => text.replace(/"ts":"/, '"ts":"\u0001'), // a raw control character inside a string
      () => 'undefined',
      () => `<?xml version="1.0"?><readings/>`,
      () => `x-${Array.from({ length: this.rng.int(1, 200) }, () => String.fromCharCode(this.rng.int(0x61, 0x7a))).join('')}`,
    ];
    return this.msg(v.topic, this.rng.pick(variants)(), 'json');
  }

  private wrongTypes(): Made {
    const v = this.valid();
    if (this.rng.chance(0.1)) return this.msg(v.topic, this.rng.pick(['null', '42', '"readings"', 'true', '[]', '[{}]', '{}']), 'schema');
    const f = this.field(v.kind);
    // Values of the wrong type (or out of the field's range) for each field.
    const id = [42, true, null, [], {}, '', 'x'.repeat(65), { nested: { x: 1 } }];
    const time = [true, null, [], {}, -1, 0.5, 'short', { nested: { x: 1 } }];
    const wrong: Record<string, unknown[]> = {
      ts: time, start: time, end: time, id, device: id, customer: id,
      interval_s: ['900', true, null, [], {}, 0, -1, 0.5, 86_401],
      readings: [{}, [], 'x', 42, null, [1, 2, 3], [{}], [{ meter: 'M1' }]],
      code: [385, true, null, [], '', 'abc', '3'],
      kind: [1, true, null, 'breaker', [], 'BREAKER.TRIP'],
      channel: ['fax', 1, null, [], 'HOTLINE'],
      category: ['', 7, null, [], 'x'.repeat(33)],
    };
    return this.msg(v.topic, { ...v.body, [f]: this.rng.pick(wrong[f]!) }, 'schema');
  }

  private huge(i: number): Made {
    const v = this.valid();
    const size = MAX_PAYLOAD_BYTES + 1 + ((i * 2_731) % 65_536);
    if (i % 2 === 0) {
      // Valid JSON, just too big.
      const head = JSON.stringify({ ...v.body, pad: '' }).slice(0, -2);
      return { topic: v.topic, payload: Buffer.concat([Buffer.from(head), Buffer.alloc(size - head.length - 2, 'x'), Buffer.from('"}')]), reason: 'size' };
    }
    return { topic: v.topic, payload: Buffer.alloc(size, i % 4 === 1 ? '[' : '\u00e9'), reason: 'size' };
  }

  private deep(i: number): Made {
    const depth = i < DEEPEST_COUNT ? DEEPEST : this.rng.int(1_000, 20_000);
    const v = this.valid();
    const variants: (() => [string, DeadLetterClass])[] = [
      () => [nestedArrays(depth), 'schema'],
      () => [nestedObjects(Math.min(depth, 50_000)), 'schema'],
      () => [JSON.stringify({ ...v.body, ts: 0 }).replace('"ts":0', `"ts":${nestedArrays(depth)}`), 'schema'],
      () => [`{"events":${nestedArrays(depth)}}`, 'schema'],
      () => ['['.repeat(depth), 'json'],
      () => [`{"readings":[${nestedObjects(Math.min(depth, 50_000))}],"ts":${nestedArrays(depth)}}`, 'schema'],
    ];
    const [body, reason] = variants[i % variants.length]!();
    return this.msg(v.topic, body, reason);
  }

  private unknownDevice(i: number): Made {
    const tf = this.tf();
    const ts = this.ts();
    const ghost = `ZZ${i}-${this.rng.int(0, 1e6)}`;
    const variants: (() => Made)[] = [
      () => this.msg(this.t.readings(ghost), { ts, interval_s: 900, readings: [{ meter: this.metersOf(tf.id)[0] ?? 'M1', kwh: 1 }] }, 'unknown device'),
      () => this.msg(this.t.readings(tf.id), { ts, interval_s: 900, readings: [{ meter: `M-${ghost}`, kwh: 1 }, { meter: `M-${ghost}-2`, kwh: 2 }] }, 'unknown device'),
      () => this.msg(this.t.meterEvents(tf.id), { device: `M-${ghost}`, ts, code: EVENT_CODE.powerOff }, 'unknown device'),
      () => this.msg(this.t.meterEvents(tf.id), { events: [{ device: `M-${ghost}`, ts, code: EVENT_CODE.lastGasp }, { device: `DCU-${ghost}`, ts, code: EVENT_CODE.powerOff }] }, 'unknown device'),
      () => this.msg(this.t.meterEvents(ghost), { device: this.metersOf(tf.id)[0] ?? 'M1', ts, code: EVENT_CODE.powerOff }, 'unknown device'),
      () => this.msg(this.t.faults(tf.feeder), { device: `BRK-${ghost}`, ts, kind: 'breaker.lockout' }, 'unknown device'),
      () => this.msg(this.t.contacts(), { id: `K-${ghost}`, ts, channel: 'hotline', customer: `C-${ghost}`, category: 'outage' }, 'unknown device'),
      () => this.msg(this.t.planned(), { id: `P-${ghost}`, ts, device: `SW-${ghost}`, start: this.iso(this.ctx.now + 86_400_000), end: this.iso(this.ctx.now + 90_000_000) }, 'unknown device'),
    ];
    return variants[i % variants.length]!();
  }

  private timestamp(): Made {
    const now = this.ctx.now;
    const bad: [string | number, DeadLetterClass][] = [
      ['1970-01-01T00:00:00Z', 'timestamp'],
      ['0001-01-01T00:00:00Z', 'timestamp'],
      [this.iso(now - 8 * 86_400_000), 'timestamp'],
      [0, 'timestamp'],
      [now - 30 * 86_400_000, 'timestamp'],
      ['9999-12-31T23:59:59Z', 'timestamp'],
      [this.iso(now + 86_400_000), 'timestamp'],
      [now + 3_600_000, 'timestamp'],
      [8.64e15, 'timestamp'],
      ['yesterday at noon', 'timestamp'],
      ['2026-13-45T99:99:99Z', 'timestamp'],
      ['2026-11-27 08:00:00', 'timestamp'],
      ['2026-11-27T08:00:00+25:00', 'timestamp'],
      [-1, 'schema'],
      [8.64e15 + 1, 'schema'],
      [1.5, 'schema'],
      ['2026', 'schema'],
      ['x'.repeat(41), 'schema'],
    ];
    const [ts, reason] = this.rng.pick(bad);
    const v = this.valid();
    if (v.kind === 'events' && this.rng.chance(0.5)) {
      // A batch whose every event is late: one dead letter for the message.
      const tf = this.tf();
      const body = { events: this.metersOf(tf.id).slice(0, 3).map((m) => ({ device: m, ts, code: EVENT_CODE.lastGasp })) };
      if (body.events.length) return this.msg(this.t.meterEvents(tf.id), body, reason);
    }
    return this.msg(v.topic, { ...v.body, ts }, reason);
  }

  private nonFinite(): Made {
    const v = this.valid();
    const text = JSON.stringify(v.body);
    const numeric = { readings: ['interval_s', 'ts'], events: ['ts', 'seq'], faults: ['current_a', 'ts'], contacts: ['ts'], planned: ['ts', 'start'] }[v.kind];
    const f = this.rng.pick(numeric);
    // 1e308 is a finite integer: out of range everywhere but in `seq`, which has no maximum.
    const literal = this.rng.pick(['1e999', '-1e999', 'NaN', 'Infinity', '-Infinity', '"NaN"', '"Infinity"', f === 'seq' ? '-1e308' : '1e308', '-0.5e400']);
    const reason: DeadLetterClass = /^-?(NaN|Infinity)$/.test(literal) ? 'json' : 'schema';
    // A quoted "NaN" or "Infinity" is a 3–9 character string: too short for a timestamp as well.
    if (v.kind === 'readings' && this.rng.chance(0.5)) {
      return this.msg(v.topic, text.replace(/"kwh":1.5/, `"kwh":${literal}`), reason);
    }
    const spoiled = text.includes(`"${f}":`) ? text.replace(new RegExp(`"${f}":("[^"]*"|[^,}]*)`), `"${f}":${literal}`) : text.replace(/}$/, `,"${f}":${literal}}`);
    return this.msg(v.topic, spoiled, reason);
  }

  private injection(): Made {
    const v = this.valid();
    const evil = this.rng.pick(INJECTIONS);
    const r = this.rng.next();
    if (r < 0.15) {
      // A raw NUL byte (not the \u0000 escape) inside a string: JSON forbids control characters.
      return { topic: v.topic, payload: Buffer.from(JSON.stringify(v.body).replace(/"ts":"/, '"ts":"\u0000')), reason: 'json' };
    }
    if (r < 0.25) {
      const tf = this.tf();
      const seg = `${tf.id}${evil.replace(/[/+#\u0000]/g, '_')}`;
      // Some injections are harmless characters once / and NUL are gone: a well-formed unknown station area.
      const reason = /^[A-Za-z0-9_.:-]{1,64}$/.test(seg) ? 'unknown device' : 'topic';
      return this.msg(`${this.ctx.prefix}/ami/${seg}/readings`, { ts: this.ts(), interval_s: 900, readings: [{ meter: this.metersOf(tf.id)[0] ?? 'M1', kwh: 1 }] }, reason);
    }
    const idField = { readings: 'readings', events: 'device', faults: 'device', contacts: this.rng.pick(['id', 'customer']), planned: this.rng.pick(['id', 'device']) }[v.kind];
    if (idField === 'readings') {
      const body = v.body as { readings: { meter: string }[] };
      return this.msg(v.topic, { ...body, readings: body.readings.map((x, k) => (k === 0 ? { ...x, meter: evil } : x)) }, 'schema');
    }
    if (v.kind === 'events' && this.rng.chance(0.3)) return this.msg(v.topic, { ...v.body, code: evil }, 'schema');
    if (v.kind === 'faults' && this.rng.chance(0.3)) return this.msg(v.topic, { ...v.body, kind: evil }, 'schema');
    return this.msg(v.topic, { ...v.body, [idField]: evil }, 'schema');
  }

  private prototype(i: number): Made {
    const v = this.valid();
    const tf = this.tf();
    const ts = this.ts();
    const polluter = { polluted: 'yes', isAdmin: true };
    const variants: (() => Made)[] = [
      // The whole valid body under __proto__: an own property after JSON.parse, not the prototype.
      () => this.msg(v.topic, `{"__proto__":${JSON.stringify(v.body)}}`, 'schema'),
      () => this.msg(v.topic, `{"__proto__":${JSON.stringify(polluter)},"constructor":{"prototype":${JSON.stringify(polluter)}}}`, 'schema'),
      () => this.msg(this.t.meterEvents(tf.id), `{"events":[{"__proto__":${JSON.stringify({ device: this.metersOf(tf.id)[0] ?? 'M1', ts, code: EVENT_CODE.powerOff })}}]}`, 'schema'),
      () => this.msg(this.t.readings(tf.id), { ts, interval_s: 900, readings: [{ meter: this.rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype']), kwh: 1 }] }, 'unknown device'),
      () => this.msg(this.t.readings(this.rng.pick(['__proto__', 'constructor', 'prototype', 'valueOf'])), { ts, interval_s: 900, readings: [{ meter: 'M1', kwh: 1 }] }, 'unknown device'),
      () => this.msg(this.t.meterEvents(tf.id), { device: tf.concentrator, ts, code: this.rng.pick(['__proto__', 'constructor', 'toString']) }, 'schema'),
      () => this.msg(this.t.contacts(), `{"id":"K${i}","ts":"${ts}","channel":"__proto__","customer":"${this.customer().id}","category":"outage","__proto__":{"channel":"app"}}`, 'schema'),
    ];
    return variants[i % variants.length]!();
  }

  private wrongTopic(i: number): Made {
    const v = this.valid();
    const tf = this.tf();
    const p = this.ctx.prefix;
    // Only shapes the subscriptions (ami/+/readings, ami/+/events, da/+/faults) deliver.
    const segments = ['T'.repeat(65), 'T 1', ...(this.ctx.emptyTopicLevels ? [''] : []), 'T\u20ac1', 'T;1', "T'1", 'T$1', 'T@1', 'T\u4e00', 'T%201', 'T"1'];
    const seg = segments[i % segments.length]!;
    const shape = i % 4;
    if (shape === 3) {
      // A real fault device on the wrong feeder's topic.
      const d = this.device();
      const other = this.rng.pick(this.n.feeders.filter((f) => f.id !== d.feeder));
      return this.msg(this.t.faults(other.id), { device: d.id, ts: this.ts(), kind: 'fci.fault' }, 'topic');
    }
    const topic = [`${p}/ami/${seg}/readings`, `${p}/ami/${seg}/events`, `${p}/da/${seg}/faults`][shape]!;
    return this.msg(topic, shape === 0 ? { ts: this.ts(), interval_s: 900, readings: [{ meter: this.metersOf(tf.id)[0] ?? 'M1', kwh: 1 }] } : v.body, 'topic');
  }

  private invalidUtf8(): Made {
    const v = this.valid();
    const text = JSON.stringify(v.body);
    const bad = this.rng.pick([[0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]);
    if (this.rng.chance(0.15)) {
      // UTF-16 with a byte-order mark, as a Windows tool might send.
      return { topic: v.topic, payload: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), reason: 'encoding' };
    }
    // Inside a string value, where lenient decoding would store U+FFFD instead.
    const at = text.indexOf('"ts":"') + 6;
    const cut = at > 6 ? at : text.length - 1;
    return { topic: v.topic, payload: Buffer.concat([Buffer.from(text.slice(0, cut)), Buffer.from(bad), Buffer.from(text.slice(cut))]), reason: 'encoding' };
  }
}

// ---- HTTP ---------------------------------------------------------------------------------------

export interface HostileRequest {
  /** endpoint and kind of hostility, for the report */
  cls: string;
  method: 'GET' | 'POST';
  url: string;
  /** Which credentials to send: none, a console officer's token, or an intake key. */
  auth: 'none' | 'officer' | 'intake';
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** The status it must get when there is one answer only (413 for an oversized body). */
  status?: number;
  /** A POST /api/contacts body the handler sees: a refusal must be dead-lettered. */
  contact: boolean;
}

export interface HttpContext {
  network: Network;
  now: number;
  /** A real work order and alert id, so actions reach the desk and not only 404. */
  orderId: string | null;
  alertId: string | null;
}

const BODY_KINDS = ['invalid-json', 'deep-nesting', 'wrong-types', 'prototype', 'injection', 'huge-field', 'invalid-utf8', 'empty', 'primitive', 'content-type', 'oversize'] as const;
export const HTTP_BODY_LIMIT_PROBE = 1024 * 1024;

/** Hostile requests against the write endpoints and the query strings of the read ones. */
export function hostileHttpRequests(ctx: HttpContext, total: number, seed = 11): HostileRequest[] {
  const rng = createRng(seed);
  const iso = (ms: number) => new Date(ms).toISOString();
  const customer = () => rng.pick(ctx.network.customers).id;
  const json = { 'content-type': 'application/json' };
  const out: HostileRequest[] = [];

  const bases: { name: string; url: () => string; auth: HostileRequest['auth']; base: () => Record<string, unknown>; contact?: boolean }[] = [
    { name: 'login', url: () => '/api/login', auth: 'none', base: () => ({ username: 'officer', password: 'not-the-password' }) },
    {
      name: 'contacts', url: () => '/api/contacts', auth: 'intake', contact: true,
      base: () => ({ id: `H${rng.int(1, 1e9)}`, ts: iso(ctx.now - 60_000), channel: 'hall', customer: customer(), category: 'billing', text: 'at the counter' }),
    },
    {
      name: 'alert-actions', auth: 'officer', base: () => ({ kind: rng.pick(['notify', 'call-list', 'crew-priority']), text: 'hello' }),
      url: () => `/api/alerts/${encodeURIComponent(ctx.alertId ?? 'A-none')}/${rng.pick(['actions', 'acknowledge', 'resolve'])}`,
    },
    {
      name: 'order-actions', auth: 'officer', base: () => rng.pick([{ action: 'note', note: 'x' }, { action: 'callback-2', score: 3 }, { action: 'transfer', team: 'TEAM0001' }]),
      url: () => `/api/orders/${encodeURIComponent(ctx.orderId ?? 'WO-none')}/actions`,
    },
  ];

  const spoil = (kind: (typeof BODY_KINDS)[number], base: Record<string, unknown>): { payload: string | Buffer; headers: Record<string, string>; status?: number } => {
    const text = JSON.stringify(base);
    const keys = Object.keys(base);
    const key = rng.pick(keys);
    switch (kind) {
      case 'invalid-json':
        return { headers: json, payload: rng.pick([text.slice(0, rng.int(1, text.length - 1)), text.replace(/"/g, "'"), text.replace(/}$/, ',}'), `${text}]`, 'NaN', '{"a":undefined}']) };
      case 'deep-nesting': {
        const depth = rng.chance(0.3) ? DEEPEST : rng.int(1_000, 30_000);
        return { headers: json, payload: rng.pick([nestedArrays(depth), nestedObjects(Math.min(depth, 40_000)), text.replace(/}$/, `,"${key}x":${nestedArrays(depth)}}`), JSON.stringify({ ...base, [key]: 0 }).replace(`"${key}":0`, `"${key}":${nestedArrays(depth)}`)]) };
      }
      case 'wrong-types':
        return { headers: json, payload: JSON.stringify({ ...base, [key]: rng.pick([42, true, null, [], {}, -1, 1e308, { $gt: '' }, ['a', 'b']]) }) };
      case 'prototype':
        return {
          headers: json,
          payload: rng.pick([`{"__proto__":${text}}`, `{"__proto__":{"role":"admin","polluted":"yes"},${text.slice(1)}`, `{"constructor":{"prototype":{"polluted":"yes"}},${text.slice(1)}`]),
        };
      case 'injection':
        return { headers: json, payload: JSON.stringify({ ...base, [key]: rng.pick(INJECTIONS) }) };
      case 'huge-field':
        return { headers: json, payload: JSON.stringify({ ...base, [key]: 'x'.repeat(rng.int(10_000, 200_000)) }) };
      case 'invalid-utf8': {
        const cut = text.indexOf('":"') + 3;
        return { headers: json, payload: Buffer.concat([Buffer.from(text.slice(0, cut)), Buffer.from(rng.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80]])), Buffer.from(text.slice(cut))]) };
      }
      case 'empty':
        return { headers: rng.chance(0.5) ? json : {}, payload: '' };
      case 'primitive':
        return { headers: json, payload: rng.pick(['null', '42', '"text"', 'true', '[]', '[{}]', '{}']) };
      case 'content-type':
        return rng.pick([
          { headers: { 'content-type': 'text/plain' }, payload: text },
          { headers: { 'content-type': 'application/xml' }, payload: '<a/>' },
          { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=officer&password=x' },
          { headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x\r\n\r\n--x--' },
          { headers: { 'content-type': 'application/json; charset=utf-16' }, payload: text },
          { headers: { 'content-type': 'application/jsonx' }, payload: text },
        ]);
      case 'oversize':
        return { headers: json, payload: JSON.stringify({ ...base, pad: 'x'.repeat(HTTP_BODY_LIMIT_PROBE) }), status: 413 };
    }
  };

  // Query strings and path parameters of the read endpoints.
  const badValues = ['abc', '-1', '0', '1e999', 'NaN', 'Infinity', '9'.repeat(400), "' OR 1=1--", '%00', '%ZZ', '__proto__', '', '[]', '{}', 'true', '1.5', '8640000000000001', '<script>'];
  const readPaths: { path: string; params: string[]; auth: HostileRequest['auth'] }[] = [
    { path: '/api/outages', params: ['status', 'limit'], auth: 'none' },
    { path: '/api/alerts', params: ['status', 'limit'], auth: 'none' },
    { path: '/api/notices', params: ['outage', 'limit'], auth: 'none' },
    { path: '/api/orders', params: ['status', 'category', 'team', 'channel', 'list', 'from', 'to', 'limit'], auth: 'officer' },
    { path: '/api/kpis/service', params: ['from', 'to', 'by'], auth: 'none' },
    { path: '/api/reliability', params: ['from', 'to', 'includePlanned'], auth: 'none' },
    { path: '/api/handover', params: ['shift', 'from', 'to'], auth: 'officer' },
    { path: '/api/network/map/areas', params: ['ids'], auth: 'none' },
  ];
  const idPaths = ['/api/outages/{id}', '/api/outages/{id}/risk', '/api/alerts/{id}', '/api/orders/{id}'];
  const badIds = [...INJECTIONS.map(encodeURIComponent), 'x'.repeat(300), '%00', '%ZZ', '..%2F..%2Fetc%2Fpasswd', '%E0%A4%A', encodeURIComponent('\u4e00\u4e8c'), '__proto__', 'constructor'];

  for (let i = 0; out.length < total; i++) {
    const r = rng.next();
    if (r < 0.6) {
      const b = bases[i % bases.length]!;
      const kind = BODY_KINDS[Math.floor(i / bases.length) % BODY_KINDS.length]!;
      const s = spoil(kind, b.base());
      out.push({ cls: `${b.name}:${kind}`, method: 'POST', url: b.url(), auth: b.auth, headers: s.headers, payload: s.payload, status: s.status, contact: !!b.contact });
    } else if (r < 0.85) {
      const p = rng.pick(readPaths);
      const pairs = Array.from({ length: rng.int(1, 4) }, () => {
        const name = rng.chance(0.15) ? rng.pick(['__proto__[limit]', 'constructor[prototype][x]', 'limit[]', p.params[0]!]) : rng.pick(p.params);
        return `${name}=${rng.pick(badValues)}`;
      });
      out.push({ cls: `query:${p.path}`, method: 'GET', url: `${p.path}?${pairs.join('&')}`, auth: p.auth, headers: {}, contact: false });
    } else {
      const path = rng.pick(idPaths).replace('{id}', rng.pick(badIds));
      out.push({ cls: 'path-id', method: 'GET', url: path, auth: path.startsWith('/api/orders') ? 'officer' : 'none', headers: {}, contact: false });
    }
  }
  return out;
}
