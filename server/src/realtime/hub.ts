// Realtime fan-out to walls and consoles: one snapshot on connect (and on request), then deltas
// coalesced per interval — an outage that changes ten times in 200 ms is sent once, in its latest
// state. Outage deltas carry a sequence number so a client can detect a gap and resync.
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
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
}

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

  constructor(private readonly o: HubOptions) {
    // Pings every 10 s, 10 s to answer: a wall behind a cut network (no FIN) knows within 20 s and
    // says so, instead of the defaults' 45 s.
    this.io = new Server(o.server, { path: REALTIME_PATH, serveClient: false, cors: { origin: o.corsOrigin ?? false }, pingInterval: 10_000, pingTimeout: 10_000, ...(o.adapter ? { adapter: o.adapter } : {}) });
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
      socket.on('snapshot:get', (_req, ack) => {
        if (typeof ack !== 'function') return;
        try {
          ack({ data: this.snapshot() });
        } catch (err) {
          ack({ error: (err as Error).message });
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

  private sampleHistory(): void {
    const k = this.o.kpis();
    this.history.push({ at: k.at, messagesPerSec: k.messagesPerSec, readingsPerSec: k.readingsPerSec, activeOutages: k.activeOutages, customersOut: k.customersOut });
    if (this.history.length > (this.o.historyPoints ?? 720)) this.history.shift();
  }
}
