// Evidence to replay into an engine rebuilt after a restart or a failover. The engine is rebuilt
// from the stored outages, but what it had taken and not yet acted on lived only in memory: a
// station area dark and waiting for its hold (35 s by default), a breaker trip waiting for its
// lockout or reclose, a close waiting for power below it. The messages that carried that evidence
// were acknowledged once their rows were committed, so the broker does not send them again; the
// rows are read back and replayed instead. Pure: the caller loads the rows.
//
// Only what no stored outage accounts for is replayed, so a replay never re-opens an outage that
// was restored, nor adds evidence twice to one that is open:
// - a power-off counts as accounted for when a stored outage (open, or restored since) covers its
//   station area or meter at its time; the rest is replayed per station area, and only where it
//   darkens the area by itself (the concentrator, or enough meters): a lone meter's last gasp
//   waits for readings, which a replay cannot repeat, and would otherwise risk a false
//   customer-side outage;
// - the power-restored events of the station areas replayed, in order, so what came back before
//   the restart is back again;
// - DA events no stored outage on the feeder accounts for, and every close on a feeder with an
//   open outage (a close counts only once power below confirms it).
import type { NetworkIndex, OutageDto } from '@gridwatch/shared';
import type { FaultEvent, PowerEvent } from './engine.ts';

/** How far back evidence may still be pending: covers the holds and the 5-minute meter window with room for a slow restart. */
export const REPLAY_WINDOW_MS = 15 * 60_000;
const METER_WINDOW_MS = 5 * 60_000;

export interface StoredPowerEvent extends PowerEvent { receivedAt: number }
export interface StoredFaultEvent extends FaultEvent { feeder: string; receivedAt: number }
export type Replay = { power: PowerEvent } | { fault: FaultEvent };

export interface ReplayInput {
  index: NetworkIndex;
  /** OUTAGE_MIN_METERS */
  minMeters: number;
  daHoldMs: number;
  /** Open outages and those restored recently, as stored. */
  outages: readonly OutageDto[];
  power: readonly StoredPowerEvent[];
  faults: readonly StoredFaultEvent[];
}

const covers = (o: OutageDto, ts: number, slackMs: number) => ts >= o.startedAt - slackMs && (o.restoredAt === null || ts <= o.restoredAt);

export function pendingEvidence(input: ReplayInput): Replay[] {
  const { index } = input;
  const byArea = new Map<string, OutageDto[]>();
  const byFeeder = new Map<string, OutageDto[]>();
  const byMeter = new Map<string, OutageDto[]>();
  const add = (map: Map<string, OutageDto[]>, key: string, o: OutageDto) => {
    const list = map.get(key);
    if (list) list.push(o);
    else map.set(key, [o]);
  };
  for (const o of input.outages) {
    for (const t of o.transformers) add(byArea, t, o);
    if (o.level === 'meter') add(byMeter, o.device, o);
    add(byFeeder, o.feeder, o);
  }

  // Power-offs nobody accounts for, per station area; kept where they darken the area by themselves.
  const offs = new Map<string, { concentrator: boolean; meters: Set<string> }>();
  for (const ev of input.power) {
    if (ev.kind !== 'power-off') continue;
    const accounted = [...(byArea.get(ev.transformer) ?? []), ...(byMeter.get(ev.device) ?? [])].some((o) => covers(o, ev.ts, METER_WINDOW_MS));
    if (accounted) continue;
    let area = offs.get(ev.transformer);
    if (!area) offs.set(ev.transformer, (area = { concentrator: false, meters: new Set() }));
    if (ev.concentrator) area.concentrator = true;
    else area.meters.add(ev.device);
  }
  const replayed = new Set<string>();
  for (const [t, area] of offs) {
    // As the engine decides: one meter alone cannot tell its area from its own installation.
    const needed = Math.max(2, Math.min(input.minMeters, index.customersOf.get(t)?.length ?? input.minMeters));
    if (area.concentrator || area.meters.size >= needed) replayed.add(t);
  }

  const out: { at: number; ts: number; item: Replay }[] = [];
  for (const ev of input.power) {
    if (!replayed.has(ev.transformer)) continue;
    const { receivedAt, ...power } = ev;
    out.push({ at: receivedAt, ts: ev.ts, item: { power } });
  }
  for (const ev of input.faults) {
    const onFeeder = byFeeder.get(ev.feeder) ?? [];
    const close = ev.kind === 'switch.close' || ev.kind === 'breaker.reclose';
    const pendingClose = close && onFeeder.some((o) => o.restoredAt === null);
    if (!pendingClose && onFeeder.some((o) => covers(o, ev.ts, input.daHoldMs + 60_000))) continue;
    out.push({ at: ev.receivedAt, ts: ev.ts, item: { fault: { device: ev.device, kind: ev.kind, ts: ev.ts } } });
  }
  // In the order they were taken.
  return out.sort((a, b) => a.at - b.at || a.ts - b.ts).map((x) => x.item);
}
