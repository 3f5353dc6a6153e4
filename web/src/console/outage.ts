// Pure logic of the console's outage detail pane: the outage's timeline (when it began and was
// found, the evidence that located it, restoration steps, the alert's life, the notices sent,
// the restoration) and the station areas still out. No DOM: unit-tested in outage.test.ts.
import type { AlertDto, AlertStep, OutageDto, OutageEvidence } from '@gridwatch/shared';
import { summariseEvidence } from '../detail.ts';

export type TimelineEntry =
  | { kind: 'started'; at: number }
  | { kind: 'detected'; at: number }
  | { kind: 'evidence'; at: number; evidence: string; device: string; note: string; code?: OutageEvidence['code']; args?: OutageEvidence['args']; via?: string }
  /** Customers restored at this instant (a step of a partial restoration). */
  | { kind: 'step'; at: number; customers: number }
  | { kind: 'alert'; at: number; status: AlertStep['status']; by: string; note?: string }
  | { kind: 'notice'; at: number; by: string; customers: number; etr: number | null; delivered: boolean }
  | { kind: 'restored'; at: number };

/** A notice as the pane needs it (from `GET /api/notices?outage=`). */
export interface TimelineNotice {
  sentAt: number;
  sentBy: string;
  customers: number;
  etr: number | null;
  mqtt: string;
}

/** Entries at the same instant keep this order (the cause before what followed from it). */
const RANK: Record<TimelineEntry['kind'], number> = { started: 0, evidence: 1, detected: 2, alert: 3, notice: 4, step: 5, restored: 6 };

/**
 * The outage's timeline, oldest first: start, the notes of its evidence (and of the outages nested
 * in it), detection, the alert's steps (its notice actions are the notice entries), notices,
 * restoration steps, restoration.
 */
export function outageTimeline(
  outage: Pick<OutageDto, 'startedAt' | 'detectedAt' | 'restoredAt' | 'evidence' | 'steps'>,
  nested: readonly Pick<OutageDto, 'device' | 'evidence'>[] = [],
  notices: readonly TimelineNotice[] = [],
  alert: Pick<AlertDto, 'steps'> | null = null,
): TimelineEntry[] {
  const out: TimelineEntry[] = [{ kind: 'started', at: outage.startedAt }, { kind: 'detected', at: outage.detectedAt }];
  for (const { ts, kind, ...note } of summariseEvidence(outage, nested).notes) out.push({ kind: 'evidence', at: ts, evidence: kind, ...note });
  // A step stored at or after the restoration (the engine times the last one when it learns of it)
  // adds nothing to "all restored".
  for (const s of outage.steps) if (outage.restoredAt === null || s.at < outage.restoredAt) out.push({ kind: 'step', at: s.at, customers: s.customers });
  for (const s of alert?.steps ?? []) {
    // The notice is its own entry; 'actioned' and severity changes say nothing the others do not.
    if (s.status === 'actioned' || s.status === 'severity' || (s.status === 'action' && s.note?.startsWith('notify:'))) continue;
    out.push(s.note ? { kind: 'alert', at: s.at, status: s.status, by: s.by, note: s.note } : { kind: 'alert', at: s.at, status: s.status, by: s.by });
  }
  for (const n of notices) out.push({ kind: 'notice', at: n.sentAt, by: n.sentBy, customers: n.customers, etr: n.etr, delivered: n.mqtt === 'ok' });
  if (outage.restoredAt !== null) out.push({ kind: 'restored', at: outage.restoredAt });
  // Stable: same instant and kind keep the order they were added in.
  return out.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || RANK[a.e.kind] - RANK[b.e.kind] || a.i - b.i).map((x) => x.e);
}

/** The outage's station areas, those still out first (in the outage's order), then those restored. */
export function stationAreas(outage: Pick<OutageDto, 'transformers' | 'restored'>): { id: string; restored: boolean }[] {
  const back = new Set(outage.restored);
  const out = outage.transformers.filter((t) => !back.has(t)).map((id) => ({ id, restored: false }));
  return [...out, ...outage.transformers.filter((t) => back.has(t)).map((id) => ({ id, restored: true }))];
}
