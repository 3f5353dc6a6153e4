// What the complaint-risk model knows about a customer in an open outage: only what a utility
// has - the outage as GridWatch located it, the customer's profile, the outages and contacts on
// record for that customer, the notices GridWatch sent and the clock. One row per (customer,
// outage, instant); every feature has a name and words, so officers can read why.
import { RISK_FEATURES, type Customer, type NetworkIndex, type OutageDto } from '@gridwatch/shared';
import { ETR_PRIOR_MIN } from '../outage/etr.ts';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

/** Where an outage is, as the model distinguishes it. */
export type RiskKind = 'customer-side' | 'transformer' | 'fuse' | 'trunk' | 'planned';

/** An open outage as the model sees it. */
export interface RiskOutage {
  id: string;
  startedAt: number;
  kind: RiskKind;
  /** Customers still without power. */
  customers: readonly Customer[];
}

export function riskKindOf(dto: Pick<OutageDto, 'status' | 'level' | 'device'>, index: NetworkIndex): RiskKind {
  if (dto.status === 'planned') return 'planned';
  if (dto.level === 'meter') return 'customer-side';
  if (dto.level === 'transformer') return 'transformer';
  return index.device.get(dto.device)?.kind === 'fuse' ? 'fuse' : 'trunk';
}

/** Customers of an outage still without power: its station areas not yet restored, or its meter. */
export function darkCustomers(dto: Pick<OutageDto, 'level' | 'device' | 'transformers' | 'restored'>, index: NetworkIndex): Customer[] {
  return outageCustomers(dto, index, new Set(dto.restored));
}

/** Every customer an outage reached (its station areas, or its meter's customer), less `except` areas. */
export function outageCustomers(dto: Pick<OutageDto, 'level' | 'device' | 'transformers'>, index: NetworkIndex, except?: ReadonlySet<string>): Customer[] {
  if (dto.level === 'meter') {
    const c = index.meter.get(dto.device);
    return c ? [c] : [];
  }
  const out: Customer[] = [];
  for (const t of dto.transformers) if (!except?.has(t)) out.push(...(index.customersOf.get(t) ?? []));
  return out;
}

export function riskOutageOf(dto: OutageDto, index: NetworkIndex): RiskOutage {
  return { id: dto.id, startedAt: dto.startedAt, kind: riskKindOf(dto, index), customers: darkCustomers(dto, index) };
}

interface Notice {
  at: number;
  etr: number | null;
}

/** A customer contact as the history keeps it. */
export interface ContactRecord {
  id: string;
  customer: string;
  at: number;
  /** What it is about: outage, voltage, billing, attitude, other. */
  category: string;
  /** report (报修), enquiry (咨询), complaint (投诉); null when the channel did not say. */
  type: string | null;
}

/** A complaint (投诉) about an outage: what the model predicts. */
export const isOutageComplaint = (c: Pick<ContactRecord, 'category' | 'type'>) => c.type === 'complaint' && c.category === 'outage';

/**
 * Per-customer record of sustained outages, contacts and notices, kept for a year. Fed from the
 * database at start and by the live streams; every add is idempotent on its id.
 */
export class CustomerHistory {
  private readonly outages = new Map<string, number[]>();
  /** Outage complaints; every outage contact (reports and complaints); everything else. */
  private readonly complaints = new Map<string, number[]>();
  private readonly outageContacts = new Map<string, number[]>();
  private readonly others = new Map<string, number[]>();
  private readonly notices = new Map<string, Notice[]>();
  private readonly seen = new Set<string>();

  constructor(private readonly keepMs = 366 * DAY) {}

  /** A sustained outage that started at `at` reached these customers. */
  addOutage(id: string, customers: Iterable<string>, at: number): void {
    if (!this.once(`o:${id}`)) return;
    for (const c of customers) push(this.outages, c, at);
  }

  /** Records a contact once per id; false when it was known already. */
  addContact(c: ContactRecord): boolean {
    if (!this.once(`c:${c.id}`)) return false;
    if (c.category === 'outage') push(this.outageContacts, c.customer, c.at);
    else push(this.others, c.customer, c.at);
    if (isOutageComplaint(c)) push(this.complaints, c.customer, c.at);
    return true;
  }

  addNotice(id: string, customers: Iterable<string>, at: number, etr: number | null): void {
    if (!this.once(`n:${id}`)) return;
    for (const c of customers) {
      let list = this.notices.get(c);
      if (!list) this.notices.set(c, (list = []));
      list.push({ at, etr });
      if (list.length > 8) list.shift();
    }
  }

  /** Outages that started in [from, to). */
  outagesBetween(customer: string, from: number, to: number): number {
    return countBetween(this.outages.get(customer), from, to);
  }

  complaintsBetween(customer: string, from: number, to: number): number {
    return countBetween(this.complaints.get(customer), from, to);
  }

  /** Contacts about outages (reports and complaints). */
  outageContactsBetween(customer: string, from: number, to: number): number {
    return countBetween(this.outageContacts.get(customer), from, to);
  }

  othersBetween(customer: string, from: number, to: number): number {
    return countBetween(this.others.get(customer), from, to);
  }

  /** The latest notice sent in [from, to]. */
  noticeBetween(customer: string, from: number, to: number): Notice | null {
    const list = this.notices.get(customer);
    if (!list) return null;
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.at >= from && list[i]!.at <= to) return list[i]!;
    return null;
  }

  /** Drops what is older than the kept year. */
  prune(now: number): void {
    const cut = now - this.keepMs;
    for (const map of [this.outages, this.complaints, this.outageContacts, this.others]) {
      for (const [c, list] of map) {
        const i = lowerBound(list, cut);
        if (i === list.length) map.delete(c);
        else if (i > 0) list.splice(0, i);
      }
    }
    if (this.seen.size > 2_000_000) this.seen.clear();
  }

  private once(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

function push(map: Map<string, number[]>, key: string, at: number): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  insertSorted(list, at);
}

/** Inserts into a sorted list; cheap when values come almost in order. */
export function insertSorted(list: number[], v: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > v) i--;
  list.splice(i, 0, v);
}

function lowerBound(list: readonly number[], x: number): number {
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const countBetween = (list: readonly number[] | undefined, from: number, to: number) => (list ? lowerBound(list, to) - lowerBound(list, from) : 0);

// ---- how long outages last ----------------------------------------------------------------------

/**
 * Past outage durations per kind of outage, in minutes, sorted: every one while training (as they
 * were known at each outage's detection), 101 quantiles in a trained model.
 */
export type DurationTable = Partial<Record<RiskKind, { outages: number; sortedMin: number[] }>>;

/** Fewer past outages of a kind than this and the typical duration below is assumed. */
const MIN_DURATIONS = 10;

/** Typical median durations before there is history (the ETR prior), in minutes. */
const TYPICAL_MEDIAN_MIN: Record<RiskKind, number> = {
  'customer-side': ETR_PRIOR_MIN['customer-side'],
  transformer: ETR_PRIOR_MIN.transformer,
  fuse: ETR_PRIOR_MIN.fuse,
  trunk: ETR_PRIOR_MIN.breaker,
  planned: ETR_PRIOR_MIN.planned,
};

/**
 * The estimated duration, as the chance that an outage of this kind out for `elapsedMin` is still
 * out `aheadMin` later: the share of past outages of its kind that lasted that much longer, among
 * those that lasted this long (smoothed). Without enough history: an exponential duration with the
 * typical median.
 */
export function stillOutChance(table: DurationTable | null | undefined, kind: RiskKind, elapsedMin: number, aheadMin = 60): number {
  const past = table?.[kind];
  if (!past || past.outages < MIN_DURATIONS) return Math.exp((-aheadMin * Math.LN2) / TYPICAL_MEDIAN_MIN[kind]);
  const longer = (m: number) => past.sortedMin.length - upperBound(past.sortedMin, m) + 0.5;
  return Math.min(1, longer(elapsedMin + aheadMin) / longer(elapsedMin));
}

/** A trained model's table: each kind's count and 101 quantiles of its durations. */
export function durationQuantiles(durationsMin: Partial<Record<RiskKind, number[]>>): DurationTable {
  const out: DurationTable = {};
  for (const [kind, list] of Object.entries(durationsMin) as [RiskKind, number[]][]) {
    if (list.length === 0) continue;
    const s = [...list].sort((a, b) => a - b);
    const q = Array.from({ length: 101 }, (_, k) => s[Math.min(s.length - 1, Math.round((k / 100) * (s.length - 1)))]!);
    out[kind] = { outages: s.length, sortedMin: q.map((v) => Math.round(v * 10) / 10) };
  }
  return out;
}

function upperBound(list: readonly number[], x: number): number {
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- the features -------------------------------------------------------------------------------

export interface FeatureDef {
  name: string;
  en: string;
  zh: string;
}

// Bands of the elapsed time and of the local hour ahead; the features' words are in
// @gridwatch/shared (RISK_FEATURES), shared with the web.
const ELAPSED = [
  ['elapsed.0-15m', 0, 15],
  ['elapsed.15-30m', 15, 30],
  ['elapsed.30-60m', 30, 60],
  ['elapsed.1-2h', 60, 120],
  ['elapsed.2-4h', 120, 240],
  ['elapsed.4h+', 240, Infinity],
] as const;

/** Local hour bands of the hour ahead. */
const HOURS = [
  ['hour.night', 0, 6],
  ['hour.morning', 6, 9],
  ['hour.day', 9, 18],
  ['hour.evening', 18, 22],
  ['hour.late', 22, 24],
] as const;

export const FEATURES: readonly FeatureDef[] = RISK_FEATURES;
export const FEATURE_COUNT = FEATURES.length;
const F = Object.fromEntries(FEATURES.map((f, i) => [f.name, i])) as Record<string, number>;

/** Every feature `outageFeatures` sets; the shared table must name exactly these. */
export const COMPUTED_FEATURES: readonly string[] = [
  ...ELAPSED.map(([name]) => name),
  'still-out.1h',
  ...(['customer-side', 'transformer', 'fuse', 'trunk', 'planned'] satisfies RiskKind[]).map((k) => `kind.${k}`),
  'kind.customer-side.fresh',
  ...(['commercial', 'industrial', 'critical'] as const).map((t) => `type.${t}`),
  'sensitive',
  ...['7d', '30d', '90d', '365d'].map((w) => `outages.${w}`),
  'repeat.30d',
  'repeat.90d',
  'complaints.365d',
  'contacts.365d',
  'called',
  'complained',
  'notice.etr',
  'notice.no-etr',
  'notice.etr-passed',
  ...HOURS.map(([name]) => name),
  'weekend',
  'size',
];
// A name missing from the table would be written nowhere, silently: refuse to load instead.
if (COMPUTED_FEATURES.length !== FEATURE_COUNT || COMPUTED_FEATURES.some((n) => F[n] === undefined)) {
  throw new Error(`risk features and their words (RISK_FEATURES) disagree: ${COMPUTED_FEATURES.filter((n) => F[n] === undefined).join(', ') || 'different counts'}`);
}

export interface FeatureContext {
  history: CustomerHistory;
  /** Local time = UTC + this. */
  utcOffsetMs: number;
  /** Past durations for the estimated duration; typical ones when absent. */
  durations?: DurationTable | null;
}

/**
 * Writes the features of every customer of `o` at instant `t` into `out` (row-major, one row per
 * customer in `o.customers` order) and returns it.
 */
export function outageFeatures(o: RiskOutage, t: number, ctx: FeatureContext, out = new Float64Array(o.customers.length * FEATURE_COUNT)): Float64Array {
  const d = FEATURE_COUNT;
  out.fill(0, 0, o.customers.length * d);
  // Shared by all customers of the outage.
  const elapsedMin = Math.max(0, (t - o.startedAt) / MIN);
  const elapsedIdx = ELAPSED.findIndex(([, lo, hi]) => elapsedMin >= lo && elapsedMin < hi);
  const local = new Date(t + 30 * MIN + ctx.utcOffsetMs);
  const hour = local.getUTCHours();
  const hourName = HOURS.find(([, lo, hi]) => hour >= lo && hour < hi)![0];
  const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6 ? 1 : 0;
  const size = Math.log10(1 + o.customers.length);
  const stillOut = stillOutChance(ctx.durations, o.kind, elapsedMin);
  const h = ctx.history;
  o.customers.forEach((c, i) => {
    const r = i * d;
    out[r + elapsedIdx] = 1;
    out[r + F['still-out.1h']!] = stillOut;
    out[r + F[`kind.${o.kind}`]!] = 1;
    if (o.kind === 'customer-side' && elapsedMin < 15) out[r + F['kind.customer-side.fresh']!] = 1;
    if (c.type !== 'residential') out[r + F[`type.${c.type}`]!] = 1;
    if (c.sensitive) out[r + F.sensitive!] = 1;
    const n30 = h.outagesBetween(c.id, o.startedAt - 30 * DAY, o.startedAt);
    const n90 = h.outagesBetween(c.id, o.startedAt - 90 * DAY, o.startedAt);
    out[r + F['outages.7d']!] = Math.log1p(h.outagesBetween(c.id, o.startedAt - 7 * DAY, o.startedAt));
    out[r + F['outages.30d']!] = Math.log1p(n30);
    out[r + F['outages.90d']!] = Math.log1p(n90);
    if (n30 >= 2) out[r + F['repeat.30d']!] = 1;
    if (n90 >= 3) out[r + F['repeat.90d']!] = 1;
    out[r + F['outages.365d']!] = Math.log1p(h.outagesBetween(c.id, o.startedAt - 365 * DAY, o.startedAt));
    out[r + F['complaints.365d']!] = Math.log1p(h.complaintsBetween(c.id, o.startedAt - 365 * DAY, o.startedAt));
    const outageContacts = h.outageContactsBetween(c.id, o.startedAt - 365 * DAY, o.startedAt);
    const complaints = h.complaintsBetween(c.id, o.startedAt - 365 * DAY, o.startedAt);
    out[r + F['contacts.365d']!] = Math.log1p(outageContacts - complaints + h.othersBetween(c.id, o.startedAt - 365 * DAY, o.startedAt));
    if (h.outageContactsBetween(c.id, o.startedAt, t + 1) > 0) out[r + F.called!] = 1;
    if (h.complaintsBetween(c.id, o.startedAt, t + 1) > 0) out[r + F.complained!] = 1;
    const n = h.noticeBetween(c.id, o.startedAt, t);
    if (n) {
      if (n.etr === null) out[r + F['notice.no-etr']!] = 1;
      else if (t < n.etr) out[r + F['notice.etr']!] = 1;
      else out[r + F['notice.etr-passed']!] = 1;
    }
    out[r + F[hourName]!] = 1;
    out[r + F.weekend!] = weekend;
    out[r + F.size!] = size;
  });
  return out;
}

/** Words for an outage's value of a feature (the share or mean over its at-risk customers). */
export function describeValue(feature: string, mean: number, customers: number, lang: 'en' | 'zh' = 'en'): string {
  if (feature.startsWith('outages.') || feature.endsWith('.365d')) {
    const v = (Math.expm1(mean)).toFixed(1);
    return lang === 'zh' ? `平均 ${v} 次` : `mean ${v}`;
  }
  if (feature === 'size') return String(Math.round(10 ** mean - 1));
  if (feature === 'still-out.1h') return `${Math.round(mean * 100)}%`;
  if (feature.startsWith('type.') || feature.startsWith('repeat.') || feature === 'sensitive' || feature === 'called' || feature === 'complained' || feature.startsWith('notice.')) {
    const k = Math.round(mean * customers);
    return lang === 'zh' ? `${k}/${customers} 户` : `${k} of ${customers}`;
  }
  return lang === 'zh' ? '是' : 'yes';
}
