// Estimated restoration time from history: the median duration of past outages of the same kind
// (where it is located: meter, station area, which device kind), zone and time of day, shrunk
// towards broader groups and finally towards a prior when history is thin. Pure and small enough
// to inspect; the server feeds it the restored outages of the last year and every new one.
import type { Zone } from '@gridwatch/shared';

export type EtrKind = 'customer-side' | 'transformer' | 'breaker' | 'recloser' | 'switch' | 'fuse' | 'planned';
export type DayPart = 'night' | 'day' | 'evening';

export interface EtrSample {
  kind: EtrKind;
  zone: Zone;
  startedAt: number;
  durationMs: number;
}

export interface EtrFeatures {
  kind: EtrKind;
  zone: Zone;
  startedAt: number;
}

const MIN = 60_000;
/** Typical distribution-network durations (minutes) used until history says otherwise. */
export const ETR_PRIOR_MIN: Readonly<Record<EtrKind, number>> = {
  'customer-side': 120,
  transformer: 240,
  breaker: 150,
  recloser: 150,
  switch: 120,
  fuse: 100,
  planned: 240,
};
const ZONE_FACTOR: Readonly<Record<Zone, number>> = { urban: 1, rural: 1.3, remote: 1.7 };
/** Weight of the broader estimate, in samples: the usual empirical-Bayes shrinkage. */
const SHRINK = 5;
const MAX_PER_GROUP = 400;

export function dayPart(ms: number, utcOffsetH = 8): DayPart {
  const h = (new Date(ms).getUTCHours() + utcOffsetH + 24) % 24;
  return h < 6 ? 'night' : h < 18 ? 'day' : 'evening';
}

export class EtrModel {
  /** group key → recent durations (ms), newest last, bounded. */
  private readonly groups = new Map<string, number[]>();

  constructor(private readonly utcOffsetH = 8) {}

  add(s: EtrSample): void {
    if (!(s.durationMs > 0)) return;
    for (const key of this.keys(s)) {
      let list = this.groups.get(key);
      if (!list) this.groups.set(key, (list = []));
      list.push(s.durationMs);
      if (list.length > MAX_PER_GROUP) list.shift();
    }
  }

  /** Expected total duration in ms, with the evidence behind it. */
  expectedDuration(f: EtrFeatures): { ms: number; samples: number; basis: string } {
    let estimate = ETR_PRIOR_MIN[f.kind] * MIN * ZONE_FACTOR[f.zone];
    let basis = 'prior';
    let samples = 0;
    // From broad to narrow: kind → kind+zone → kind+zone+day part.
    for (const key of this.keys(f)) {
      const list = this.groups.get(key);
      if (!list || list.length === 0) continue;
      const med = median(list);
      estimate = (list.length * med + SHRINK * estimate) / (list.length + SHRINK);
      samples = list.length;
      basis = key;
    }
    return { ms: Math.round(estimate), samples, basis };
  }

  /**
   * Restoration instant to announce now: start + expected duration, or, once that has passed,
   * a fresh estimate of what remains (never less than 15 minutes ahead).
   */
  etr(f: EtrFeatures, now: number): number {
    const { ms } = this.expectedDuration(f);
    const due = f.startedAt + ms;
    if (due > now + 5 * MIN) return due;
    const elapsed = now - f.startedAt;
    return now + Math.max(15 * MIN, Math.min(ms, elapsed) * 0.5);
  }

  private keys(f: EtrFeatures): string[] {
    const part = dayPart(f.startedAt, this.utcOffsetH);
    return [f.kind, `${f.kind}|${f.zone}`, `${f.kind}|${f.zone}|${part}`];
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
