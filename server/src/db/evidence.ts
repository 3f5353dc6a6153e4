// The power and DA events taken recently, read back for an engine rebuilt after a restart or a
// failover (see outage/replay.ts): what the previous process had taken and not yet acted on.
import type { FaultKind, NetworkIndex } from '@gridwatch/shared';
import type { StoredFaultEvent, StoredPowerEvent } from '../outage/replay.ts';
import type { Pool } from './pool.ts';

/** Beyond this many rows a replay is cut (a storm's worth is far below); the caller logs it. */
export const REPLAY_MAX_ROWS = 500_000;
// received_at has no index; the device time bounds the scan to recent chunks (evidence delivered
// more than this late and still pending at a restart is not replayed).
const LATE_DELIVERY_MS = 3_600_000;

export async function recentEvidence(pool: Pool, index: NetworkIndex, since: number): Promise<{ power: StoredPowerEvent[]; faults: StoredFaultEvent[]; truncated: boolean }> {
  const args = [new Date(since).toISOString(), new Date(since - LATE_DELIVERY_MS).toISOString(), REPLAY_MAX_ROWS];
  const power = await pool.query<{ device: string; transformer: string; kind: 'power-off' | 'power-restored'; ts: number; received_at: number }>(
    `SELECT device, transformer, kind, ts, received_at FROM meter_events
     WHERE kind IN ('power-off', 'power-restored') AND received_at >= $1 AND ts >= $2 ORDER BY received_at, ts LIMIT $3`,
    args,
  );
  const faults = await pool.query<{ device: string; kind: FaultKind; feeder: string; ts: number; received_at: number }>(
    `SELECT device, kind, feeder, ts, received_at FROM fault_events WHERE received_at >= $1 AND ts >= $2 ORDER BY received_at, ts LIMIT $3`,
    args,
  );
  return {
    power: power.rows.map((r) => ({ device: r.device, transformer: r.transformer, concentrator: !index.meter.has(r.device), kind: r.kind, ts: r.ts, receivedAt: r.received_at })),
    faults: faults.rows.map((r) => ({ device: r.device, kind: r.kind, feeder: r.feeder, ts: r.ts, receivedAt: r.received_at })),
    truncated: power.rows.length === REPLAY_MAX_ROWS || faults.rows.length === REPLAY_MAX_ROWS,
  };
}
