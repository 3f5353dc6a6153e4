// Pure logic of the console's alert queue: merging the live alerts (socket) with those fetched
// from history, filtering and ordering. Unit-tested in queue.test.ts.
import type { AlertDto, AlertSeverity, AlertStatus } from '@gridwatch/shared';

export type StatusFilter = 'active' | AlertStatus | 'all';
export type SeverityFilter = 'all' | AlertSeverity;

/** Whether a filter needs alerts the socket does not carry (resolved more than an hour ago). */
export const needsHistory = (f: StatusFilter) => f === 'resolved' || f === 'all';

/** Merges alert lists by id, keeping the most recently updated copy of each. */
export function mergeAlerts(...lists: Iterable<AlertDto>[]): Map<string, AlertDto> {
  const m = new Map<string, AlertDto>();
  for (const list of lists) {
    for (const a of list) {
      const held = m.get(a.id);
      if (!held || a.updatedAt >= held.updatedAt) m.set(a.id, a);
    }
  }
  return m;
}

export function matches(a: AlertDto, status: StatusFilter, severity: SeverityFilter): boolean {
  if (severity !== 'all' && a.severity !== severity) return false;
  if (status === 'all') return true;
  if (status === 'active') return a.status !== 'resolved';
  return a.status === status;
}

/** The queue: alerts that pass the filters, newest raised first. */
export function consoleQueue(alerts: Iterable<AlertDto>, status: StatusFilter, severity: SeverityFilter): AlertDto[] {
  return [...alerts].filter((a) => matches(a, status, severity)).sort((a, b) => b.raisedAt - a.raisedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
