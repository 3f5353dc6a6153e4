// The outage engine. Pure: it takes power events, readings, distribution-automation events and
// planned windows with an injected clock, keeps the open outages in memory, and hands every
// changed outage to the caller through `drainChanges()`. The same code runs in the server and in
// the evaluation harness.
//
// How it decides, in the order a commercial OMS does:
// - Evidence per station area: the concentrator's power-off means the whole area is dark; enough
//   meter last gasps (OUTAGE_MIN_METERS) mean the same, less surely. A single meter off while its
//   station area stays live becomes a customer-side outage after a hold.
// - Evidence is held `holdMs` before predicting, then rolled up the device tree: the outage is
//   located at the highest device below which at least `rollupFraction` of the station areas are
//   dark (a breaker or recloser, which would have reported, needs DA evidence or a far higher share).
// - Distribution automation confirms and locates: a lockout (or a trip never reclosed) puts the
//   outage at that device; trip + reclose without lockout is a momentary interruption; fault
//   indicators narrow the faulted section; switch.open by a crew isolates, and a later close
//   restores what it feeds.
// - Restoration per station area (concentrator restore, meter restores, fresh readings, DA close);
//   a partial restoration leaves a nested outage for what is still dark, when that is exactly what
//   one device feeds.
// - Evidence older than the last restoration of a device is stale; evidence inside an open outage
//   is absorbed; duplicates change nothing.
import { evidenceNote, type FaultKind, type NetworkIndex, type OutageDto, type OutageEvidence, type Zone } from '@gridwatch/shared';
import { EtrModel, type EtrKind } from './etr.ts';
import { buildTopology, type Topology } from './topology.ts';

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

export interface FaultEvent {
  device: string;
  kind: FaultKind;
  ts: number;
}

export interface PlannedWindow {
  id: string;
  device: string;
  startsAt: number;
  endsAt: number;
  cancelled: boolean;
}

export interface EngineOptions {
  index: NetworkIndex;
  topology?: Topology;
  now: () => number;
  /** Meters of one station area that must report power-off (fewer if the area has fewer). */
  minMeters: number;
  /** Evidence is held this long (receipt time) before an outage is predicted from it. */
  holdMs?: number;
  /**
   * A lone meter off while its station area keeps delivering readings without it is a
   * customer-side outage; this is how long it must have been off before a batch can say so.
   */
  customerSideHoldMs?: number;
  /**
   * A lone meter off this long (receipt time) with no restore while nothing says its station area
   * is dark is taken as customer-side before the next readings (0: wait for the readings).
   * Flapping meters report their restore within seconds; this outlasts their transport delays.
   */
  customerSideEarlyMs?: number;
  /** Share of a device's station areas that must be dark to locate the outage at the device. */
  rollupFraction?: number;
  /** The same for breakers and reclosers that did not report: they would have, so ask for more. */
  rollupFractionReporting?: number;
  /** After a trip, wait this long for lockout or further trips before calling it momentary. */
  daHoldMs?: number;
  /** Restored within this many ms → momentary (IEEE 1366: 5 minutes). */
  momentaryMs?: number;
  /** Pending evidence older than this is dropped. */
  pendingTtlMs?: number;
  /** Restored outages stay in `current()` this long. */
  recentMs?: number;
  maxEvidence?: number;
  /** A meter with this many power-offs within an hour is flapping; its events are ignored. */
  flapCount?: number;
  etr?: EtrModel;
}

interface AreaState {
  id: string;
  off: Map<string, number>;
  restored: Map<string, number>;
  concentratorOff: number | null;
  /** Believed dark. */
  out: boolean;
  outSince: number;
  /** Receipt time of the first evidence of the current loss. */
  seenAt: number;
  lastRestoredAt: number;
}

interface OpenOutage {
  dto: OutageDto;
  /** Station areas covered (empty for customer-side). */
  areas: Set<string>;
  /** Areas that sent their own power-off evidence. */
  reported: Set<string>;
  restored: Map<string, number>;
  /** Located by distribution automation: roll-up never moves it. */
  daLocated: boolean;
  meter: string | null;
}

/** A reclose that held this long (no re-trip) ended its protection sequence. */
const RECLOSE_HELD_MS = 5_000;

interface Episode {
  firstTrip: number;
  lastTrip: number;
  lastReclose: number | null;
  receivedAt: number;
  /** Tripped again after a reclose: the outage was opened then, before the lockout. */
  opened?: boolean;
}

interface LoneMeter {
  transformer: string;
  ts: number;
  seenAt: number;
  /** The early customer-side decision was taken. */
  decided?: boolean;
}

const HOUR = 3_600_000;
/** A lone meter is taken as customer-side early only if its feeder was quiet this long either side. */
const FEEDER_QUIET_MS = 5 * 60_000;
/** Evidence this close in time to an outage below is the same event. */
const RELATED_MS = 90_000;
/** A DA close with neither confirmation nor contrary evidence is trusted after this long. */
const CLOSE_CONFIRM_MS = 10 * 60_000;
/** Clock differences tolerated between protection and the meters below it. */
const DA_SKEW_MS = 5_000;
/** Meter last gasps count together only when they are this close in time. */
const METER_WINDOW_MS = 5 * 60_000;

export class OutageEngine {
  readonly topology: Topology;
  private readonly o: Required<Omit<EngineOptions, 'topology' | 'etr'>> & { etr: EtrModel };
  private readonly areas = new Map<string, AreaState>();
  /** Dark station areas below each device (maintained incrementally). */
  private readonly outBelow = new Map<string, number>();
  private readonly open = new Map<string, OpenOutage>();
  /** station area → root outage that covers it */
  private readonly coveredBy = new Map<string, string>();
  /** station area → its lone meters (off while the area is not known to be dark) */
  private readonly lone = new Map<string, Map<string, LoneMeter>>();
  private readonly flaps = new Map<string, number[]>();
  private readonly deviceRestoredAt = new Map<string, number>();
  private readonly episodes = new Map<string, Episode>();
  /** device → device time of its last lockout: recloses and trips of that sequence are history. */
  private readonly lockouts = new Map<string, number>();
  /**
   * Closes reported by DA, not yet trusted: closing onto a fault that is still there makes the
   * protection upstream operate again, so a close counts once a station area below confirms
   * power (or after a quiet while), and is dropped if areas below go dark again instead.
   */
  private readonly pendingCloses = new Map<string, { ts: number; kind: string; receivedAt: number }>();
  private readonly fci = new Map<string, number>();
  private readonly openSwitches = new Set<string>();
  private readonly planned = new Map<string, PlannedWindow>();
  private readonly recentlyClosed = new Map<string, OutageDto>();
  private readonly changed = new Map<string, OutageDto>();
  /** Dark, uncovered station areas waiting for their hold, in the order they went dark. */
  private queue: string[] = [];
  /** meter → its customer-side outage */
  private readonly meterOutage = new Map<string, string>();
  private readonly feederEvents = new Map<string, { device: string; ts: number }[]>();
  private seq = 0;

  constructor(options: EngineOptions, openOutages: readonly OutageDto[] = []) {
    this.topology = options.topology ?? buildTopology(options.index);
    this.o = {
      holdMs: 35_000,
      customerSideHoldMs: 30_000,
      customerSideEarlyMs: 180_000,
      rollupFraction: 0.5,
      rollupFractionReporting: 0.9,
      daHoldMs: 45_000,
      momentaryMs: 5 * 60_000,
      pendingTtlMs: 2 * HOUR,
      recentMs: 10 * 60_000,
      maxEvidence: 60,
      flapCount: 3,
      ...options,
      etr: options.etr ?? new EtrModel(),
    };
    for (const dto of openOutages) this.resume(dto);
  }

  // ── inputs ────────────────────────────────────────────────────────────────────────────────

  apply(ev: PowerEvent): void {
    const tf = this.o.index.transformer.get(ev.transformer);
    if (!tf) return;
    if (ev.kind === 'power-off') {
      this.noteFeeder(tf.feeder, ev.device, ev.ts);
      this.powerOff(ev);
    }
    else this.powerRestored(ev);
    this.predict();
  }

  /**
   * Readings for an interval ending after a loss prove the meters named have power again (a dark
   * concentrator sends nothing); this also ends outages whose restore events were lost.
   */
  readings(transformer: string, intervalEnd: number, intervalMs: number, meters: readonly string[] = []): void {
    const here = this.lone.get(transformer);
    const present = here ? new Set(meters) : null;
    for (const [m, l] of here ?? []) {
      if (intervalEnd <= l.ts) continue;
      here!.delete(m);
      // Its neighbours were read after the loss and it was not: the station area is live and
      // only this customer is without power.
      if (!present!.has(m) && meters.length > 0) this.customerSide(m, l, intervalEnd);
    }
    for (const m of meters) {
      const o = this.open.get(this.meterOutage.get(m) ?? '');
      if (o && intervalEnd > o.dto.startedAt) {
        this.addEvidence(o.dto, { ts: intervalEnd, device: m, kind: 'readings.resumed' });
        this.closeOutage(o, Math.max(o.dto.startedAt, intervalEnd - intervalMs));
      }
    }
    const a = this.areas.get(transformer);
    if (!a || !a.out) return;
    const lastOff = Math.max(a.outSince, ...a.off.values(), a.concentratorOff ?? 0);
    if (intervalEnd <= lastOff) return;
    this.placeBeforeRestore(a);
    const root = this.rootOf(transformer);
    if (root) this.addEvidence(root.dto, { ts: intervalEnd, device: transformer, kind: 'readings.resumed' });
    this.areaRestored(a, Math.max(lastOff, intervalEnd - intervalMs));
    this.predict();
  }

  fault(ev: FaultEvent): void {
    const kind = this.topology.kind(ev.device);
    if (!kind) return;
    const feeder = this.o.index.device.get(ev.device)?.feeder;
    if (feeder) this.noteFeeder(feeder, ev.device, ev.ts);
    const now = this.o.now();
    switch (ev.kind) {
      case 'breaker.trip': {
        let ep = this.episodes.get(ev.device);
        // Protection re-trips within a second of closing onto a fault that is still there. A
        // trip well after a reclose means the reclose held: that episode was a momentary
        // interruption, and this trip is a new fault with a start of its own.
        if (ep && !ep.opened && ep.lastReclose !== null && ep.lastReclose >= ep.lastTrip && ev.ts - ep.lastReclose > RECLOSE_HELD_MS) {
          this.episodes.delete(ev.device);
          this.momentary(ev.device, ep, now);
          ep = undefined;
        }
        const open = this.outageAt(ev.device);
        // A trip of a sequence whose outage is already open (see below) still counts for it.
        if (!ep?.opened) {
          // Already open: a repeated report; but a trip after a partial restoration is a new loss.
          if (open && open.dto.status !== 'restoring') return;
          // Delivered after the lockout it led to: part of that sequence.
          if (ev.ts <= (this.lockouts.get(ev.device) ?? -Infinity) + 1_000) return;
        }
        if (!ep) {
          this.episodes.set(ev.device, { firstTrip: ev.ts, lastTrip: ev.ts, lastReclose: null, receivedAt: now });
          break;
        }
        ep.lastTrip = Math.max(ep.lastTrip, ev.ts);
        ep.receivedAt = now;
        // Tripped again after reclosing: the fault was still there. A transient one clears before
        // the first reclose, so this is most likely permanent. The outage is opened now, seconds
        // after the loss, rather than at the lockout most of a minute later: the first calls of a
        // large outage come within minutes. A later reclose that holds closes it again as a
        // momentary interruption (decideEpisodes).
        if (!ep.opened && ep.lastReclose !== null && ev.ts > ep.lastReclose && !open) {
          ep.opened = true;
          this.daOpen(ev.device, ep.firstTrip, { ts: ev.ts, device: ev.device, kind: 'breaker.trip', ...evidenceNote('retrip', { device: ev.device }) });
        }
        break;
      }
      case 'breaker.reclose': {
        const ep = this.episodes.get(ev.device);
        const at = this.outageAt(ev.device);
        // A reclose of a protection sequence still under way: of an outage opened before its
        // lockout, or of a new trip during a partial restoration.
        if (ep && (ep.opened || at?.dto.status === 'restoring')) {
          if (ev.ts >= ep.lastTrip) ep.lastReclose = Math.max(ep.lastReclose ?? 0, ev.ts);
          if (ep.opened) ep.receivedAt = now;
          break;
        }
        // A reclose from before the lockout (delivered late) is not the operator closing it.
        if (ev.ts <= (this.lockouts.get(ev.device) ?? -Infinity)) break;
        if (at && at.daLocated && ev.ts >= at.dto.startedAt) {
          this.pendingCloses.set(ev.device, { ts: ev.ts, kind: 'breaker.reclose', receivedAt: now });
          break;
        }
        if (ep && ev.ts >= ep.lastTrip) {
          ep.lastReclose = Math.max(ep.lastReclose ?? 0, ev.ts);
          ep.receivedAt = now;
        }
        break;
      }
      case 'breaker.lockout': {
        const ep = this.episodes.get(ev.device);
        this.episodes.delete(ev.device);
        this.lockouts.set(ev.device, Math.max(this.lockouts.get(ev.device) ?? -Infinity, ev.ts));
        this.daOpen(ev.device, ep?.firstTrip ?? ev.ts, { ts: ev.ts, device: ev.device, kind: 'breaker.lockout', ...evidenceNote('lockout', { device: ev.device }) });
        break;
      }
      case 'fci.fault':
        this.fci.set(ev.device, ev.ts);
        this.refreshFaultSections();
        break;
      case 'fci.clear':
        this.fci.delete(ev.device);
        break;
      case 'switch.open': {
        this.openSwitches.add(ev.device);
        const root = this.rootCovering(ev.device);
        if (root) {
          this.addEvidence(root.dto, { ts: ev.ts, device: ev.device, kind: 'switch.open', ...evidenceNote('isolation-open', { device: ev.device }) });
          this.touch(root);
        } else {
          this.daOpen(ev.device, ev.ts, { ts: ev.ts, device: ev.device, kind: 'switch.open', ...evidenceNote('switch-open', { device: ev.device }) });
        }
        break;
      }
      case 'switch.close':
        this.openSwitches.delete(ev.device);
        if (this.outageAt(ev.device) ?? this.rootCovering(ev.device)) this.pendingCloses.set(ev.device, { ts: ev.ts, kind: 'switch.close', receivedAt: now });
        break;
    }
    this.predict();
  }

  setPlanned(window: PlannedWindow): void {
    if (window.cancelled) this.planned.delete(window.id);
    else this.planned.set(window.id, window);
    for (const o of this.open.values()) this.matchPlanned(o);
  }

  /** Call periodically (the server: every 250 ms; the harness: at every simulated instant). */
  tick(): void {
    const now = this.o.now();
    this.decideEpisodes(now);
    for (const [device, c] of this.pendingCloses) {
      if (now - c.receivedAt < CLOSE_CONFIRM_MS) continue;
      this.pendingCloses.delete(device);
      this.daClose(device, c.ts, `${c.kind} (unconfirmed for ${CLOSE_CONFIRM_MS / 60_000} min, taken as restored)`, '');
    }
    this.predict();
    for (const [t, meters] of this.lone) {
      for (const [m, l] of meters) {
        if (now - l.seenAt > this.o.pendingTtlMs) meters.delete(m);
        // Decided once, right when the wait is over: an older lone meter was part of something
        // larger (it stayed lone while an outage covered its area) and waits for readings.
        else if (this.o.customerSideEarlyMs > 0 && !l.decided && now - l.seenAt >= this.o.customerSideEarlyMs) {
          l.decided = true;
          if (now - l.seenAt < this.o.customerSideEarlyMs + 60_000 && !this.meterOutage.has(m) && this.aloneOnFeeder(m, l)) this.customerSide(m, l, null);
        }
      }
      if (meters.size === 0) this.lone.delete(t);
    }
    for (const [t, a] of this.areas) {
      // Keep an area while its last restoration can still make late evidence stale.
      if (!a.out && a.off.size === 0 && a.concentratorOff === null && now - Math.max(a.seenAt, a.lastRestoredAt) > this.o.pendingTtlMs) this.areas.delete(t);
      else if (!a.out) for (const [m, ts] of a.off) if (now - ts > this.o.pendingTtlMs) a.off.delete(m);
    }
    for (const [id, dto] of this.recentlyClosed) {
      if (dto.restoredAt !== null && now - dto.restoredAt > this.o.recentMs) this.recentlyClosed.delete(id);
    }
    this.refreshEtr(now);
  }

  /**
   * The earliest instant at which a hold expires and `tick()` has work to do, or null. The server
   * sets a timer for it, so nothing waits for a polling interval; the harness ticks exactly then.
   */
  nextDeadline(): number | null {
    let next = Infinity;
    const now = this.o.now();
    for (const t of this.queue) {
      const a = this.areas.get(t);
      if (!a || !a.out || this.coveredBy.has(t)) continue;
      // Past-due areas wait for a breaker's episode to be decided (its deadline is below).
      if (a.seenAt + this.o.holdMs <= now) continue;
      next = Math.min(next, a.seenAt + this.o.holdMs);
      break; // the queue is in order of seenAt
    }
    for (const ep of this.episodes.values()) next = Math.min(next, ep.receivedAt + this.o.daHoldMs);
    for (const c of this.pendingCloses.values()) next = Math.min(next, c.receivedAt + CLOSE_CONFIRM_MS);
    return Number.isFinite(next) ? next : null;
  }

  // ── outputs ───────────────────────────────────────────────────────────────────────────────

  active(): OutageDto[] {
    return [...this.open.values()].map((o) => o.dto);
  }

  /** Active outages plus those restored within `recentMs`. */
  current(): OutageDto[] {
    return [...this.active(), ...this.recentlyClosed.values()];
  }

  /** Customers without power: root grid outages (nested ones are inside their parent). */
  customersOut(): number {
    let n = 0;
    for (const o of this.open.values()) {
      if (o.dto.parentId !== null) continue;
      const restored = o.dto.steps.reduce((s, x) => s + x.customers, 0);
      n += Math.max(0, o.dto.customers - restored);
    }
    return n;
  }

  /** Outages changed since the last call, each once, in their latest state. */
  drainChanges(): OutageDto[] {
    const list = [...this.changed.values()];
    this.changed.clear();
    return list;
  }

  /** Feed a restored outage of the past into the restoration-time model. */
  learn(dto: OutageDto): void {
    if (dto.restoredAt === null || dto.status === 'momentary' || dto.parentId !== null) return;
    this.o.etr.add({ kind: this.etrKind(dto), zone: this.zoneOf(dto), startedAt: dto.startedAt, durationMs: dto.restoredAt - dto.startedAt });
  }

  // ── power evidence ────────────────────────────────────────────────────────────────────────

  private area(t: string): AreaState {
    let a = this.areas.get(t);
    if (!a) {
      a = { id: t, off: new Map(), restored: new Map(), concentratorOff: null, out: false, outSince: 0, seenAt: 0, lastRestoredAt: 0 };
      this.areas.set(t, a);
    }
    return a;
  }

  private powerOff(ev: PowerEvent): void {
    const now = this.o.now();
    // Stale: the same device (same clock) has already reported power back after this instant.
    if ((this.deviceRestoredAt.get(ev.device) ?? -Infinity) >= ev.ts) return;
    const a = this.area(ev.transformer);
    if (ev.ts <= a.lastRestoredAt && !a.out) return;
    if (!ev.concentrator && this.flapping(ev.device, ev.ts)) return;
    this.contradictCloses(ev.transformer, ev.ts);
    const root = this.rootOf(ev.transformer);
    const evidence: OutageEvidence = { ts: ev.ts, device: ev.device, kind: ev.concentrator ? 'concentrator.power-off' : 'meter.power-off' };
    if (ev.concentrator) {
      if (a.concentratorOff !== null) return;
      a.concentratorOff = ev.ts;
    } else {
      if (a.off.has(ev.device) && !a.restored.has(ev.device)) return;
      a.off.set(ev.device, ev.ts);
      a.restored.delete(ev.device);
    }
    if (root && !root.restored.has(ev.transformer)) {
      // Inside a known outage: absorbed, kept as evidence.
      root.reported.add(ev.transformer);
      if (ev.concentrator && root.dto.status === 'probable' && root.dto.level === 'transformer') root.dto.status = 'confirmed';
      if (!a.out) this.markOut(a, ev.ts, now);
      this.addEvidence(root.dto, evidence);
      this.touch(root);
      return;
    }
    const size = this.topology.customersOf(ev.transformer);
    // One meter alone cannot tell its station area from its own installation: it takes two, or
    // the concentrator.
    const needed = Math.max(2, Math.min(this.o.minMeters, size));
    // Only last gasps close in time to this one describe the same loss; older ones are history.
    const recent = [...a.off].filter(([m, ts]) => !a.restored.has(m) && ts >= ev.ts - METER_WINDOW_MS && ts <= ev.ts + METER_WINDOW_MS);
    if (ev.concentrator || recent.length >= needed) {
      for (const [m, ts] of a.off) if (ts < ev.ts - METER_WINDOW_MS) a.off.delete(m);
      if (!a.out) this.markOut(a, Math.min(ev.ts, ...recent.map(([, ts]) => ts)), now);
      this.lone.delete(a.id); // the whole area is dark: its lone meters were not alone
    } else if (!ev.concentrator) {
      let meters = this.lone.get(ev.transformer);
      if (!meters) this.lone.set(ev.transformer, (meters = new Map()));
      meters.set(ev.device, { transformer: ev.transformer, ts: ev.ts, seenAt: now });
    }
  }

  private powerRestored(ev: PowerEvent): void {
    this.deviceRestoredAt.set(ev.device, Math.max(this.deviceRestoredAt.get(ev.device) ?? -Infinity, ev.ts));
    const lone = this.lone.get(ev.transformer)?.get(ev.device);
    if (lone && ev.ts >= lone.ts) this.lone.get(ev.transformer)!.delete(ev.device);
    const cs = this.open.get(this.meterOutage.get(ev.device) ?? '');
    if (cs && ev.ts >= cs.dto.startedAt) {
      this.addEvidence(cs.dto, { ts: ev.ts, device: ev.device, kind: 'meter.power-restored' });
      this.closeOutage(cs, ev.ts);
    }
    const a = this.areas.get(ev.transformer);
    if (!a) return;
    if (!a.out) {
      if (ev.concentrator) a.concentratorOff = null;
      else if ((a.off.get(ev.device) ?? Infinity) <= ev.ts) a.off.delete(ev.device);
      return;
    }
    if (ev.ts < a.outSince) return;
    this.placeBeforeRestore(a);
    const root = this.rootOf(a.id);
    if (root) this.addEvidence(root.dto, { ts: ev.ts, device: ev.device, kind: ev.concentrator ? 'concentrator.power-restored' : 'meter.power-restored' });
    // Any meter with power, or the concentrator itself, means the station area is live.
    this.areaRestored(a, ev.ts);
  }

  private flapping(meter: string, ts: number): boolean {
    let list = this.flaps.get(meter);
    if (!list) this.flaps.set(meter, (list = []));
    if (!list.includes(ts)) list.push(ts);
    while (list.length && list[0]! < ts - HOUR) list.shift();
    if (list.length > this.o.flapCount + 2) list.shift();
    return list.length >= this.o.flapCount;
  }

  private markOut(a: AreaState, since: number, now: number): void {
    a.out = true;
    a.outSince = since;
    a.seenAt = now;
    if (!this.coveredBy.has(a.id)) this.queue.push(a.id);
    for (const d of this.topology.path(a.id)) this.outBelow.set(d, (this.outBelow.get(d) ?? 0) + 1);
  }

  /**
   * A station area whose loss was real (concentrator or enough meters) but is back before its
   * hold expired still had an outage: place it now, so it is reported (as momentary, mostly).
   */
  private placeBeforeRestore(a: AreaState): void {
    if (!a.out || this.coveredBy.has(a.id) || this.underUndecidedEpisode(a.id)) return;
    this.place(this.locate(a.id), a.id, this.o.now());
  }

  private areaRestored(a: AreaState, at: number): void {
    if (!a.out) return;
    this.confirmCloses(a.id, at);
    if (!a.out) return;
    this.markLive(a, at);
    const root = this.rootOf(a.id);
    if (root) this.restoreAreas(root, [a.id], at);
  }

  /** The counterpart of markOut: the area has power again from `at`. */
  private markLive(a: AreaState, at: number): void {
    a.out = false;
    a.lastRestoredAt = Math.max(a.lastRestoredAt, at);
    a.off.clear();
    a.restored.clear();
    a.concentratorOff = null;
    for (const d of this.topology.path(a.id)) this.outBelow.set(d, Math.max(0, (this.outBelow.get(d) ?? 0) - 1));
  }

  // ── prediction (hold, then roll-up) ───────────────────────────────────────────────────────

  private predict(): void {
    const now = this.o.now();
    let i = 0;
    const deferred: string[] = [];
    for (; i < this.queue.length; i++) {
      const a = this.areas.get(this.queue[i]!);
      if (!a || !a.out || this.coveredBy.has(a.id)) continue;
      if (now - a.seenAt < this.o.holdMs) break; // the rest went dark later still
      if (this.underUndecidedEpisode(a.id)) {
        deferred.push(a.id);
        continue;
      }
      this.place(this.locate(a.id), a.id, now);
    }
    if (i > 0 || deferred.length) this.queue = [...deferred, ...this.queue.slice(i)];
  }

  private underUndecidedEpisode(t: string): boolean {
    if (this.episodes.size === 0) return false;
    for (const d of this.topology.path(t)) if (this.episodes.has(d)) return true;
    return false;
  }

  /** The highest device whose station areas are dark enough, or null for the station area itself. */
  private locate(t: string): string | null {
    const since = this.areas.get(t)!.outSince;
    let best: string | null = null;
    for (const d of this.topology.path(t)) {
      const below = this.topology.transformersBelow(d);
      const kind = this.topology.kind(d);
      // A fault interrupts at a fuse, recloser or breaker; a switch cannot break fault current,
      // so an outage is never located at one unless it was reported open (DA).
      if (kind === 'switch') continue;
      const need = kind === 'breaker' || kind === 'recloser' ? this.o.rollupFractionReporting : this.o.rollupFraction;
      // A fuse is where protection operates even for a single station area below it.
      const minimum = kind === 'fuse' ? 1 : 2;
      if ((this.outBelow.get(d) ?? 0) < minimum) break; // cheap test first
      // Station areas dark for an older, separate reason neither count nor vote.
      let n = 0;
      let dark = 0;
      for (const x of below) {
        const root = this.rootOf(x);
        if (root && Math.abs(root.dto.startedAt - since) > RELATED_MS) continue;
        n++;
        if (this.areas.get(x)?.out) dark++;
      }
      if (n >= minimum && dark >= minimum && dark / n >= need) {
        // A device feeding exactly the same station areas as the one below it adds nothing:
        // the deeper one is where protection would have operated.
        if (best === null || below.length > this.topology.transformersBelow(best).length) best = d;
        else if (below.length === this.topology.transformersBelow(best).length) continue;
      } else break;
    }
    return best;
  }

  /** Opens (or moves an existing outage to) the located place. */
  private place(device: string | null, t: string, now: number): void {
    const a = this.areas.get(t)!;
    if (device === null) {
      const dto = this.newDto('transformer', t, a.outSince, now, a.concentratorOff !== null ? 'confirmed' : 'probable');
      const o = this.register(dto, [t], false, null);
      for (const [m, ts] of a.off) this.addEvidence(dto, { ts, device: m, kind: 'meter.power-off' });
      if (a.concentratorOff !== null) this.addEvidence(dto, { ts: a.concentratorOff, device: this.o.index.transformer.get(t)!.concentrator, kind: 'concentrator.power-off' });
      this.addEvidence(dto, {
        ts: now,
        device: t,
        kind: 'located',
        ...(a.concentratorOff !== null
          ? evidenceNote('located-concentrator', { area: t })
          : evidenceNote('located-meters', { area: t, meters: a.off.size })),
      });
      this.absorbCustomerSide(o);
      this.matchPlanned(o);
      this.touch(o);
      return;
    }
    const below = this.topology.transformersBelow(device);
    // Areas another outage already holds are not part of this one.
    const dark = below.filter((x) => this.areas.get(x)?.out && !this.coveredBy.has(x));
    const percent = Math.round(100 * (this.topology.kind(device) === 'breaker' || this.topology.kind(device) === 'recloser' ? this.o.rollupFractionReporting : this.o.rollupFraction));
    const note = evidenceNote('rollup', { device, dark: dark.length, total: below.length, percent });
    // The earliest loss, but not earlier than two minutes before the typical one: a single
    // concentrator with a skewed clock must not move the start (or make old outages look related).
    const times = dark.map((x) => this.areas.get(x)!.outSince).sort((x, y) => x - y);
    const typical = times[times.length >> 1]!;
    const since = times.find((x) => x >= typical - 2 * 60_000) ?? typical;
    this.openAtDevice(device, since, now, false, { ts: now, device, kind: 'rollup', ...note }, dark, typical);
  }

  /**
   * An outage at `device`: the earliest open outage below it (not located by DA) is moved there
   * and keeps its id; other outages below become nested in it.
   */
  private openAtDevice(device: string, since: number, now: number, da: boolean, evidence: OutageEvidence, reportedAreas: string[], typicalSince = since): OpenOutage {
    const inside = [...this.open.values()].filter((o) => o.dto.parentId === null && this.isInside(o, device));
    // Outages below that began around the same time are this event seen piecemeal; older ones
    // are separate interruptions whose customers were already dark, and they stay their own.
    // Protection gives the exact instant: nothing went dark because of it before it operated.
    // Judge by the typical evidence time, not the earliest: one skewed clock must not decide.
    const related = inside.filter((o) => {
      const t = typicalLoss(o.dto);
      return da ? t >= since - DA_SKEW_MS && t - since <= RELATED_MS : Math.abs(t - typicalSince) <= RELATED_MS;
    });
    const independent = inside.filter((o) => !related.includes(o));
    const movable = related.filter((o) => !o.daLocated || da).sort((x, y) => x.dto.startedAt - y.dto.startedAt);
    const taken = new Set<string>();
    for (const o of independent) for (const t of o.areas) if (!o.restored.has(t)) taken.add(t);
    const below = this.topology.transformersBelow(device).filter((t) => !taken.has(t));
    const customers = below.reduce((n, t) => n + this.topology.customersOf(t), 0);
    // Nothing left to interrupt: the event belongs to an outage already located here.
    const same = independent.find((o) => o.dto.device === device);
    if (below.length === 0 && same) {
      if (da && !same.daLocated) {
        same.daLocated = true;
        if (same.dto.status === 'probable') same.dto.status = 'confirmed';
      }
      this.addEvidence(same.dto, evidence);
      this.touch(same);
      return same;
    }
    let target: OpenOutage;
    const d = this.o.index.device.get(device)!;
    if (movable.length) {
      target = movable[0]!;
      for (const t of target.areas) this.coveredBy.delete(t);
      target.areas = new Set(below);
      target.meter = null;
      Object.assign(target.dto, {
        level: 'device', device, feeder: d.feeder, transformers: [...below], customers,
        startedAt: da ? since : Math.min(target.dto.startedAt, since), lon: d.lon, lat: d.lat,
      } satisfies Partial<OutageDto>);
      if (target.dto.status === 'customer-side') target.dto.status = 'probable';
    } else {
      const dto = this.newDto('device', device, since, now, da ? 'confirmed' : 'probable');
      Object.assign(dto, { transformers: [...below], customers });
      target = this.register(dto, below, da, null);
    }
    if (da) {
      target.daLocated = true;
      if (target.dto.status === 'probable') target.dto.status = 'confirmed';
    }
    for (const t of below) this.coveredBy.set(t, target.dto.id);
    for (const t of reportedAreas) if (!taken.has(t)) target.reported.add(t);
    for (const t of below) if (this.areas.get(t)?.out) target.reported.add(t);
    for (const o of related) {
      if (o === target) continue;
      o.dto.parentId = target.dto.id;
      this.addEvidence(o.dto, { ts: now, device, kind: 'nested', ...evidenceNote('nested-inside', { device }) });
      this.touch(o);
    }
    this.addEvidence(target.dto, evidence);
    this.faultSection(target);
    this.matchPlanned(target);
    this.touch(target);
    return target;
  }

  private isInside(o: OpenOutage, device: string): boolean {
    if (o.dto.level === 'device') return this.topology.isAtOrAbove(device, o.dto.device);
    if (o.dto.level === 'transformer') return this.topology.covers(device, o.dto.device);
    const t = this.o.index.meter.get(o.meter ?? '')?.transformer;
    return t !== undefined && this.topology.covers(device, t);
  }

  // ── customer-side ─────────────────────────────────────────────────────────────────────────

  /** Recent power-off and protection evidence per feeder, by device time. */
  private noteFeeder(feeder: string, device: string, ts: number): void {
    let list = this.feederEvents.get(feeder);
    if (!list) this.feederEvents.set(feeder, (list = []));
    list.push({ device, ts });
    const cut = ts - FEEDER_QUIET_MS * 2;
    while (list.length > 64 || (list.length && list[0]!.ts < cut)) list.shift();
  }

  /** Nothing else on the meter's feeder lost power or tripped around its loss (then it is not a momentary or a larger outage). */
  private aloneOnFeeder(meter: string, l: LoneMeter): boolean {
    const feeder = this.o.index.transformer.get(l.transformer)?.feeder;
    const list = feeder ? this.feederEvents.get(feeder) : undefined;
    return !list?.some((e) => e.device !== meter && Math.abs(e.ts - l.ts) <= FEEDER_QUIET_MS);
  }

  /** `readAt`: the readings that showed it; null: no restore for `customerSideEarlyMs`. */
  private customerSide(meter: string, l: LoneMeter, readAt: number | null): void {
    if (readAt !== null && l.ts > readAt - this.o.customerSideHoldMs) return;
    const a = this.areas.get(l.transformer);
    if (a?.out || this.coveredBy.has(l.transformer) || this.meterOutage.has(meter)) return;
    // Its station area was restored after this meter went off: it was part of that outage.
    if (readAt === null && a && a.lastRestoredAt >= l.ts) return;
    if ((this.deviceRestoredAt.get(meter) ?? -Infinity) >= l.ts) return;
    const now = this.o.now();
    const c = this.o.index.meter.get(meter)!;
    const t = this.o.index.transformer.get(l.transformer)!;
    const dto = this.newDto('meter', meter, l.ts, now, 'customer-side');
    Object.assign(dto, { feeder: t.feeder, transformers: [], customers: 1, lon: c.lon, lat: c.lat });
    this.addEvidence(dto, { ts: l.ts, device: meter, kind: 'meter.power-off' });
    const minutes = Math.round((now - l.seenAt) / 60_000);
    const note =
      readAt === null
        ? evidenceNote('customer-side-quiet', { meter, area: t.id, minutes })
        : evidenceNote('customer-side-readings', { meter, area: t.id });
    this.addEvidence(dto, { ts: readAt ?? now, device: t.id, kind: 'located', ...note });
    this.touch(this.register(dto, [], false, meter));
  }

  /** A customer-side outage whose station area turns out to be dark was part of the area's outage. */
  private absorbCustomerSide(into: OpenOutage): void {
    if (this.meterOutage.size === 0) return;
    for (const t of into.areas) {
      for (const c of this.o.index.customersOf.get(t) ?? []) {
        const o = this.open.get(this.meterOutage.get(c.meter) ?? '');
        if (!o) continue;
        o.dto.parentId = into.dto.id;
        this.addEvidence(o.dto, { ts: this.o.now(), device: t, kind: 'nested', ...evidenceNote('nested-dark', { area: t }) });
        this.closeOutage(o, Math.max(o.dto.startedAt, into.dto.startedAt));
      }
    }
  }

  // ── distribution automation ───────────────────────────────────────────────────────────────

  private decideEpisodes(now: number): void {
    for (const [device, ep] of this.episodes) {
      if (now - ep.receivedAt < this.o.daHoldMs) continue;
      this.episodes.delete(device);
      if (ep.opened) {
        // The outage is open already; a reclose that held after all ends it (momentary).
        const o = this.outageAt(device);
        if (o && ep.lastReclose !== null && ep.lastReclose >= ep.lastTrip) {
          this.addEvidence(o.dto, { ts: ep.lastReclose, device, kind: 'breaker.reclose', ...evidenceNote('reclosed-after-all', { device }) });
          this.closeOutage(o, ep.lastReclose);
        }
        continue;
      }
      if (ep.lastReclose !== null && ep.lastReclose >= ep.lastTrip) {
        this.momentary(device, ep, now);
        continue;
      }
      // No reclose and no lockout arrived. A sustained loss shows in the concentrators, which
      // report about 30 s after it; if they stayed quiet, the closing message was lost.
      const below = this.topology.transformersBelow(device);
      const dark = below.filter((t) => this.areas.get(t)?.concentratorOff !== null && this.areas.get(t)?.concentratorOff !== undefined).length;
      if (dark / Math.max(1, below.length) >= 0.3)
        this.daOpen(device, ep.firstTrip, {
          ts: ep.lastTrip,
          device,
          kind: 'breaker.trip',
          ...evidenceNote('tripped-confirmed', { device, dark, total: below.length }),
        });
      else this.momentary(device, { ...ep, lastReclose: ep.lastTrip }, now);
    }
  }

  private momentary(device: string, ep: Episode, now: number): void {
    const below = this.topology.transformersBelow(device);
    const from = ep.firstTrip - 60_000;
    const to = ep.lastReclose! + 60_000;
    // Station areas that went dark within the episode were this interruption, not outages.
    for (const t of below) {
      const a = this.areas.get(t);
      if (a?.out && a.outSince >= from && a.outSince <= to && !this.coveredBy.has(t)) this.areaRestored(a, ep.lastReclose!);
      if (a) a.lastRestoredAt = Math.max(a.lastRestoredAt, ep.lastReclose!);
      else this.area(t).lastRestoredAt = ep.lastReclose!;
    }
    for (const t of below) {
      const meters = this.lone.get(t);
      for (const [m, l] of meters ?? []) if (l.ts >= from && l.ts <= to) meters!.delete(m);
    }
    const dto = this.newDto('device', device, ep.firstTrip, now, 'momentary');
    dto.restoredAt = ep.lastReclose;
    dto.etr = null;
    this.addEvidence(dto, { ts: ep.firstTrip, device, kind: 'breaker.trip' });
    this.addEvidence(dto, { ts: ep.lastReclose!, device, kind: 'breaker.reclose', ...evidenceNote('momentary', { device }) });
    this.recentlyClosed.set(dto.id, dto);
    this.changed.set(dto.id, snapshotOf(dto));
  }

  private daOpen(device: string, since: number, evidence: OutageEvidence, reported: string[] = []): void {
    const now = this.o.now();
    const below = this.topology.transformersBelow(device);
    // Station areas already dark before protection operated lost power for another reason:
    // place them on their own now, before the device's outage takes the rest.
    for (const t of below) {
      const a = this.areas.get(t);
      if (a?.out && !this.coveredBy.has(t) && a.outSince < since - DA_SKEW_MS) this.place(this.locate(t), t, now);
    }
    for (const t of below) {
      const a = this.area(t);
      if (!a.out) this.markOut(a, since, now);
    }
    this.openAtDevice(device, since, now, true, evidence, reported);
  }

  /** A station area below a pending close got power back: the close worked. */
  private confirmCloses(t: string, at: number): void {
    if (this.pendingCloses.size === 0) return;
    for (const [device, c] of this.pendingCloses) {
      if (at < c.ts - DA_SKEW_MS || !this.topology.covers(device, t)) continue;
      const isolated = [...this.openSwitches].some((sw) => this.topology.isAtOrAbove(device, sw) && this.topology.covers(sw, t));
      if (isolated) continue;
      this.pendingCloses.delete(device);
      this.daClose(device, c.ts, `${c.kind}, confirmed by ${t}`, t);
    }
  }

  /** Areas under the protection upstream of a pending close went dark after it: it closed onto a fault. */
  private contradictCloses(t: string, ts: number): void {
    if (this.pendingCloses.size === 0) return;
    for (const [device, c] of this.pendingCloses) {
      if (ts < c.ts - DA_SKEW_MS) continue;
      const guard = this.protectionAbove(device);
      if (guard && this.topology.covers(guard, t)) this.pendingCloses.delete(device);
    }
  }

  /** The nearest fuse, recloser or breaker at or above a device. */
  private protectionAbove(device: string): string | null {
    for (let d: string | null = device; d; d = this.topology.parent(d)) if (this.topology.kind(d) !== 'switch') return d;
    return null;
  }

  /** `confirmedBy`: the station area whose power showed the close worked ('' when taken as restored without). */
  private daClose(device: string, ts: number, kind: string, confirmedBy: string): void {
    const o = this.outageAt(device) ?? this.rootCovering(device);
    if (!o) return;
    const isolated = [...this.openSwitches].filter((s) => s !== device && this.topology.isAtOrAbove(device, s));
    const back = this.topology
      .transformersBelow(device)
      .filter((t) => o.areas.has(t) && !isolated.some((s) => this.topology.covers(s, t)));
    this.addEvidence(o.dto, {
      ts,
      device,
      kind,
      ...(isolated.length ? evidenceNote('closed-isolating', { device, open: isolated.join(','), confirmedBy }) : evidenceNote('closed', { device, confirmedBy })),
    });
    for (const t of back) {
      const a = this.areas.get(t);
      if (a?.out) this.markLive(a, ts);
    }
    this.restoreAreas(o, back, ts, true);
  }

  private refreshFaultSections(): void {
    for (const o of this.open.values()) if (o.daLocated && o.dto.level === 'device') this.faultSection(o);
  }

  /** Between the deepest indicator below the device that saw fault current and those below it that did not. */
  private faultSection(o: OpenOutage): void {
    if (o.dto.level !== 'device') return;
    const head = o.dto.device;
    const window = o.dto.startedAt - 5 * 60_000;
    const saw = [...this.fci].filter(([d, ts]) => ts >= window && this.topology.isAtOrAbove(head, d)).map(([d]) => d);
    let section = head;
    for (const d of saw) if (this.topology.isAtOrAbove(section, d)) section = d;
    if (section === o.dto.faultSection || (section === head && o.dto.faultSection === null && saw.length === 0)) return;
    o.dto.faultSection = section;
    const quiet = this.o.index.network.devices.filter((d) => d.fci && d.parent === section).map((d) => d.id);
    this.addEvidence(o.dto, {
      ts: this.fci.get(section) ?? o.dto.startedAt,
      device: section,
      kind: 'fci.fault',
      ...(section === head
        ? evidenceNote('fci-first-section', { device: head })
        : evidenceNote('fci-section', { device: section, quiet: quiet.join(',') })),
    });
    this.touch(o);
  }

  // ── restoration ───────────────────────────────────────────────────────────────────────────

  private restoreAreas(o: OpenOutage, areas: readonly string[], at: number, authoritative = false): void {
    let customers = 0;
    for (const t of areas) {
      if (!o.areas.has(t) || o.restored.has(t)) continue;
      o.restored.set(t, at);
      o.dto.restored.push(t);
      // A restored area can go dark again: that is a new outage, not this one.
      if (this.coveredBy.get(t) === o.dto.id) this.coveredBy.delete(t);
      customers += this.topology.customersOf(t);
    }
    // Station areas that never reported follow their reporting neighbours.
    const waiting = [...o.reported].filter((t) => !o.restored.has(t));
    const done = authoritative ? [...o.areas].every((t) => o.restored.has(t)) : waiting.length === 0;
    if (done) {
      this.closeOutage(o, at);
      return;
    }
    if (customers > 0) {
      const last = o.dto.steps[o.dto.steps.length - 1];
      if (last && at - last.at < 60_000) last.customers += customers;
      else o.dto.steps.push({ at, customers });
    }
    if (o.dto.status !== 'restoring' && o.dto.status !== 'planned') o.dto.status = 'restoring';
    this.nestRemaining(o, at);
    // Nested outages whose own station areas are all back are done.
    for (const child of this.open.values()) {
      if (child.dto.parentId === o.dto.id && child.areas.size > 0 && [...child.areas].every((t) => o.restored.has(t))) this.closeOutage(child, at);
    }
    this.touch(o);
  }

  /** After a partial restoration: if what is still dark is exactly what one device feeds, track it there. */
  private nestRemaining(o: OpenOutage, at: number): void {
    const remaining = [...o.areas].filter((t) => !o.restored.has(t));
    if (remaining.length === 0 || o.dto.level === 'meter') return;
    const first = remaining[0]!;
    let device: string | null = null;
    // Prefer the switch a crew opened to isolate exactly this part.
    for (const sw of this.openSwitches) {
      const below = this.topology.transformersBelow(sw);
      if (below.length === remaining.length && remaining.every((t) => this.topology.covers(sw, t))) device = sw;
    }
    for (const d of device ? [] : this.topology.path(first)) {
      if (o.dto.level === 'device' && d === o.dto.device) break;
      const below = this.topology.transformersBelow(d);
      if (below.length === remaining.length && remaining.every((t) => this.topology.covers(d, t))) {
        device = d;
        break;
      }
      if (below.length > remaining.length) break;
    }
    const place = device ?? (remaining.length === 1 ? first : null);
    if (!place) return;
    const existing = [...this.open.values()].some((c) => c.dto.parentId === o.dto.id && c.dto.device === place);
    if (existing) return;
    const level = device ? 'device' : 'transformer';
    const dto = this.newDto(level, place, o.dto.startedAt, this.o.now(), 'confirmed');
    dto.parentId = o.dto.id;
    dto.faultSection = o.dto.faultSection;
    this.addEvidence(dto, { ts: at, device: place, kind: 'nested', ...evidenceNote('still-dark', { outage: o.dto.id }) });
    const child = this.register(dto, remaining, o.daLocated, null);
    for (const t of remaining) this.coveredBy.set(t, o.dto.id);
    this.touch(child);
  }

  private closeOutage(o: OpenOutage, restoredAt: number): void {
    const dto = o.dto;
    if (!this.open.has(dto.id)) return;
    dto.restoredAt = Math.max(restoredAt, dto.startedAt);
    dto.etr = null;
    if (dto.status !== 'planned' && dto.status !== 'customer-side') {
      dto.status = dto.restoredAt - dto.startedAt < this.o.momentaryMs ? 'momentary' : 'restored';
    }
    this.open.delete(dto.id);
    for (const t of o.areas) {
      if (this.coveredBy.get(t) === dto.id) this.coveredBy.delete(t);
      const a = this.areas.get(t);
      if (a) {
        a.lastRestoredAt = Math.max(a.lastRestoredAt, dto.restoredAt);
        if (a.out && dto.parentId === null) this.areaRestored(a, dto.restoredAt);
      }
    }
    if (o.meter) {
      this.deviceRestoredAt.set(o.meter, Math.max(this.deviceRestoredAt.get(o.meter) ?? -Infinity, dto.restoredAt));
      this.meterOutage.delete(o.meter);
    }
    if (o.dto.level === 'device') this.deviceRestoredAt.set(o.dto.device, dto.restoredAt);
    for (const child of [...this.open.values()]) if (child.dto.parentId === dto.id) this.closeOutage(child, dto.restoredAt);
    this.recentlyClosed.set(dto.id, dto);
    this.learn(dto);
    this.changed.set(dto.id, snapshotOf(dto));
  }

  // ── planned and restoration estimates ─────────────────────────────────────────────────────

  private matchPlanned(o: OpenOutage): void {
    if (o.dto.status === 'customer-side' || this.planned.size === 0) return;
    for (const w of this.planned.values()) {
      const sameDevice =
        w.device === o.dto.device ||
        (o.dto.level === 'device' && this.o.index.device.has(w.device) && this.topology.isAtOrAbove(w.device, o.dto.device)) ||
        (o.dto.level === 'transformer' && (this.o.index.device.has(w.device) ? this.topology.covers(w.device, o.dto.device) : false)) ||
        (this.o.index.transformer.has(w.device) && o.areas.has(w.device) && o.areas.size === 1);
      if (!sameDevice) continue;
      if (o.dto.startedAt < w.startsAt - 30 * 60_000 || o.dto.startedAt > w.endsAt) continue;
      if (o.dto.status !== 'planned') {
        o.dto.status = 'planned';
        o.dto.etr = w.endsAt;
        this.addEvidence(o.dto, {
          ts: o.dto.startedAt,
          device: w.device,
          kind: 'planned',
          ...evidenceNote('planned-match', { plan: w.id, startsAt: w.startsAt, endsAt: w.endsAt }),
        });
        this.touch(o);
      }
      return;
    }
  }

  private refreshEtr(now: number): void {
    for (const o of this.open.values()) {
      if (o.dto.status === 'planned') continue;
      const etr = this.o.etr.etr({ kind: this.etrKind(o.dto), zone: this.zoneOf(o.dto), startedAt: o.dto.startedAt }, now);
      // Re-announce only when the estimate moves by more than five minutes.
      if (o.dto.etr === null || Math.abs(etr - o.dto.etr) > 5 * 60_000) {
        o.dto.etr = etr;
        this.touch(o);
      }
    }
  }

  private etrKind(dto: OutageDto): EtrKind {
    if (dto.status === 'customer-side' || dto.level === 'meter') return 'customer-side';
    if (dto.status === 'planned') return 'planned';
    if (dto.level === 'transformer') return 'transformer';
    return this.topology.kind(dto.device) ?? 'switch';
  }

  private zoneOf(dto: OutageDto): Zone {
    const t = dto.transformers[0] ?? this.o.index.meter.get(dto.device)?.transformer;
    return (t && this.o.index.transformer.get(t)?.zone) || 'urban';
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────────

  private newDto(level: OutageDto['level'], device: string, startedAt: number, now: number, status: OutageDto['status']): OutageDto {
    const idx = this.o.index;
    const t = idx.transformer.get(device);
    const d = idx.device.get(device);
    const c = idx.meter.get(device);
    const transformers = t ? [device] : d ? [...this.topology.transformersBelow(device)] : [];
    const dto: OutageDto = {
      id: `OUT-${device}-${startedAt}`,
      status,
      level,
      device,
      feeder: t?.feeder ?? d?.feeder ?? idx.transformer.get(c?.transformer ?? '')?.feeder ?? '',
      transformers,
      customers: t ? this.topology.customersOf(device) : d ? this.topology.customersBelow(device) : 1,
      startedAt,
      detectedAt: now,
      restoredAt: null,
      lon: t?.lon ?? d?.lon ?? c?.lon ?? 0,
      lat: t?.lat ?? d?.lat ?? c?.lat ?? 0,
      evidence: [],
      parentId: null,
      etr: null,
      faultSection: null,
      steps: [],
      restored: [],
    };
    if (this.open.has(dto.id) || this.recentlyClosed.has(dto.id)) dto.id = `${dto.id}-${++this.seq}`;
    if (status !== 'momentary') dto.etr = this.o.etr.etr({ kind: this.etrKind(dto), zone: this.zoneOf(dto), startedAt }, now);
    return dto;
  }

  private register(dto: OutageDto, areas: readonly string[], da: boolean, meter: string | null): OpenOutage {
    const o: OpenOutage = { dto, areas: new Set(areas), reported: new Set(), restored: new Map(), daLocated: da, meter };
    for (const t of areas) {
      if (this.areas.get(t)?.out) o.reported.add(t);
      if (dto.parentId === null) this.coveredBy.set(t, dto.id);
    }
    this.open.set(dto.id, o);
    if (meter) this.meterOutage.set(meter, dto.id);
    return o;
  }

  private rootOf(t: string): OpenOutage | undefined {
    const id = this.coveredBy.get(t);
    return id ? this.open.get(id) : undefined;
  }

  private outageAt(device: string): OpenOutage | undefined {
    for (const o of this.open.values()) if (o.dto.device === device && o.dto.parentId === null) return o;
    return undefined;
  }

  /** The root outage whose located device is at or above `device`. */
  private rootCovering(device: string): OpenOutage | undefined {
    for (const o of this.open.values()) {
      if (o.dto.parentId !== null || o.dto.level !== 'device') continue;
      if (this.topology.isAtOrAbove(o.dto.device, device)) return o;
    }
    return undefined;
  }

  /** Rebuilds an open outage read back from the database after a restart. */
  private resume(dto: OutageDto): void {
    if (dto.restoredAt !== null) return;
    const copy = snapshotOf(dto);
    const o: OpenOutage = {
      dto: copy,
      areas: new Set(copy.transformers),
      reported: new Set(),
      restored: new Map(copy.restored.map((t) => [t, copy.startedAt])),
      daLocated: copy.evidence.some((e) => e.kind === 'breaker.lockout' || e.kind === 'switch.open' || e.kind === 'breaker.trip'),
      meter: copy.level === 'meter' ? copy.device : null,
    };
    this.open.set(copy.id, o);
    if (o.meter) this.meterOutage.set(o.meter, copy.id);
    const now = this.o.now();
    for (const e of copy.evidence) {
      const t = this.o.index.meter.get(e.device)?.transformer ?? this.o.index.concentrator.get(e.device);
      if (!t || !o.areas.has(t)) continue;
      if (e.kind === 'concentrator.power-off') this.area(t).concentratorOff = e.ts;
      if (e.kind === 'meter.power-off') this.area(t).off.set(e.device, e.ts);
    }
    // Every station area not yet restored is still dark; evidence lists are cut short, so do not
    // rely on them to know which areas reported.
    for (const t of o.areas) {
      if (o.restored.has(t)) continue;
      const a = this.area(t);
      if (copy.parentId === null) this.coveredBy.set(t, copy.id);
      if (!a.out) this.markOut(a, copy.startedAt, now);
      o.reported.add(t);
    }
  }

  private addEvidence(dto: OutageDto, e: OutageEvidence): void {
    // Keep the first evidence (why it opened) and the newest; drop from the middle when too long.
    if (dto.evidence.length >= this.o.maxEvidence) dto.evidence.splice(Math.floor(this.o.maxEvidence / 3), 1);
    dto.evidence.push(e);
  }

  private touch(o: OpenOutage): void {
    this.changed.set(o.dto.id, snapshotOf(o.dto));
  }
}

/** Median instant of an outage's power-off evidence (its start when it has none). */
function typicalLoss(dto: OutageDto): number {
  const ts = dto.evidence.filter((e) => e.kind.endsWith('power-off') || e.kind === 'breaker.trip' || e.kind === 'breaker.lockout').map((e) => e.ts).sort((a, b) => a - b);
  return ts.length ? ts[Math.floor(ts.length / 2)]! : dto.startedAt;
}

function snapshotOf(dto: OutageDto): OutageDto {
  return { ...dto, transformers: [...dto.transformers], evidence: [...dto.evidence], steps: dto.steps.map((s) => ({ ...s })), restored: [...dto.restored] };
}
