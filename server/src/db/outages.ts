// Outage persistence: the engine's state changes are upserted by id; open outages are read back
// at start so a restarted server continues with the same outages.
import type { OutageDto, OutageStatus } from '@gridwatch/shared';
import type { Pool } from './pool.ts';

const COLUMNS = 'id, status, level, device, feeder, transformers, customers, started_at, detected_at, restored_at, lon, lat, evidence, parent_id, etr, fault_section, steps, restored';

interface OutageRow {
  id: string; status: OutageStatus; level: OutageDto['level']; device: string; feeder: string; transformers: string[];
  customers: number; started_at: number; detected_at: number; restored_at: number | null; lon: number; lat: number;
  evidence: OutageDto['evidence']; parent_id: string | null; etr: number | null; fault_section: string | null;
  steps: OutageDto['steps']; restored: string[];
}

const toDto = (r: OutageRow): OutageDto => ({
  id: r.id, status: r.status, level: r.level, device: r.device, feeder: r.feeder, transformers: r.transformers,
  customers: r.customers, startedAt: r.started_at, detectedAt: r.detected_at, restoredAt: r.restored_at,
  lon: r.lon, lat: r.lat, evidence: r.evidence, parentId: r.parent_id, etr: r.etr, faultSection: r.fault_section,
  steps: r.steps, restored: r.restored,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function upsertOutages(pool: Pool, outages: readonly OutageDto[]): Promise<void> {
  if (outages.length === 0) return;
  await pool.query(
    `INSERT INTO outages (${COLUMNS}, updated_at)
     SELECT id, status, level, device, feeder, string_to_array(tf, ','), customers, started_at, detected_at, restored_at, lon, lat, evidence::jsonb,
            parent_id, etr, fault_section, steps::jsonb, string_to_array(rs, ','), now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int4[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::float8[], $12::float8[], $13::text[],
                 $14::text[], $15::timestamptz[], $16::text[], $17::text[], $18::text[])
       AS t(id, status, level, device, feeder, tf, customers, started_at, detected_at, restored_at, lon, lat, evidence, parent_id, etr, fault_section, steps, rs)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, level = EXCLUDED.level, device = EXCLUDED.device,
       feeder = EXCLUDED.feeder, transformers = EXCLUDED.transformers, customers = EXCLUDED.customers,
       started_at = EXCLUDED.started_at, restored_at = EXCLUDED.restored_at, lon = EXCLUDED.lon, lat = EXCLUDED.lat,
       evidence = EXCLUDED.evidence, parent_id = EXCLUDED.parent_id, etr = EXCLUDED.etr, fault_section = EXCLUDED.fault_section,
       steps = EXCLUDED.steps, restored = EXCLUDED.restored, updated_at = now()`,
    [
      outages.map((o) => o.id), outages.map((o) => o.status), outages.map((o) => o.level), outages.map((o) => o.device),
      outages.map((o) => o.feeder), outages.map((o) => o.transformers.join(',')), outages.map((o) => o.customers),
      outages.map((o) => iso(o.startedAt)), outages.map((o) => iso(o.detectedAt)), outages.map((o) => iso(o.restoredAt)),
      outages.map((o) => o.lon), outages.map((o) => o.lat), outages.map((o) => JSON.stringify(o.evidence)),
      outages.map((o) => o.parentId), outages.map((o) => iso(o.etr)), outages.map((o) => o.faultSection),
      outages.map((o) => JSON.stringify(o.steps)), outages.map((o) => o.restored.join(',')),
    ],
  );
}

export async function loadOpenOutages(pool: Pool): Promise<OutageDto[]> {
  const r = await pool.query<OutageRow>(`SELECT ${COLUMNS} FROM outages WHERE restored_at IS NULL ORDER BY started_at`);
  return r.rows.map(toDto);
}

export type OutageFilter = 'active' | 'restored' | 'all';

/** Restored root outages since `since` (for the restoration-time model and reliability indices). */
export async function loadRestoredOutages(pool: Pool, since: number, limit = 50_000): Promise<OutageDto[]> {
  const r = await pool.query<OutageRow>(
    `SELECT ${COLUMNS} FROM outages WHERE restored_at IS NOT NULL AND restored_at >= $1 AND parent_id IS NULL ORDER BY restored_at DESC LIMIT $2`,
    [new Date(since).toISOString(), limit],
  );
  return r.rows.map(toDto);
}

/** Root outages that started in [from, to) or were still open then (reliability indices). */
export async function loadOutagesBetween(pool: Pool, from: number, to: number): Promise<OutageDto[]> {
  const r = await pool.query<OutageRow>(
    `SELECT ${COLUMNS} FROM outages
     WHERE parent_id IS NULL AND started_at < $2 AND (restored_at IS NULL OR restored_at >= $1 OR started_at >= $1)
     ORDER BY started_at`,
    [new Date(from).toISOString(), new Date(to).toISOString()],
  );
  return r.rows.map(toDto);
}

/** Outages, root and nested, open at some point of [from, to) (the handover summary). */
export async function loadOutagesOverlapping(pool: Pool, from: number, to: number): Promise<OutageDto[]> {
  const r = await pool.query<OutageRow>(
    `SELECT ${COLUMNS} FROM outages WHERE started_at < $2 AND (restored_at IS NULL OR restored_at >= $1) ORDER BY started_at`,
    [new Date(from).toISOString(), new Date(to).toISOString()],
  );
  return r.rows.map(toDto);
}

export async function getOutagesByIds(pool: Pool, ids: readonly string[]): Promise<OutageDto[]> {
  if (ids.length === 0) return [];
  const r = await pool.query<OutageRow>(`SELECT ${COLUMNS} FROM outages WHERE id = ANY($1::text[])`, [ids]);
  return r.rows.map(toDto);
}

export async function getOutage(pool: Pool, id: string): Promise<OutageDto | null> {
  const r = await pool.query<OutageRow>(`SELECT ${COLUMNS} FROM outages WHERE id = $1`, [id]);
  return r.rows[0] ? toDto(r.rows[0]) : null;
}

export async function listOutages(pool: Pool, filter: OutageFilter, limit: number): Promise<OutageDto[]> {
  const where = filter === 'active' ? 'WHERE restored_at IS NULL' : filter === 'restored' ? 'WHERE restored_at IS NOT NULL' : '';
  const r = await pool.query<OutageRow>(`SELECT ${COLUMNS} FROM outages ${where} ORDER BY started_at DESC LIMIT $1`, [limit]);
  return r.rows.map(toDto);
}
