// Counters and rates for the KPI tiles, /api/health and /metrics (Prometheus text format).

/** Events per second over a sliding window of one-second buckets. */
export class RateMeter {
  private readonly buckets: Float64Array;
  private lastSecond = 0;

  constructor(
    private readonly now: () => number,
    private readonly windowS = 5,
  ) {
    this.buckets = new Float64Array(windowS + 1);
  }

  add(n = 1): void {
    this.advance();
    this.buckets[this.lastSecond % this.buckets.length]! += n;
  }

  /** Average rate over the last full `windowS` seconds. */
  rate(): number {
    this.advance();
    let sum = 0;
    for (let i = 1; i <= this.windowS; i++) sum += this.buckets[(this.lastSecond - i + this.buckets.length * 2) % this.buckets.length]!;
    return sum / this.windowS;
  }

  private advance(): void {
    const second = Math.floor(this.now() / 1000);
    if (this.lastSecond === 0) this.lastSecond = second;
    const steps = Math.min(second - this.lastSecond, this.buckets.length);
    for (let i = 1; i <= steps; i++) this.buckets[(this.lastSecond + i) % this.buckets.length] = 0;
    if (second > this.lastSecond) this.lastSecond = second;
  }
}

/**
 * What a dead letter's reason starts with (`class: detail`). The metric is labelled by class, and
 * only these: a hostile sender controls the detail, and must not mint a label per message.
 */
export const DEAD_LETTER_CLASSES = ['topic', 'size', 'encoding', 'json', 'schema', 'unknown device', 'timestamp', 'socket', 'database', 'internal'] as const;
export type DeadLetterClass = (typeof DEAD_LETTER_CLASSES)[number] | 'other';

export function reasonClass(reason: string): DeadLetterClass {
  const i = reason.indexOf(':');
  const head = i < 0 ? '' : reason.slice(0, i);
  return (DEAD_LETTER_CLASSES as readonly string[]).includes(head) ? (head as DeadLetterClass) : 'other';
}

export class Metrics {
  readonly messages: RateMeter;
  readonly readings: RateMeter;
  messagesReceived = 0;
  messagesByKind: Record<string, number> = { readings: 0, 'meter-events': 0, faults: 0, contacts: 0, unknown: 0 };
  readingsReceived = 0;
  readingsStored = 0;
  /** Readings already in the database when the server started (estimate on big tables). */
  readingsStoredAtStart = 0;
  duplicatesIgnored = 0;
  deadLetters = 0;
  /** By reason class (DEAD_LETTER_CLASSES). */
  deadLettersByReason: Record<string, number> = {};
  /** Counted but not stored: a client flooding refused messages past its storage budget (the hub). */
  deadLettersNotStored = 0;
  dbWriteErrors = 0;
  bufferedRows = 0;
  backpressureWaits = 0;

  constructor(readonly now: () => number) {
    this.messages = new RateMeter(now);
    this.readings = new RateMeter(now);
  }

  deadLetter(reason: string, stored = true): void {
    this.deadLetters++;
    if (!stored) this.deadLettersNotStored++;
    const key = reasonClass(reason);
    this.deadLettersByReason[key] = (this.deadLettersByReason[key] ?? 0) + 1;
  }
}

export type MetricLine = readonly [name: string, help: string, type: 'counter' | 'gauge', value: number, labels?: Record<string, string>];

export function prometheusText(gauges: readonly MetricLine[]): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [name, help, type, value, labels] of gauges) {
    if (!seen.has(name)) {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      seen.add(name);
    }
    const l = labels ? `{${Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}` : '';
    out.push(`${name}${l} ${Number.isFinite(value) ? value : 0}`);
  }
  return out.join('\n') + '\n';
}
