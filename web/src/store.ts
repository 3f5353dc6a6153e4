// The wall's live store: one Socket.IO connection feeding the pure reducers of state.ts. React
// reads it through useSyncExternalStore (App.tsx for the wall, console/Console.tsx for the console).
import { readToken } from './access.ts';
import { io, type Socket } from 'socket.io-client';
import { REALTIME_PATH } from '@gridwatch/shared';
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from '@gridwatch/shared';
import type { AlertDto, OrderBrief } from '@gridwatch/shared';
import { applyAlertDelta, applyKpis, applyOrderChanged, applyOutageDelta, applyRiskUpdate, applyServiceUpdate, applySnapshot, initialState, pruneState, type WallState } from './state.ts';

export type ConnStatus = 'connecting' | 'connected' | 'reconnecting';

export interface WallView {
  data: WallState;
  conn: ConnStatus;
  /** Client time of the last message from the server, null before the first one. */
  lastMessageAt: number | null;
}

type Listener = () => void;
type OrdersListener = (orders: readonly OrderBrief[]) => void;

export class WallStore {
  private view: WallView = { data: initialState, conn: 'connecting', lastMessageAt: null };
  private readonly listeners = new Set<Listener>();
  private readonly orderListeners = new Set<OrdersListener>();

  getView = (): WallView => this.view;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(patch: Partial<WallView>): void {
    let changed = false;
    for (const k of Object.keys(patch) as (keyof WallView)[]) if (patch[k] !== this.view[k]) changed = true;
    if (!changed) return;
    this.view = { ...this.view, ...patch };
    for (const l of this.listeners) l();
  }

  setData(data: WallState, message = true): void {
    this.update(message ? { data, lastMessageAt: Date.now() } : { data });
  }

  /**
   * Work orders that changed (`order:changed`), for the console's order list: the wall keeps only
   * the attention list, so the orders themselves are handed on rather than held.
   */
  onOrders = (listener: OrdersListener): (() => void) => {
    this.orderListeners.add(listener);
    return () => this.orderListeners.delete(listener);
  };

  /** `message`: false for an order an HTTP answer returned (not a sign of a live connection). */
  ordersChanged(orders: readonly OrderBrief[], message = true): void {
    this.setData(applyOrderChanged(this.view.data, { orders }), message);
    for (const l of this.orderListeners) l(orders);
  }

  /** Alerts from an HTTP answer (the console's actions): upserted like a socket delta. */
  upsertAlerts(alerts: AlertDto[]): void {
    this.setData(applyAlertDelta(this.view.data, { alerts }, Date.now()), false);
  }
}

type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const RESYNC_TIMEOUT_MS = 10_000;
const PRUNE_EVERY_MS = 5_000;

/** Connects the store to the server (same origin). Returns a function that disconnects. */
export function connectWall(store: WallStore): () => void {
  const socket: WallSocket = io({
    path: REALTIME_PATH,
    transports: ['websocket', 'polling'],
    forceNew: true,
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
    timeout: 10_000,
    // Asked again on every reconnect, so a sign-in or a token in the URL is picked up.
    auth: (cb) => cb({ token: readToken() ?? undefined }),
  });

  let resyncPending = false;
  const replace = (snapshot: Snapshot) => store.setData(applySnapshot(store.getView().data, snapshot, Date.now()));

  const resync = () => {
    if (resyncPending || !socket.connected) return;
    resyncPending = true;
    socket.timeout(RESYNC_TIMEOUT_MS).emit('snapshot:get', {}, (err, res) => {
      resyncPending = false;
      if (err) {
        console.warn('[wall] snapshot:get timed out');
        return;
      }
      if ('data' in res) replace(res.data);
      else console.warn('[wall] snapshot:get failed:', res.error);
    });
  };

  let everConnected = false;
  socket.on('connect', () => {
    everConnected = true;
    store.update({ conn: 'connected' });
  });
  let rejoin: ReturnType<typeof setTimeout> | null = null;
  socket.on('disconnect', (reason) => {
    resyncPending = false;
    store.update({ conn: 'reconnecting' });
    // A server that shuts down (a restart, a deploy) disconnects its sockets itself, and Socket.IO
    // does not reconnect after that on its own: ask again, and let its backoff take over.
    if (reason === 'io server disconnect' && !rejoin) {
      rejoin = setTimeout(() => {
        rejoin = null;
        socket.connect();
      }, 1000);
    }
  });
  socket.on('connect_error', () => store.update({ conn: everConnected ? 'reconnecting' : 'connecting' }));

  socket.on('snapshot', (snapshot) => replace(snapshot));
  socket.on('outage:changed', (delta) => {
    const { state, resync: needsResync } = applyOutageDelta(store.getView().data, delta, Date.now());
    store.setData(state);
    if (needsResync) resync();
  });
  socket.on('kpi:update', ({ kpis }) => store.setData(applyKpis(store.getView().data, kpis)));
  socket.on('alert:changed', (delta) => store.setData(applyAlertDelta(store.getView().data, delta, Date.now())));
  socket.on('risk:update', (delta) => store.setData(applyRiskUpdate(store.getView().data, delta)));
  socket.on('order:changed', ({ orders }) => store.ordersChanged(orders));
  socket.on('service:update', (delta) => store.setData(applyServiceUpdate(store.getView().data, delta)));

  const pruneTimer = setInterval(() => store.setData(pruneState(store.getView().data, Date.now()), false), PRUNE_EVERY_MS);

  return () => {
    clearInterval(pruneTimer);
    if (rejoin) clearTimeout(rejoin);
    socket.removeAllListeners();
    socket.disconnect();
  };
}
