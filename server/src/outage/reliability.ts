// IEEE 1366 reliability indices from outage records. Pure: give it the root outages and the
// customers served, get SAIFI, SAIDI, CAIDI, MAIFI and CEMI-n for a period, per feeder and for
// the company. Step restoration counts each step's customers only for the time they were out.
import type { NetworkIndex, OutageDto } from '@gridwatch/shared';

export interface Indices {
  customersServed: number;
  /** Sustained customer interruptions (IEEE 1366 "CI"). */
  customerInterruptions: number;
  /** Customer minutes interrupted. */
  customerMinutes: number;
  /** Momentary customer interruptions. */
  momentaryInterruptions: number;
  saifi: number;
  saidi: number;
  caidi: number;
  maifi: number;
  /** Share of customers with at least `cemiN` sustained interruptions in the 12 months to `to`. */
  cemi: number;
  cemiN: number;
}

export interface ReliabilityReport {
  from: number;
  to: number;
  includesPlanned: boolean;
  company: Indices;
  feeders: (Indices & { feeder: string })[];
}

export interface ReliabilityOptions {
  from: number;
  to: number;
  /** Outages still open count up to this instant (default `to`). */
  now?: number;
  includePlanned?: boolean;
  cemiN?: number;
}

const MIN = 60_000;
const YEAR = 365 * 86_400_000;

const isGridOutage = (o: OutageDto) => o.parentId === null && o.status !== 'customer-side';
const isMomentary = (o: OutageDto) => o.status === 'momentary';

/** Customer minutes of one outage within [from, to], honouring step restoration. */
export function customerMinutes(o: OutageDto, from: number, to: number, now = to): number {
  const end = Math.min(o.restoredAt ?? now, to);
  const start = Math.max(o.startedAt, from);
  if (end <= start) return 0;
  let remaining = o.customers;
  let cmi = 0;
  for (const s of [...o.steps].sort((a, b) => a.at - b.at)) {
    const at = Math.min(Math.max(s.at, start), end);
    cmi += s.customers * (at - start);
    remaining -= s.customers;
  }
  cmi += Math.max(0, remaining) * (end - start);
  return cmi / MIN;
}

export function reliability(index: NetworkIndex, outages: readonly OutageDto[], o: ReliabilityOptions): ReliabilityReport {
  const includePlanned = o.includePlanned ?? true;
  const cemiN = o.cemiN ?? 3;
  const now = o.now ?? o.to;
  const grid = outages.filter((x) => isGridOutage(x) && (includePlanned || x.status !== 'planned'));
  const served = new Map<string, number>();
  const feederOfTransformer = new Map<string, string>();
  for (const t of index.network.transformers) {
    served.set(t.feeder, (served.get(t.feeder) ?? 0) + (index.customersOf.get(t.id)?.length ?? 0));
    feederOfTransformer.set(t.id, t.feeder);
  }
  type Acc = { ci: number; cmi: number; mi: number };
  const acc = new Map<string, Acc>();
  const get = (f: string) => {
    let a = acc.get(f);
    if (!a) acc.set(f, (a = { ci: 0, cmi: 0, mi: 0 }));
    return a;
  };
  // Sustained interruptions per station area over the 12 months to `to`, for CEMI-n.
  const perArea = new Map<string, number>();
  for (const x of grid) {
    const inPeriod = x.startedAt >= o.from && x.startedAt < o.to;
    if (isMomentary(x)) {
      if (inPeriod) get(x.feeder).mi += x.customers;
      continue;
    }
    if (inPeriod) get(x.feeder).ci += x.customers;
    const a = get(x.feeder);
    a.cmi += customerMinutes(x, o.from, o.to, now);
    if (x.startedAt >= o.to - YEAR && x.startedAt < o.to) for (const t of x.transformers) perArea.set(t, (perArea.get(t) ?? 0) + 1);
  }
  const cemiCustomers = new Map<string, number>();
  for (const [t, n] of perArea) {
    if (n < cemiN) continue;
    const f = feederOfTransformer.get(t);
    if (f) cemiCustomers.set(f, (cemiCustomers.get(f) ?? 0) + (index.customersOf.get(t)?.length ?? 0));
  }
  const indices = (n: number, a: Acc, cemi: number): Indices => {
    const saifi = n ? a.ci / n : 0;
    const saidi = n ? a.cmi / n : 0;
    return {
      customersServed: n,
      customerInterruptions: a.ci,
      customerMinutes: round(a.cmi, 1),
      momentaryInterruptions: a.mi,
      saifi: round(saifi, 4),
      saidi: round(saidi, 2),
      caidi: saifi ? round(saidi / saifi, 2) : 0,
      maifi: n ? round(a.mi / n, 4) : 0,
      cemi: n ? round(cemi / n, 4) : 0,
      cemiN,
    };
  };
  const total: Acc = { ci: 0, cmi: 0, mi: 0 };
  let cemiTotal = 0;
  const feeders = [...served.keys()].sort().map((f) => {
    const a = acc.get(f) ?? { ci: 0, cmi: 0, mi: 0 };
    total.ci += a.ci;
    total.cmi += a.cmi;
    total.mi += a.mi;
    cemiTotal += cemiCustomers.get(f) ?? 0;
    return { feeder: f, ...indices(served.get(f)!, a, cemiCustomers.get(f) ?? 0) };
  });
  return { from: o.from, to: o.to, includesPlanned: includePlanned, company: indices(index.network.customers.length, total, cemiTotal), feeders };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
