// Pure logic of the work orders shared by the wall and the console: where an order stands against
// its time limit, what needs attention and in which order. No DOM: unit-tested in orders.test.ts.
import { dueReached, needsAttention, ORDER_STATUSES, SUPERVISION_LEVELS } from '@gridwatch/shared';
import type { OrderBrief, OrderDto, OrderStatus, ServiceSummary, SupervisionLevel } from '@gridwatch/shared';

/** Most orders in the wall's attention list (the server sends at most 20). */
export const ATTENTION_MAX = 20;
/** Under this share of its time limit left, an open order's countdown turns amber. */
export const SOON_SHARE = 0.2;

const STATUS_RANK: Record<OrderStatus, number> = Object.fromEntries(ORDER_STATUSES.map((s, i) => [s, i])) as Record<OrderStatus, number>;
export const SUPERVISION_RANK: Record<SupervisionLevel, number> = Object.fromEntries(SUPERVISION_LEVELS.map((s, i) => [s, i])) as Record<SupervisionLevel, number>;

/** Open: anything not closed (a resolved order still waits for its callbacks). */
export const isOrderOpen = (o: Pick<OrderBrief, 'status'>): boolean => o.status !== 'closed';

/** Open orders now, all statuses together (the summary counts them by status). */
export const openCount = (service: Pick<ServiceSummary, 'open'>): number => Object.values(service.open).reduce((n: number, x) => n + (x ?? 0), 0);

export { dueReached, needsAttention };

/**
 * Where an order stands against its time limit:
 * - `left`: not reached yet, `ms` to go (`soon` under SOON_SHARE of the limit);
 * - `overdue`: not reached and the deadline passed `ms` ago;
 * - `met`: the step was reached (`late` if it missed the limit on the way).
 */
export type DeadlineState = { kind: 'left'; ms: number; soon: boolean } | { kind: 'overdue'; ms: number } | { kind: 'met'; late: boolean };

export function deadlineState(o: Pick<OrderBrief, 'status' | 'dueStep' | 'deadline' | 'limitMin' | 'overdue'>, nowServer: number): DeadlineState {
  if (dueReached(o)) return { kind: 'met', late: o.overdue };
  const ms = o.deadline - nowServer;
  if (ms < 0) return { kind: 'overdue', ms: -ms };
  return { kind: 'left', ms, soon: ms < o.limitMin * 60_000 * SOON_SHARE };
}

/** Whole minutes of a span, at least 1 once anything is left or over (no "0 min overdue"). */
export const spanMinutes = (ms: number): number => Math.max(1, Math.floor(ms / 60_000));

/** Overdue now, or missed its limit before and still open. */
export const isOverdue = (o: Pick<OrderBrief, 'status' | 'dueStep' | 'deadline' | 'limitMin' | 'overdue'>, nowServer: number): boolean =>
  isOrderOpen(o) && (o.overdue || deadlineState(o, nowServer).kind === 'overdue');


/** Most urgent first, as the server orders the attention list: highest supervision level, then earliest deadline (then id). */
export function compareUrgency(a: OrderBrief, b: OrderBrief): number {
  return SUPERVISION_RANK[b.supervision] - SUPERVISION_RANK[a.supervision] || a.deadline - b.deadline || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * How an order row is marked (ISA-101: colour only for the abnormal): `alarm` red (overdue now,
 * or company supervision), `warn` amber (escalated, missed its limit before, or close to it),
 * `normal` otherwise.
 */
export type OrderMark = 'alarm' | 'warn' | 'normal';

export function orderMark(o: OrderBrief, nowServer: number): OrderMark {
  if (!isOrderOpen(o)) return 'normal';
  const d = deadlineState(o, nowServer);
  if (d.kind === 'overdue' || o.supervision === 'company') return 'alarm';
  if (o.supervision !== 'none' || o.overdue || (d.kind === 'left' && d.soon)) return 'warn';
  return 'normal';
}

/** Upserts `changed` into `list` by id (a copy older than the held one is ignored); `keep` decides what stays. */
export function upsertOrders(list: readonly OrderBrief[], changed: readonly OrderBrief[], keep: (o: OrderBrief) => boolean): { list: OrderBrief[]; added: number; removed: number } {
  const byId = new Map(list.map((o) => [o.id, o]));
  let added = 0;
  let removed = 0;
  for (const o of changed) {
    const held = byId.get(o.id);
    if (held && held.updatedAt > o.updatedAt) continue;
    if (keep(o)) {
      if (!held) added++;
      byId.set(o.id, o);
    } else if (held) {
      removed++;
      byId.delete(o.id);
    }
  }
  return { list: [...byId.values()], added, removed };
}

/** The list form of an order an action returned (no contacts, no timeline). */
export function toBrief(o: OrderDto): OrderBrief {
  const { contactList: _contacts, steps: _steps, ...brief } = o;
  return brief;
}
