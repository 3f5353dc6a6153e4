// Triage of a contact against live data: the outage covering the customer (one order per outage),
// whether the meter and its station area are live (customer-side: no grid crew), and the meter's
// recent voltage for voltage complaints. Pure: the caller gathers the readings.
import type { Customer, NetworkIndex, OrderCategory, OutageDto, Triage } from '@gridwatch/shared';

/** The customer's latest readings at or before the contact, and its voltage over the last day. */
export interface LiveFacts {
  /** Newest first, at most a few. */
  readings?: { at: number; v: number | null }[];
  voltage?: VoltageFacts;
}

export interface VoltageFacts {
  readings: number;
  /** Readings outside [lo, hi]. */
  outside: number;
  min: number | null;
  max: number | null;
  lo: number;
  hi: number;
}

export interface TriagePolicy {
  /** A contact this soon after its outage was restored is about that outage. */
  restoredLinkMs: number;
  /** A reading this fresh (in reading intervals) shows the meter has power. */
  liveIntervals: number;
  /** Readings interval assumed when a meter has only one reading. */
  defaultIntervalMs: number;
}

export const DEFAULT_TRIAGE_POLICY: TriagePolicy = { restoredLinkMs: 60 * 60_000, liveIntervals: 1.5, defaultIntervalMs: 15 * 60_000 };

/** Does this outage leave the customer without power (its areas not yet restored)? */
export function outageCovers(o: OutageDto, c: Customer): boolean {
  if (o.level === 'meter') return o.device === c.meter;
  return o.transformers.includes(c.transformer) && !o.restored.includes(c.transformer);
}

/** The outermost outage this one is nested in (among those known). */
export function rootOutage(o: OutageDto, byId: ReadonlyMap<string, OutageDto>): OutageDto {
  let at = o;
  const seen = new Set<string>([o.id]);
  while (at.parentId !== null) {
    const parent = byId.get(at.parentId);
    if (!parent || seen.has(parent.id)) break;
    seen.add(parent.id);
    at = parent;
  }
  return at;
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/**
 * The outage the contact is about: an active grid outage covering the customer first, then an
 * active customer-side or planned one, then one restored shortly before the contact.
 */
export function findOutage(c: Customer, at: number, outages: Iterable<OutageDto>, policy: TriagePolicy = DEFAULT_TRIAGE_POLICY): OutageDto | null {
  let best: OutageDto | null = null;
  let bestRank = Infinity;
  for (const o of outages) {
    if (o.startedAt > at) continue;
    const active = o.restoredAt === null || o.restoredAt > at;
    let rank: number;
    if (active) {
      if (!outageCovers(o, c)) continue;
      rank = o.status === 'customer-side' ? 2 : o.status === 'planned' ? 1 : 0;
    } else {
      if (at - o.restoredAt! > policy.restoredLinkMs) continue;
      const covered = o.level === 'meter' ? o.device === c.meter : o.transformers.includes(c.transformer);
      if (!covered) continue;
      rank = 3;
    }
    if (rank < bestRank || (rank === bestRank && best && o.startedAt > best.startedAt)) [best, bestRank] = [o, rank];
  }
  return best;
}

export function triage(category: OrderCategory, c: Customer, at: number, outage: OutageDto | null, facts: LiveFacts, policy: TriagePolicy = DEFAULT_TRIAGE_POLICY): Triage {
  if (category === 'voltage') {
    const v = facts.voltage;
    if (!v || v.readings === 0) return { result: 'voltage-no-data', crew: true, outageId: null, note: 'no voltage readings from the meter in the last 24 h: a crew measures on site' };
    const range = `${v.min?.toFixed(1)}–${v.max?.toFixed(1)} V`;
    if (v.outside > 0) return { result: 'voltage-confirmed', crew: true, outageId: null, note: `${v.outside} of ${v.readings} readings in 24 h outside ${v.lo.toFixed(0)}–${v.hi.toFixed(0)} V (${range})` };
    return { result: 'voltage-normal', crew: false, outageId: null, note: `all ${v.readings} readings in 24 h within ${v.lo.toFixed(0)}–${v.hi.toFixed(0)} V (${range}): check the customer's own wiring` };
  }
  if (category !== 'outage') return { result: 'none', crew: false, outageId: null, note: 'nothing to check against live data' };
  if (outage) {
    const restored = outage.restoredAt !== null && outage.restoredAt <= at;
    if (restored) return { result: 'restored', crew: false, outageId: outage.id, note: `outage ${outage.id} at ${outage.device} was restored at ${hhmm(outage.restoredAt!)} UTC, before the contact` };
    if (outage.status === 'customer-side') return { result: 'customer-side', crew: false, outageId: outage.id, note: `only this customer's meter is dark while its station area is live (outage ${outage.id}): the customer's own installation` };
    if (outage.status === 'planned') return { result: 'planned', crew: false, outageId: outage.id, note: `planned outage ${outage.id} at ${outage.device}, announced ahead` };
    return { result: 'outage', crew: true, outageId: outage.id, note: `inside outage ${outage.id} (${outage.status}) at ${outage.device}, ${outage.customers} customers` };
  }
  const r = facts.readings ?? [];
  const last = r[0];
  if (last) {
    const interval = r[1] ? Math.max(60_000, last.at - r[1].at) : policy.defaultIntervalMs;
    const age = at - last.at;
    if (age <= policy.liveIntervals * interval && (last.v === null || last.v > 50)) {
      return { result: 'customer-side', crew: false, outageId: null, note: `meter ${c.meter} read ${Math.round(age / 60_000)} min before the contact${last.v !== null ? ` at ${last.v.toFixed(0)} V` : ''} and no outage is known on station area ${c.transformer}: likely the customer's own installation (joins an outage found within the hour)` };
    }
    return { result: 'unverified', crew: true, outageId: null, note: `no outage known; meter ${c.meter} last read ${Math.round(age / 60_000)} min before the contact: a crew checks` };
  }
  return { result: 'unverified', crew: true, outageId: null, note: `no outage known and no recent reading from meter ${c.meter}: a crew checks` };
}
