// The outage engine (first version: station-area outages). Pure: it takes power events and an
// injected clock and keeps the open outages in memory; the caller persists and broadcasts what
// `drainChanges()` returns. Duplicates and out-of-order events are absorbed by design: meter
// state is a set, and events older than the last restoration of a station area are stale.
import type { NetworkIndex, OutageDto, OutageEvidence, OutageStatus } from '@gridwatch/shared';

export interface PowerEvent {
  /** Meter or concentrator id as reported. */
  device: string;
  transformer: string;
  /** The concentrator's own event: its whole station area is affected. */
  concentrator: boolean;
  kind: 'power-off' | 'power-restored';
  /** Device time, epoch ms. */
  ts: number;
}

export interface EngineOptions {
  index: NetworkIndex;
  now: () => number;
  /** Meters of one station area that must report power-off (fewer if the area has fewer). */
  minMeters: number;
  /** Restored within this many ms → momentary (IEEE 1366: 5 minutes). */
  momentaryMs?: number;
  /** Pending single-meter evidence older than this is dropped. */
  pendingTtlMs?: number;
  /** Restored outages stay in `recent()` this long. */
  recentMs?: number;
  maxEvidence?: number;
}

interface OpenOutage {
  dto: OutageDto;
  off: Map<string, number>;
  restored: Map<string, number>;
  concentratorOff: boolean;
}

export class OutageEngine {
  private readonly open = new Map<string, OpenOutage>();
  private readonly pending = new Map<string, Map<string, number>>();
  private readonly lastRestored = new Map<string, number>();
  private readonly recentlyClosed = new Map<string, OutageDto>();
  private readonly changed = new Map<string, OutageDto>();
  private readonly o: Required<EngineOptions>;

  constructor(options: EngineOptions, openOutages: readonly OutageDto[] = []) {
    this.o = { momentaryMs: 5 * 60_000, pendingTtlMs: 2 * 3600_000, recentMs: 10 * 60_000, maxEvidence: 50, ...options };
    for (const dto of openOutages) {
      const transformer = dto.transformers[0];
      if (!transformer || dto.restoredAt !== null) continue;
      const off = new Map<string, number>();
      let concentratorOff = false;
      for (const e of dto.evidence) {
        if (e.kind === 'meter.power-off') off.set(e.device, e.ts);
        if (e.kind === 'concentrator.power-off') concentratorOff = true;
      }
      this.open.set(transformer, { dto: { ...dto }, off, restored: new Map(), concentratorOff });
    }
  }

  apply(ev: PowerEvent): void {
    const t = ev.transformer;
    const stale = this.lastRestored.get(t);
    if (stale !== undefined && ev.ts <= stale) return;
    const outage = this.open.get(t);
    if (ev.kind === 'power-off') this.powerOff(ev, outage);
    else this.powerRestored(ev, outage);
  }

  /**
   * Readings from a station area's meters for an interval ending after the outage started prove
   * the power is back (a dark concentrator sends nothing); this also ends outages whose restore
   * events were lost.
   */
  readings(transformer: string, intervalEnd: number, intervalMs: number): void {
    const outage = this.open.get(transformer);
    if (!outage) return;
    const lastOff = Math.max(outage.dto.startedAt, ...outage.off.values());
    if (intervalEnd <= lastOff) return;
    this.addEvidence(outage.dto, { ts: intervalEnd, device: outage.dto.device, kind: 'readings.resumed' });
    this.close(outage, Math.max(lastOff, intervalEnd - intervalMs));
  }

  /** Drops old pending evidence and old restored outages; call periodically. */
  tick(): void {
    const now = this.o.now();
    for (const [t, meters] of this.pending) {
      for (const [m, ts] of meters) if (now - ts > this.o.pendingTtlMs) meters.delete(m);
      if (meters.size === 0) this.pending.delete(t);
    }
    for (const [id, dto] of this.recentlyClosed) {
      if (dto.restoredAt !== null && now - dto.restoredAt > this.o.recentMs) this.recentlyClosed.delete(id);
    }
  }

  active(): OutageDto[] {
    return [...this.open.values()].map((o) => o.dto);
  }

  /** Active outages plus those restored within `recentMs`. */
  current(): OutageDto[] {
    return [...this.active(), ...this.recentlyClosed.values()];
  }

  customersOut(): number {
    let n = 0;
    for (const o of this.open.values()) n += o.dto.customers;
    return n;
  }

  /** Outages changed since the last call, each once, in their latest state. */
  drainChanges(): OutageDto[] {
    const list = [...this.changed.values()];
    this.changed.clear();
    return list;
  }

  private powerOff(ev: PowerEvent, outage: OpenOutage | undefined): void {
    const evidence: OutageEvidence = { ts: ev.ts, device: ev.device, kind: ev.concentrator ? 'concentrator.power-off' : 'meter.power-off' };
    if (outage) {
      if (ev.concentrator) {
        if (outage.concentratorOff) return;
        outage.concentratorOff = true;
        if (outage.dto.status === 'probable') outage.dto.status = 'confirmed';
      } else {
        if (outage.off.has(ev.device) && !outage.restored.has(ev.device)) return;
        outage.off.set(ev.device, ev.ts);
        outage.restored.delete(ev.device);
      }
      outage.dto.startedAt = Math.min(outage.dto.startedAt, ev.ts);
      this.addEvidence(outage.dto, evidence);
      this.touch(outage.dto);
      return;
    }
    let meters = this.pending.get(ev.transformer);
    if (!ev.concentrator) {
      if (!meters) this.pending.set(ev.transformer, (meters = new Map()));
      if (meters.has(ev.device)) return;
      meters.set(ev.device, ev.ts);
    }
    const size = this.o.index.customersOf.get(ev.transformer)?.length ?? 0;
    const needed = Math.max(1, Math.min(this.o.minMeters, size));
    if (ev.concentrator || (meters && meters.size >= needed)) this.openOutage(ev, meters ?? new Map());
  }

  private openOutage(trigger: PowerEvent, meters: Map<string, number>): void {
    const t = this.o.index.transformer.get(trigger.transformer)!;
    const customers = this.o.index.customersOf.get(t.id)?.length ?? 0;
    const evidence: OutageEvidence[] = [...meters].map(([device, ts]) => ({ ts, device, kind: 'meter.power-off' }));
    if (trigger.concentrator) evidence.push({ ts: trigger.ts, device: trigger.device, kind: 'concentrator.power-off' });
    evidence.sort((a, b) => a.ts - b.ts);
    const startedAt = evidence[0]?.ts ?? trigger.ts;
    const dto: OutageDto = {
      id: `OUT-${t.id}-${startedAt}`,
      status: trigger.concentrator ? 'confirmed' : 'probable',
      level: 'transformer',
      device: t.id,
      feeder: t.feeder,
      transformers: [t.id],
      customers,
      startedAt,
      detectedAt: this.o.now(),
      restoredAt: null,
      lon: t.lon,
      lat: t.lat,
      evidence: [],
    };
    for (const e of evidence) this.addEvidence(dto, e);
    this.open.set(t.id, { dto, off: new Map(meters), restored: new Map(), concentratorOff: trigger.concentrator });
    this.pending.delete(t.id);
    this.touch(dto);
  }

  private powerRestored(ev: PowerEvent, outage: OpenOutage | undefined): void {
    if (!outage) {
      const meters = this.pending.get(ev.transformer);
      if (!meters) return;
      if (ev.concentrator) this.pending.delete(ev.transformer);
      else if ((meters.get(ev.device) ?? Infinity) < ev.ts) meters.delete(ev.device);
      return;
    }
    if (ev.ts < outage.dto.startedAt) return;
    const kind = ev.concentrator ? 'concentrator.power-restored' : 'meter.power-restored';
    if (ev.concentrator) {
      this.addEvidence(outage.dto, { ts: ev.ts, device: ev.device, kind });
      this.close(outage, ev.ts);
      return;
    }
    if (outage.restored.has(ev.device)) return;
    outage.restored.set(ev.device, ev.ts);
    this.addEvidence(outage.dto, { ts: ev.ts, device: ev.device, kind });
    const allBack = outage.off.size > 0 && [...outage.off.keys()].every((m) => outage.restored.has(m));
    if (allBack) {
      this.close(outage, Math.max(...outage.restored.values()));
    } else if (outage.dto.status !== 'restoring') {
      outage.dto.status = 'restoring' satisfies OutageStatus;
      this.touch(outage.dto);
    } else {
      this.touch(outage.dto);
    }
  }

  private close(outage: OpenOutage, restoredAt: number): void {
    const dto = outage.dto;
    dto.restoredAt = restoredAt;
    dto.status = restoredAt - dto.startedAt < this.o.momentaryMs ? 'momentary' : 'restored';
    this.open.delete(dto.device);
    this.pending.delete(dto.device);
    this.lastRestored.set(dto.device, restoredAt);
    this.recentlyClosed.set(dto.id, dto);
    this.touch(dto);
  }

  private addEvidence(dto: OutageDto, e: OutageEvidence): void {
    // Keep the first evidence (why it opened) and the newest; drop the middle when too long.
    if (dto.evidence.length >= this.o.maxEvidence) dto.evidence.splice(Math.floor(this.o.maxEvidence / 2), 1);
    dto.evidence.push(e);
  }

  private touch(dto: OutageDto): void {
    this.changed.set(dto.id, { ...dto, transformers: [...dto.transformers], evidence: [...dto.evidence] });
  }
}
