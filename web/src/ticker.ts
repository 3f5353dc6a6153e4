// The wall's alert and escalation ticker (预警督办滚动条): what happened lately that someone must
// act on, newest first, from state the wall already holds (alerts with their steps, the service
// summary's escalation events), so a resync from a snapshot rebuilds it exactly. Pure.
import { escalationOfStep, type AlertDto, type AlertSeverity, type EscalationLevel, type OrderCategory, type OutageDto, type ServiceSummary, type SupervisionLevel } from '@gridwatch/shared';

export type TickerItem =
  | { key: string; at: number; kind: 'alert-raised'; live: boolean; tone: Tone; severity: AlertSeverity; customers: number; device: string | null; feeder: string | null }
  | { key: string; at: number; kind: 'alert-escalated'; live: boolean; tone: Tone; level: EscalationLevel; device: string | null; feeder: string | null }
  | { key: string; at: number; kind: 'order-escalated' | 'order-overdue'; live: boolean; tone: Tone; level: SupervisionLevel; orderId: string; category: OrderCategory; team: string | null };

/** ISA-101: red and amber only while the thing is still waiting for someone; handled items are grey. */
export type Tone = 'red' | 'amber' | 'dim';

/** How far back the ticker looks. */
export const TICKER_WINDOW_MS = 6 * 3_600_000;
export const TICKER_MAX = 30;

const ALERT_TONE: Record<AlertSeverity, Tone> = { warning: 'amber', high: 'red', critical: 'red' };
const SUPERVISION_TONE: Record<SupervisionLevel, Tone> = { none: 'dim', 'team-leader': 'amber', department: 'amber', company: 'red' };

/**
 * Alerts raised and escalated, orders escalated and overdue, since `TICKER_WINDOW_MS` before
 * `now` (a coarse clock: anything later counts too), newest first. An item is live (coloured)
 * while its alert is still unacknowledged, or its order still needs attention; otherwise it stays
 * in the ticker, grey.
 */
export function tickerItems(
  alerts: Iterable<AlertDto>,
  outages: ReadonlyMap<string, Pick<OutageDto, 'device' | 'feeder'>>,
  service: Pick<ServiceSummary, 'events'> | null,
  now: number,
  max = TICKER_MAX,
): TickerItem[] {
  const since = now - TICKER_WINDOW_MS;
  const out: TickerItem[] = [];
  for (const a of alerts) {
    // A flood-controlled alert is summarised on the alert panel, not paged one by one.
    if (a.flooded) continue;
    const o = outages.get(a.outageId);
    const place = { device: o?.device ?? null, feeder: o?.feeder ?? null };
    const waiting = a.status === 'open';
    if (a.raisedAt >= since) {
      out.push({ key: `${a.id}:raised`, at: a.raisedAt, kind: 'alert-raised', live: waiting, tone: waiting ? ALERT_TONE[a.severity] : 'dim', severity: a.severity, customers: a.customers, ...place });
    }
    for (const s of a.steps) {
      if (s.status !== 'escalated' || s.at < since) continue;
      const level = escalationOfStep(s.note);
      if (!level) continue;
      out.push({ key: `${a.id}:esc:${level}`, at: s.at, kind: 'alert-escalated', live: waiting, tone: waiting ? (level === 'manager' ? 'red' : 'amber') : 'dim', level, ...place });
    }
  }
  if (service) {
    for (const e of service.events) {
      if (e.at < since) continue;
      // The server says whether the order still needs attention (the attention list stops at 20).
      const live = e.live;
      const tone: Tone = !live ? 'dim' : e.kind === 'overdue' ? 'red' : SUPERVISION_TONE[e.level];
      out.push({
        key: `${e.orderId}:${e.kind}:${e.level}:${e.at}`,
        at: e.at,
        kind: e.kind === 'overdue' ? 'order-overdue' : 'order-escalated',
        live,
        tone,
        level: e.level,
        orderId: e.orderId,
        category: e.category,
        team: e.team,
      });
    }
  }
  // Newest first; at the same instant the more urgent (live, red) first.
  const rank: Record<Tone, number> = { red: 0, amber: 1, dim: 2 };
  return out.sort((a, b) => b.at - a.at || rank[a.tone] - rank[b.tone] || a.key.localeCompare(b.key)).slice(0, max);
}
