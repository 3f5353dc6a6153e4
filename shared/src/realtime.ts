// The one typed Socket.IO contract between the server and the wall/console, plus the DTOs that
// the HTTP API returns. Event names are `resource:verb`, one object argument each; acks are
// `{ data } | { error }`. A client gets one `snapshot`, then coalesced deltas; every outage delta
// carries `seq`, and a client that sees a gap asks for a new snapshot.

import type { AlertDto, ComplaintHour } from './risk.ts';
import type { OrderBrief, ServiceSummary } from './orders.ts';

export const OUTAGE_STATUSES = [
  'probable',
  'confirmed',
  'restoring',
  'restored',
  'momentary',
  'planned',
  'customer-side',
] as const;
export type OutageStatus = (typeof OUTAGE_STATUSES)[number];

/**
 * An outage is active until it has a restoration time. `planned` and `customer-side` keep their
 * status after restoration (they are kinds as much as states); `restored` and `momentary` are
 * only ever final.
 */
export const isOutageActive = (o: Pick<OutageDto, 'restoredAt'>): boolean => o.restoredAt === null;

export type OutageLevel = 'meter' | 'transformer' | 'device';

/**
 * The kinds of evidence note, language-neutral, with the names of their args: the wall words a
 * note from these in its own language; `note` stays the English words for logs, the API and
 * readers that predate the codes. Args named `…At` are epoch ms, lists of ids are joined by ','.
 */
export const EVIDENCE_ARGS = {
  /** Protection tripped again after reclosing: a lasting fault. */
  retrip: ['device'],
  lockout: ['device'],
  /** A switch opened inside an open outage (isolating part of it). */
  'isolation-open': ['device'],
  /** A switch opened outside any outage: everything it feeds is off. */
  'switch-open': ['device'],
  'located-concentrator': ['area'],
  'located-meters': ['area', 'meters'],
  /** `percent`: the share of dark station areas the roll-up needs. */
  rollup: ['device', 'dark', 'total', 'percent'],
  /** A customer-side outage: no restore for `minutes`, nothing else says the area is dark. */
  'customer-side-quiet': ['meter', 'area', 'minutes'],
  /** A customer-side outage: the area delivered readings for its other meters. */
  'customer-side-readings': ['meter', 'area'],
  /** Nested in the outage at `device` (rolled up or moved up). */
  'nested-inside': ['device'],
  /** A customer-side outage whose station area turned out dark. */
  'nested-dark': ['area'],
  /** Nested: what is left dark after a partial restoration of `outage`. */
  'still-dark': ['outage'],
  'reclosed-after-all': ['device'],
  /** Tripped, no reclose or lockout arrived, `dark` of `total` concentrators below confirm. */
  'tripped-confirmed': ['device', 'dark', 'total'],
  momentary: ['device'],
  /** `confirmedBy`: the station area whose power showed the close worked, '' when taken as restored without. */
  closed: ['device', 'confirmedBy'],
  /** Closed while the switches in `open` stay open (isolating part of the outage). */
  'closed-isolating': ['device', 'open', 'confirmedBy'],
  /** No indicator below `device` (the outage's device) saw fault current. */
  'fci-first-section': ['device'],
  /** Fault below `device`, above the indicators in `quiet` ('' when none) that saw none. */
  'fci-section': ['device', 'quiet'],
  'planned-match': ['plan', 'startsAt', 'endsAt'],
} as const satisfies Record<string, readonly string[]>;
export type EvidenceCode = keyof typeof EVIDENCE_ARGS;
export type EvidenceArgs<C extends EvidenceCode = EvidenceCode> = { [K in (typeof EVIDENCE_ARGS)[C][number]]: string | number };

/** How an evidence note's wording formats its args. */
export interface NoteFormat {
  /** A time (epoch ms). */
  time: (ms: string | number) => string;
  /** Ids joined by ',' (the stored form), listed the language's way. */
  list: (ids: string | number) => string;
}

/** How a close was confirmed: by power back in a station area, or taken as restored without. */
const closeConfirmed = (by: string | number) => (by ? ` (power back at ${by})` : ' (unconfirmed, taken as restored)');

/** The English words of every evidence note: the server's `note`, and the wall's English. */
export const EVIDENCE_EN: { [C in EvidenceCode]: (a: EvidenceArgs<C>, f: NoteFormat) => string } = {
  retrip: (a) => `${a.device} tripped again after reclosing: a lasting fault, located by protection`,
  lockout: (a) => `${a.device} locked out: confirmed and located by protection`,
  'isolation-open': (a) => `${a.device} opened inside the outage (isolation)`,
  'switch-open': (a) => `${a.device} opened: everything it feeds is off`,
  'located-concentrator': (a) => `station area ${a.area}: its concentrator reported power-off`,
  'located-meters': (a) => `station area ${a.area}: ${a.meters} meter${a.meters === 1 ? '' : 's'} reported power-off`,
  rollup: (a) => `${a.dark} of ${a.total} station areas below ${a.device} dark (≥ ${a.percent}%): rolled up to ${a.device}`,
  'customer-side-quiet': (a) =>
    `only ${a.meter} is off: no restore for ${a.minutes} min and nothing says station area ${a.area} is dark (no concentrator power-off, no other last gasps). Probably customer-side, no grid crew; the next readings confirm`,
  'customer-side-readings': (a) => `only ${a.meter} is off: station area ${a.area} delivered readings for its other meters after the loss, none from ${a.meter}. Customer-side, no grid crew`,
  'nested-inside': (a) => `inside the outage at ${a.device}`,
  'nested-dark': (a) => `station area ${a.area} is dark after all`,
  'still-dark': (a) => `still dark after the partial restoration of ${a.outage}`,
  'reclosed-after-all': (a) => `${a.device} reclosed successfully after all`,
  'tripped-confirmed': (a) => `${a.device} tripped and did not reclose; ${a.dark} of ${a.total} concentrators below confirm: located by protection`,
  momentary: (a) => `${a.device} reclosed successfully: momentary interruption (MAIFI)`,
  closed: (a) => `${a.device} closed${closeConfirmed(a.confirmedBy)}`,
  'closed-isolating': (a, f) => `${a.device} closed; ${f.list(a.open)} still open${closeConfirmed(a.confirmedBy)}`,
  'fci-first-section': (a) => `no indicator below ${a.device} saw fault current: fault in the first section`,
  'fci-section': (a, f) => `fault below ${a.device} (saw fault current)${a.quiet ? `, above ${f.list(a.quiet)} (did not)` : ''}`,
  'planned-match': (a, f) => `matches planned outage ${a.plan} (${f.time(a.startsAt)} – ${f.time(a.endsAt)})`,
};

/** Ids joined by ',' listed as "a, b". */
export const listIds = (ids: string | number, sep = ', ') => String(ids).split(',').filter(Boolean).join(sep);

/** A note as the server stores it: code, args and the English words (times in ISO 8601). */
export function evidenceNote<C extends EvidenceCode>(code: C, args: EvidenceArgs<C>): Required<Pick<OutageEvidence, 'note' | 'code' | 'args'>> {
  const f: NoteFormat = { time: (ms) => new Date(Number(ms)).toISOString(), list: (ids) => listIds(ids) };
  return { code, args, note: EVIDENCE_EN[code](args, f) };
}

/** Whether `code` is one this build knows and `args` has every arg it needs (a newer server may send more). */
export function isWordedEvidence(e: Pick<OutageEvidence, 'code' | 'args'>): e is { code: EvidenceCode; args: Record<string, string | number> } {
  if (typeof e.code !== 'string' || !Object.hasOwn(EVIDENCE_ARGS, e.code) || typeof e.args !== 'object' || e.args === null) return false;
  const args = e.args;
  return EVIDENCE_ARGS[e.code as EvidenceCode].every((k) => typeof args[k] === 'string' || typeof args[k] === 'number');
}

export interface OutageEvidence {
  /** Epoch ms of the evidence (device time). */
  ts: number;
  device: string;
  /** e.g. meter.power-off, concentrator.power-off, breaker.lockout, fci.fault, rollup, planned */
  kind: string;
  /** Why this moved the outage, in words an engineer can check (English). */
  note?: string;
  /** The note's kind, language-neutral (absent on rows stored before codes, and on evidence without a note). */
  code?: EvidenceCode;
  /** The note's values (see EVIDENCE_ARGS). */
  args?: Record<string, string | number>;
}

export interface OutageDto {
  id: string;
  status: OutageStatus;
  level: OutageLevel;
  /** Where the outage is located: a meter, a station area (transformer) or a switching device. */
  device: string;
  feeder: string;
  transformers: string[];
  customers: number;
  startedAt: number;
  detectedAt: number;
  restoredAt: number | null;
  lon: number;
  lat: number;
  evidence: OutageEvidence[];
  /** The outage this one is nested in (left behind by a partial restoration, or rolled up). */
  parentId: string | null;
  /** Estimated restoration time (epoch ms); null once restored. */
  etr: number | null;
  /** Head of the faulted section when fault indicators located it. */
  faultSection: string | null;
  /** Step restoration (IEEE 1366): customers restored at each instant. */
  steps: { at: number; customers: number }[];
  /** Station areas of this outage already restored (partial restoration). */
  restored: string[];
}

export interface Kpis {
  at: number;
  /** MQTT messages received per second (all contract topics), averaged over the last 5 s. */
  messagesPerSec: number;
  readingsPerSec: number;
  readingsStored: number;
  deadLetters: number;
  activeOutages: number;
  customersOut: number;
  customersServed: number;
  /** IEEE 1366 indices for the company, month to date (refreshed every minute). */
  saifiMonth: number;
  saidiMonth: number;
}

export type KpiPoint = Pick<Kpis, 'at' | 'messagesPerSec' | 'readingsPerSec' | 'activeOutages' | 'customersOut'>;

export interface NetworkSummary {
  id: string;
  name: string;
  /** Changes whenever the imported network changes; the wall refetches the map then. */
  version: string;
  counts: { substations: number; feeders: number; devices: number; transformers: number; customers: number };
  /** [[minLon, minLat], [maxLon, maxLat]] */
  bounds: [[number, number], [number, number]];
}

/** The wall's view of an open outage's complaint risk (details: GET /api/outages/:id/risk). */
export interface RiskBrief {
  outageId: string;
  /** P(at least one complaint within the next hour). */
  probability: number;
  expected: number;
}

export interface Snapshot {
  seq: number;
  serverTime: number;
  network: NetworkSummary;
  /** Active outages plus those restored in the last few minutes. */
  outages: OutageDto[];
  kpis: Kpis;
  kpiHistory: KpiPoint[];
  /** Complaint-risk alerts not resolved, plus those resolved in the last hours. */
  alerts: AlertDto[];
  risks: RiskBrief[];
  /** Complaints per hour, predicted vs actual, the last 24 clock hours. */
  complaintHours: ComplaintHour[];
  /** Alert threshold and model version in use. */
  risk: { modelVersion: string; threshold: number };
  /** Work orders: today's service KPIs and the orders that need attention. */
  service: ServiceSummary;
}

/**
 * Compact map geometry for the wall (`GET /api/network/map`). A large network comes aggregated:
 * `transformers` empty, the station areas summed per cell of a fine grid in `cells`, feeder lines
 * simplified to that grid, and station areas one by one (those of outages) from `areasUrl`.
 */
export interface MapNetwork {
  id: string;
  version: string;
  attribution?: string;
  substations: { id: string; name: string; lon: number; lat: number }[];
  feeders: { id: string; paths: [number, number][][] }[];
  /** [id, lon, lat, customers] per station area (none when `cells` stands in for them). */
  transformers: [string, number, number, number][];
  /** Aggregated: [lon, lat, station areas, customers] per grid cell (at its areas' mean position). */
  cells?: [number, number, number, number][];
  /** Aggregated: `GET areasUrl?ids=a,b` answers those station areas one by one (MapAreas). */
  areasUrl?: string;
}

/** Some station areas one by one, for an aggregated map. */
export interface MapAreas {
  version: string;
  /** [id, lon, lat, customers] per station area. */
  transformers: [string, number, number, number][];
}

/** `GET /api/config`: what the wall needs to know about its deployment. */
export interface WallConfig {
  /** Leaflet tile URL template, or null to draw the network on a plain background. */
  tileUrl: string | null;
  tileAttribution: string | null;
}

export type Ack<T> = { data: T } | { error: string };

export interface ServerToClientEvents {
  snapshot: (snapshot: Snapshot) => void;
  'outage:changed': (delta: { seq: number; outages: OutageDto[] }) => void;
  'kpi:update': (delta: { kpis: Kpis }) => void;
  /** Alerts that changed (raised, escalated, acknowledged, actioned, resolved), latest state. */
  'alert:changed': (delta: { alerts: AlertDto[] }) => void;
  /** After each risk evaluation: every open outage's risk (replaces the previous list). */
  'risk:update': (delta: { risks: RiskBrief[]; complaintHours: ComplaintHour[]; risk: Snapshot['risk'] }) => void;
  /** Work orders that changed (created, contact attached, stepped, escalated), latest state. */
  'order:changed': (delta: { orders: OrderBrief[] }) => void;
  /** Service KPIs and the attention list, at most every few seconds while orders change. */
  'service:update': (delta: { service: ServiceSummary }) => void;
}

export interface ClientToServerEvents {
  'snapshot:get': (request: Record<string, never>, ack: (response: Ack<Snapshot>) => void) => void;
}

export const REALTIME_PATH = '/socket.io';
