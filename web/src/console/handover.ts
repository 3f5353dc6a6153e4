// Pure logic of the console's handover tab (交接班): what a click on an item opens, how its
// reasons are marked, and the open orders by status in the desk's order. No DOM: unit-tested in
// handover.test.ts. The figures themselves come from the server (GET /api/handover).
import { ORDER_STATUSES, type HandoverItem, type HandoverReason, type HandoverShift, type OrderStatus } from '@gridwatch/shared';

/** What a click on an item opens: its outage's detail pane, or the order in the work orders. */
export function itemTarget(item: HandoverItem): { outage: string } | { order: string } {
  if (item.kind === 'alert') return { outage: item.alert.outageId };
  if (item.kind === 'outage') return { outage: item.outage.id };
  return { order: item.order.id };
}

/** Id of an item (unique within a summary). */
export const itemKey = (item: HandoverItem): string => `${item.kind}:${item.kind === 'alert' ? item.alert.id : item.kind === 'outage' ? item.outage.id : item.order.id}`;

/** ISA-101: red for what is past a limit or at the top of supervision, amber for the rest that is abnormal. */
export function reasonMark(r: HandoverReason): 'alarm' | 'warn' | 'normal' {
  switch (r) {
    case 'unacknowledged':
    case 'etr-passed':
    case 'overdue':
    case 'escalated-manager':
    case 'supervision-company':
    case 'critical':
      return 'alarm';
    case 'escalated-shift-lead':
    case 'supervision-department':
    case 'supervision-team-leader':
    case 'reopened':
    case 'no-etr':
      return 'warn';
    default:
      return 'normal';
  }
}

/** Open orders by status, in the desk's order, statuses with none left out. */
export function openByStatus(open: Partial<Record<OrderStatus, number>>): [OrderStatus, number][] {
  return ORDER_STATUSES.filter((s) => (open[s] ?? 0) > 0).map((s) => [s, open[s]!]);
}

/** The tab's shift from the URL hash (`#handover` or `#handover-previous`). */
export const shiftFromHash = (hash: string): HandoverShift => (hash === '#handover-previous' ? 'previous' : 'current');
