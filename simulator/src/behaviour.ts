// Customer behaviour parameters: when customers contact the utility, on which channel, about what.
// Defaults follow the evidence in GRIDWATCH.md: only ~8-12% of customers report an outage
// themselves; outage notices with a restoration time cut the share calling from 68% to 16% (a
// factor ~0.25); 94% of complaints come by hotline. Every value can be overridden from a JSON file
// (`--behaviour <file>`), which is validated strictly: unknown keys and out-of-range values are
// errors, so a typo can never silently leave a default in place.
import { readFileSync } from 'node:fs';
import type { CustomerType } from '@gridwatch/shared';

export interface BehaviourParams {
  /** Hazard of contacting the utility while without power. */
  outage: {
    /** Per hour, at its peak a few minutes in, for a residential, non-sensitive customer in the
     * daytime, first outage, no notice. */
    peakPerHour: number;
    /** Customers first notice, check their own breaker, ask neighbours: the hazard ramps up. */
    rampS: number;
    /** The early wave of calls fades with this time constant... */
    decayS: number;
    /** ...to this share of the peak. */
    floor: number;
    /** Long outages build frustration: after this long, the hazard grows... */
    growthAfterS: number;
    /** ...by this share of itself per hour. */
    growthPerHour: number;
    /** Hazard of calling again after a first contact in the same outage, relative. */
    followUpFactor: number;
  };
  /** Hazard multiplier by customer type. */
  type: Record<CustomerType, number>;
  /** Hazard multiplier for customers flagged outage-sensitive. */
  sensitiveFactor: number;
  /** The simulator remembers its own history: recent sustained outages raise the hazard. */
  repeat: {
    windowDays: number;
    /** Each earlier sustained outage in the window adds this share... */
    perOutage: number;
    /** ...up to this multiplier. */
    max: number;
  };
  /** Hazard multipliers once a customer has an effective notice. */
  notice: {
    withEtr: number;
    withoutEtr: number;
    /** The announced restoration time passed and the power is still off. */
    etrMissed: number;
    /** Share of a planned outage's customers the utility's announcement reaches. */
    plannedReach: number;
  };
  /** Hazard multiplier by local hour 0-23 (few calls at night). */
  hour: number[];
  customerSide: {
    /** A customer alone without power hears no neighbours and sees no crew: they call. */
    factor: number;
  };
  voltage: {
    /** Hazard of a voltage complaint per hour of under-voltage (before type/hour factors). */
    perHour: number;
  };
  /** After power returns, complaints about repeated outages. */
  postRestoration: {
    /** Only from this many sustained outages within the repeat window (this one included). */
    minRecent: number;
    /** Probability per outage at or above the threshold... */
    perOutage: number;
    /** ...capped here. */
    max: number;
    meanDelayS: number;
  };
  /**
   * When a call about an outage is a complaint (投诉) rather than a fault report (报修): a second
   * call in the same outage, a call after the announced restoration time passed, a call from a
   * customer with `repeatMin` sustained outages in the repeat window before this one once the
   * outage has lasted `repeatAfterS`, a call after `afterS` without power, and a complaint about
   * repeated outages after restoration.
   */
  complaint: {
    repeatMin: number;
    /**
     * A customer cut off repeatedly who calls in the first minutes reports the fault like anyone
     * else: customers expect a restoration time within 15 minutes (GRIDWATCH.md), and escalate
     * when the outage outlasts that. 0: their first call is a complaint however early.
     */
    repeatAfterS: number;
    afterS: number;
  };
  /** Contacts unrelated to the grid's state. */
  background: {
    perCustomerPerDay: number;
    /** Relative weights of the categories. */
    categories: { billing: number; attitude: number; other: number };
  };
  channel: {
    /** A customer who prefers app/WeChat/hall uses it with this probability, else the hotline. */
    keepPreferred: number;
    /** A customer who prefers the hotline uses another channel with this probability. */
    hotlineDeviation: number;
  };
  /** Share of contact texts in Chinese (the rest English). */
  textZhShare: number;
}

export const DEFAULT_BEHAVIOUR: BehaviourParams = {
  outage: {
    peakPerHour: 0.18,
    rampS: 300,
    decayS: 900,
    floor: 0.2,
    growthAfterS: 7_200,
    growthPerHour: 0.3,
    followUpFactor: 0.3,
  },
  type: { residential: 1, commercial: 1.3, industrial: 1.5, critical: 3 },
  sensitiveFactor: 2,
  repeat: { windowDays: 60, perOutage: 0.2, max: 2.5 },
  notice: { withEtr: 0.25, withoutEtr: 0.5, etrMissed: 1.5, plannedReach: 0.8 },
  // prettier-ignore
  hour: [0.25, 0.2, 0.15, 0.15, 0.2, 0.3, 0.55, 0.85, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1, 1.15, 1.15, 1, 0.7, 0.45],
  customerSide: { factor: 25 },
  voltage: { perHour: 0.05 },
  postRestoration: { minRecent: 3, perOutage: 0.02, max: 0.2, meanDelayS: 1_800 },
  complaint: { repeatMin: 2, repeatAfterS: 900, afterS: 7_200 },
  background: { perCustomerPerDay: 0.0015, categories: { billing: 0.55, attitude: 0.1, other: 0.35 } },
  channel: { keepPreferred: 0.25, hotlineDeviation: 0.01 },
  textZhShare: 0.85,
};

type DeepPartial<T> = T extends number | number[] ? T : { [K in keyof T]?: DeepPartial<T[K]> };
/** Overrides as read from a file: any subset of the parameters. */
export type BehaviourOverrides = DeepPartial<BehaviourParams>;

export class BehaviourError extends Error {}

// Value ranges beyond "finite and >= 0", by dotted path.
const SHARES = new Set(['outage.floor', 'notice.plannedReach', 'channel.keepPreferred', 'channel.hotlineDeviation', 'textZhShare', 'postRestoration.perOutage', 'postRestoration.max']);
const POSITIVE = new Set(['outage.rampS', 'outage.decayS', 'repeat.windowDays', 'repeat.max', 'postRestoration.meanDelayS', 'complaint.afterS']);
const INTEGERS = new Set(['postRestoration.minRecent', 'complaint.repeatMin']);

/**
 * Defaults with `overrides` applied, after checking every key and value; all problems are
 * reported at once, each with its JSON path.
 */
export function resolveBehaviour(overrides: unknown = {}, base: BehaviourParams = DEFAULT_BEHAVIOUR): BehaviourParams {
  const problems: string[] = [];
  const merged = merge(base, overrides, '', problems) as BehaviourParams;
  if (problems.length) throw new BehaviourError(`invalid behaviour parameters:\n  ${problems.join('\n  ')}`);
  const weights = Object.values(merged.background.categories);
  if (weights.reduce((a, b) => a + b, 0) <= 0 && merged.background.perCustomerPerDay > 0) {
    throw new BehaviourError('invalid behaviour parameters:\n  background.categories: weights must not all be 0');
  }
  return merged;
}

function merge(base: unknown, over: unknown, path: string, problems: string[]): unknown {
  const at = path || '(top level)';
  if (typeof base === 'number') {
    if (typeof over !== 'number' || !Number.isFinite(over)) return problems.push(`${at}: expected a number, got ${show(over)}`), base;
    if (over < 0) problems.push(`${at}: must be >= 0, got ${over}`);
    else if (SHARES.has(path) && over > 1) problems.push(`${at}: must be a share between 0 and 1, got ${over}`);
    else if (POSITIVE.has(path) && over === 0) problems.push(`${at}: must be > 0`);
    else if (INTEGERS.has(path) && !Number.isInteger(over)) problems.push(`${at}: must be an integer, got ${over}`);
    return over;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over) || over.length !== base.length) return problems.push(`${at}: expected an array of ${base.length} numbers`), base;
    return over.map((v, i) => merge(base[i], v, `${path}[${i}]`, problems));
  }
  if (typeof over !== 'object' || over === null || Array.isArray(over)) return problems.push(`${at}: expected an object, got ${show(over)}`), base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over)) {
    const child = path ? `${path}.${key}` : key;
    if (!(key in out)) {
      problems.push(`${child}: unknown key (known: ${Object.keys(out).join(', ')})`);
      continue;
    }
    out[key] = merge(out[key], value, child, problems);
  }
  return out;
}

const show = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `"${v.slice(0, 20)}"` : typeof v);

/** Reads and validates a behaviour JSON file. */
export function loadBehaviourFile(file: string): BehaviourParams {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BehaviourError(`behaviour file ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BehaviourError(`behaviour file ${file}: not valid JSON (${(err as Error).message})`);
  }
  try {
    return resolveBehaviour(json);
  } catch (err) {
    throw new BehaviourError(`behaviour file ${file}: ${(err as Error).message}`);
  }
}
