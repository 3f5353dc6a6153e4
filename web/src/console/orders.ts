// Pure logic of the console's work-order view: the filters (as the `GET /api/orders` query and as
// a test on the live `order:changed` copies, the same conditions as the server's list query),
// and who may do which step when (the same rules as server/src/orders/desk.ts; the server stays
// the judge and its 403 / 409 answers are shown). Unit-tested in orders.test.ts.
import type { Channel, ConsoleUser, OrderActionName, OrderBrief, OrderCategory, OrderList, OrderStatus } from '@gridwatch/shared';
import { ORDER_ACTION_RIGHTS } from '@gridwatch/shared';
import { ROLES } from '../i18n.ts';
import { upsertOrders } from '../orders.ts';

export interface OrderFilter {
  status: 'open' | 'all' | OrderStatus;
  category: 'all' | OrderCategory;
  /** Team id, or '' for every team (a team leader always sees the own team only). */
  team: string;
  channel: 'all' | Channel;
  list: 'none' | OrderList;
}

export const DEFAULT_ORDER_FILTER: OrderFilter = { status: 'open', category: 'all', team: '', channel: 'all', list: 'none' };

/** Most orders fetched for the list. */
export const ORDER_LIMIT = 200;

/** The query string of `GET /api/orders` for a filter. */
export function orderQuery(f: OrderFilter, limit = ORDER_LIMIT): string {
  const q = new URLSearchParams();
  if (f.status !== 'all') q.set('status', f.status);
  if (f.category !== 'all') q.set('category', f.category);
  if (f.team) q.set('team', f.team);
  if (f.channel !== 'all') q.set('channel', f.channel);
  if (f.list !== 'none') q.set('list', f.list);
  q.set('limit', String(limit));
  return q.toString();
}

/** Whether an order is on a special list (专项): as the server's list query decides. */
export function onList(o: OrderBrief, list: OrderList): boolean {
  if (list === 'repeat') return o.repeatCustomer !== null || o.repeatArea !== null;
  if (list === 'abnormal') return o.overdue || o.reopened > 0;
  return o.score !== null && o.score < 4;
}

/** Whether an order passes the filter (merged orders never do; a team leader sees the own team only). */
export function matchesOrder(o: OrderBrief, f: OrderFilter, ownTeam: string | null = null): boolean {
  if (o.mergedInto) return false;
  if (ownTeam !== null && o.team !== ownTeam) return false;
  if (f.status === 'open' ? o.status === 'closed' : f.status !== 'all' && o.status !== f.status) return false;
  if (f.category !== 'all' && o.category !== f.category) return false;
  if (f.team && o.team !== f.team) return false;
  if (f.channel !== 'all' && o.channel !== f.channel) return false;
  return f.list === 'none' || onList(o, f.list);
}

/** Newest first, as the server lists them. */
export const compareNewest = (a: OrderBrief, b: OrderBrief): number => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export interface OrderListState {
  orders: OrderBrief[];
  /** Orders matching on the server (the list holds at most ORDER_LIMIT of them). */
  total: number;
}

/** Applies live `order:changed` copies to the fetched list: upserts those that pass the filter, drops those that no longer do. */
export function applyLiveOrders(state: OrderListState, changed: readonly OrderBrief[], f: OrderFilter, ownTeam: string | null): OrderListState {
  const { list, added, removed } = upsertOrders(state.orders, changed, (o) => matchesOrder(o, f, ownTeam));
  if (added === 0 && removed === 0 && list.every((o, i) => o === state.orders[i])) return state;
  return { orders: list.sort(compareNewest).slice(0, ORDER_LIMIT), total: Math.max(0, state.total + added - removed) };
}

// ---- rights and steps ---------------------------------------------------------------------------

export { ORDER_ACTION_RIGHTS };

/** Why a user may not do a step, or 'ok'. */
export type Right = 'ok' | 'read-only' | 'needs-officer' | 'own-team';

export function rightTo(user: Pick<ConsoleUser, 'role' | 'team'>, order: Pick<OrderBrief, 'team'>, action: OrderActionName): Right {
  const rank = ROLES.indexOf(user.role);
  if (rank >= ROLES.indexOf('officer')) return 'ok';
  if (user.role === 'wall') return 'read-only';
  if (ORDER_ACTION_RIGHTS[action] === 'officer') return 'needs-officer';
  return user.team !== undefined && user.team === order.team ? 'ok' : 'own-team';
}

const STATUS_ORDER: readonly OrderStatus[] = ['created', 'dispatched', 'accepted', 'on-site', 'resolved', 'callback-1', 'closed'];
const before = (s: OrderStatus, than: OrderStatus) => STATUS_ORDER.indexOf(s) < STATUS_ORDER.indexOf(than);

/** Whether the order's state allows the step now (a closed order takes notes only). */
export function possibleNow(o: Pick<OrderBrief, 'status' | 'triage'>, action: OrderActionName): boolean {
  if (action === 'note') return true;
  if (o.status === 'closed') return false;
  switch (action) {
    case 'accept':
      return o.status === 'dispatched';
    case 'on-site':
      return o.triage.crew && (o.status === 'dispatched' || o.status === 'accepted');
    case 'resolve':
      return !before(o.status, 'dispatched') && before(o.status, 'resolved');
    case 'callback-1':
      return o.status === 'resolved';
    case 'callback-2':
      return o.status === 'callback-1';
    default:
      return true;
  }
}

/** The step the order waits for next (marked on its button), or null when closed. */
export function nextAction(o: Pick<OrderBrief, 'status' | 'triage'>): OrderActionName | null {
  switch (o.status) {
    case 'created':
    case 'dispatched':
      return 'accept';
    case 'accepted':
      return o.triage.crew ? 'on-site' : 'resolve';
    case 'on-site':
      return 'resolve';
    case 'resolved':
      return 'callback-1';
    case 'callback-1':
      return 'callback-2';
    default:
      return null;
  }
}
