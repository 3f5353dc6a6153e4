// Realtime fan-out to walls and consoles: one snapshot on connect (and on request), then deltas
// coalesced per interval — an outage that changes ten times in 200 ms is sent once, in its latest
// state. Outage deltas carry a sequence number so a client can detect a gap and resync.
//
// Clients send one thing: `snapshot:get`. Anything else a client sends — an unknown event, a
// malformed packet, a message over the size limit, a garbled request — is refused, counted and
// dead-lettered (`reject`), within a storage budget per socket and per hub so that a flood cannot
// fill the database; a socket that keeps sending garbage is disconnected.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { describeInput } from '../ingest/ingest.ts';
import {
  REALTIME_PATH, type AlertDto, type ClientToServerEvents, type ComplaintHour, type KpiPoint, type Kpis, type OrderBrief, type OutageDto, type RiskBrief, type ServiceSummary, type ServerToClientEvents, type Snapshot,
} from '@gridwatch/shared';

export interface HubOptions {
  server: HttpServer;
  snapshot: (seq: number) => Snapshot;
  kpis: () => Kpis;
  outageFlushMs?: number;
  kpiIntervalMs?: number;
  historyIntervalMs?: number;
  historyPoints?: number;
  corsOrigin?: string[] | false;
  /** When given, a client must pass a token it accepts (`auth: { token }` in the handshake). */
  authorize?: (token: string | undefined) => boolean;
  /** A cluster's adapter: broadcasts reach the walls on every instance, which ask this one for snapshots. */
  adapter?: ServerOptions['adapter'];
  /**
   * Dead-letters what a client sent and the hub refused (Ingest.rejectExternal with source
   * `socket`); `store: false` counts it only (past the storage budget).
   */
  reject?: (payload: string, reason: string, store: boolean) => void;
  /** Largest message a client may send (Socket.IO's maxHttpBufferSize); the wall's are tiny. */
  maxMessageBytes?: number;
}

/** What clients may emit; see ClientToServerEvents. */
const CLIENT_EVENTS = new Set(['snapshot:get']);
export const CLIENT_MESSAGE_MAX_BYTES = 64 * 1024;
/** Rejected messages stored per socket per minute, and per hub per minute; the rest are counted only. */
export const SOCKET_DEAD_LETTERS_PER_MIN = 20;
export const HUB_DEAD_LETTERS_PER_MIN = 600;
/** A socket with more rejected messages than this within a minute is disconnected. */
export const SOCKET_REJECTS_BEFORE_DISCONNECT = 100;
/** `snapshot:get` per socket: a burst of this many, then one per second. */
const SNAPSHOT_BURST = 5;
const SNAPSHOT_REFILL_MS = 1_000;
const MINUTE = 60_000;

/** Between the instances of a cluster: a standby asks the active instance for a wall's snapshot. */
export interface InterServerEvents {
  'gw:snapshot': (ack: (snapshot: Snapshot | null) => void) => void;
}

export class RealtimeHub {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents>;
  private seq = 0;
  private pending = new Map<string, OutageDto>();
  private flushTimer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  private readonly flushMs: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly history: KpiPoint[] = [];
  bytesSent = 0;
  /** Storage budget of rejected messages for the whole hub (many sockets flooding at once). */
  private hubBudget = { windowStart: 0, stored: 0 };
  private readonly maxMessageBytes: number;

  constructor(private readonly o: HubOptions) {
    this.maxMessageBytes = o.maxMessageBytes ?? CLIENT_MESSAGE_MAX_BYTES;
    // Pings every 10 s, 10 s to answer: a wall behind a cut network (no FIN) knows within 20 s and
    // says so, instead of the defaults' 45 s.
    this.io = new Server(o.server, {
      path: REALTIME_PATH, serveClient: false, cors: { origin: o.corsOrigin ?? false }, pingInterval: 10_000, pingTimeout: 10_000,
      // CORS does not cover WebSocket: a page on another site could open the wall's socket from
      // an officer's browser. Refuse browsers (they always send Origin) from other origins.
      allowRequest: (req, done) => done(null, originAllowed(req.headers.origin, req.headers.host, o.corsOrigin || [])),
      maxHttpBufferSize: this.maxMessageBytes, ...(o.adapter ? { adapter: o.adapter } : {}),
    });
    // Over long-polling engine.io answers an oversized POST with 413 and the client just drops the
    // transport, which the socket cannot tell from a network fault: note it here, by its header.
    o.server.prependListener('request', (req: IncomingMessage) => {
      const length = Number(req.headers['content-length']);
      if (req.method === 'POST' && req.url?.startsWith(`${REALTIME_PATH}/`) && length > this.maxMessageBytes) {
        this.rejectFrom(null, `socket: long-polling message of ${length} bytes exceeds ${this.maxMessageBytes}; refused (413)`, null);
      }
    });
    if (o.adapter) this.io.on('gw:snapshot', (ack) => ack(this.snapshot()));
    const authorize = o.authorize;
    if (authorize) {
      this.io.use((socket, next) => {
        const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
        if (authorize(typeof token === 'string' ? token : undefined)) next();
        else next(new Error('unauthorized: open the wall with its token (?token=) or sign in'));
      });
    }
    this.io.on('connection', (socket) => {
      socket.emit('snapshot', this.snapshot());
      const guard: ClientGuard = { windowStart: Date.now(), rejects: 0, stored: 0, tokens: SNAPSHOT_BURST, refilledAt: Date.now() };
      const reject = (reason: string, input: unknown[] | null) => this.rejectFrom({ socket, guard }, reason, input);
      socket.on('snapshot:get', (req: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return reject('socket: snapshot:get without an acknowledgement callback', ['snapshot:get', req, ack]);
        const answer = ack as (response: { data: Snapshot } | { error: string }) => void;
        if (req !== undefined && req !== null && (typeof req !== 'object' || Array.isArray(req))) {
          reject('socket: snapshot:get takes {} as its request', ['snapshot:get', req]);
          return answer({ error: 'snapshot:get takes {} as its request' });
        }
        if (!takeSnapshotToken(guard)) {
          reject(`socket: snapshot:get more often than ${SNAPSHOT_BURST} at once or once a second`, null);
          return answer({ error: 'too many snapshot requests; ask again in a second' });
        }
        try {
          answer({ data: this.snapshot() });
        } catch (err) {
          answer({ error: (err as Error).message });
        }
      });
      // Socket.IO delivers unknown events to no one; count and dead-letter them instead.
      socket.onAny((event: unknown, ...args: unknown[]) => {
        if (!CLIENT_EVENTS.has(event as string)) reject(`socket: unknown event "${String(event).slice(0, 64)}"`, [event, ...args]);
      });
      // An Error here is a packet Socket.IO could not decode (it then closes the connection); a
      // client's own `emit('error', …)` arrives with plain data and is an unknown event above.
      socket.on('error', (err: unknown) => {
        if (err instanceof Error) reject(`socket: malformed packet: ${err.message.slice(0, 200)}`, null);
      });
      socket.on('disconnect', (reason, description) => {
        // engine.io wraps ws's RangeError into a new Error by its text: "RangeError: Max payload size exceeded".
        const message = (description as { message?: unknown } | undefined)?.message;
        if (reason === 'transport error' && typeof message === 'string' && message.includes('Max payload size exceeded')) {
          reject(`socket: message over ${this.maxMessageBytes} bytes; connection closed`, null);
        }
      });
    });
    this.flushMs = o.outageFlushMs ?? 250;
    this.timers.push(setInterval(() => this.io.emit('kpi:update', { kpis: this.o.kpis() }), o.kpiIntervalMs ?? 1_000));
    this.timers.push(setInterval(() => this.sampleHistory(), o.historyIntervalMs ?? 5_000));
  }

  /**
   * Queue changed outages. The first change after a quiet spell goes out at once (same tick);
   * changes within `outageFlushMs` of the last delta wait for the end of that window, so a wall
   * gets at most a few deltas per second however busy the storm.
   */
  outagesChanged(outages: readonly OutageDto[]): void {
    for (const o of outages) this.pending.set(o.id, o);
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastFlush + this.flushMs - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flushOutages();
    }, wait);
  }

  kpiHistory(): KpiPoint[] {
    return [...this.history];
  }

  snapshot(): Snapshot {
    return { ...this.o.snapshot(this.seq), kpiHistory: this.kpiHistory() };
  }

  flushOutages(): void {
    if (this.pending.size === 0) return;
    this.lastFlush = Date.now();
    const outages = [...this.pending.values()];
    this.pending.clear();
    this.seq++;
    this.io.emit('outage:changed', { seq: this.seq, outages });
  }

  /** Changed alerts go out at once: they are few, and an officer should see them immediately. */
  alertsChanged(alerts: readonly AlertDto[]): void {
    if (alerts.length) this.io.emit('alert:changed', { alerts: [...alerts] });
  }

  risksUpdated(risks: readonly RiskBrief[], complaintHours: ComplaintHour[], risk: Snapshot['risk']): void {
    this.io.emit('risk:update', { risks: [...risks], complaintHours, risk });
  }

  /** Changed work orders go out as they are stored (they come one contact or step at a time). */
  ordersChanged(orders: readonly OrderBrief[]): void {
    if (orders.length) this.io.emit('order:changed', { orders: [...orders] });
  }

  serviceUpdated(service: ServiceSummary): void {
    this.io.emit('service:update', { service });
  }

  clients(): number {
    return this.io.engine.clientsCount;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    // Not io.close(): that would also close the HTTP server, which Fastify owns and closes.
    this.io.disconnectSockets(true);
    this.io.engine.close();
    // A cluster adapter holds a LISTEN connection of the pool: give it back before the pool ends.
    if (this.o.adapter) await this.io.of('/').adapter.close();
  }

  /**
   * Counts a refused client message and stores it while the socket's and the hub's budgets for
   * this minute last; a socket past SOCKET_REJECTS_BEFORE_DISCONNECT is disconnected.
   */
  private rejectFrom(client: { socket: Socket; guard: ClientGuard } | null, reason: string, input: unknown[] | null): void {
    const now = Date.now();
    if (now - this.hubBudget.windowStart >= MINUTE) this.hubBudget = { windowStart: now, stored: 0 };
    let store = this.hubBudget.stored < HUB_DEAD_LETTERS_PER_MIN;
    if (client) {
      const g = client.guard;
      if (now - g.windowStart >= MINUTE) Object.assign(g, { windowStart: now, rejects: 0, stored: 0 });
      g.rejects++;
      store &&= g.stored < SOCKET_DEAD_LETTERS_PER_MIN;
      if (store) g.stored++;
    }
    if (store) this.hubBudget.stored++;
    // Serialised only when stored: a flood past its budget costs a counter, not a JSON.stringify.
    this.o.reject?.(store && input ? describeInput(input) : '', reason, store);
    if (client && client.guard.rejects > SOCKET_REJECTS_BEFORE_DISCONNECT && client.socket.connected) client.socket.disconnect(true);
  }

  private sampleHistory(): void {
    const k = this.o.kpis();
    this.history.push({ at: k.at, messagesPerSec: k.messagesPerSec, readingsPerSec: k.readingsPerSec, activeOutages: k.activeOutages, customersOut: k.customersOut });
    if (this.history.length > (this.o.historyPoints ?? 720)) this.history.shift();
  }
}

interface ClientGuard {
  /** This minute's rejected messages and how many of them were stored. */
  windowStart: number;
  rejects: number;
  stored: number;
  /** Token bucket for snapshot:get. */
  tokens: number;
  refilledAt: number;
}

function takeSnapshotToken(g: ClientGuard): boolean {
  const now = Date.now();
  g.tokens = Math.min(SNAPSHOT_BURST, g.tokens + (now - g.refilledAt) / SNAPSHOT_REFILL_MS);
  g.refilledAt = now;
  if (g.tokens < 1) return false;
  g.tokens--;
  return true;
}

/** A browser's Origin is this server itself or one allowed by CORS_ORIGINS; clients without Origin (not browsers) pass. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
