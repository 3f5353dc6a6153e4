// The audit log (sql/013): rows are written in batches by the app's audit writer and read by
// managers through GET /api/audit.
import type { AuditEntry } from '@gridwatch/shared';
import { transaction, type Pool } from './pool.ts';

/** An entry as written: the shared AuditEntry before the database gives it an id, at in epoch ms. */
export type AuditRow = Omit<AuditEntry, 'id' | 'at'> & { at: number };

export type { AuditEntry };

export async function insertAudit(pool: Pool, rows: readonly AuditRow[]): Promise<number> {
  if (!rows.length) return 0;
  const r = await pool.query(
    `INSERT INTO audit_log (at, actor, role, action, target, status, ip, detail)
     SELECT to_timestamp(a / 1000.0), b, c, d, e, f, g, h::jsonb
     FROM unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[]) AS x(a, b, c, d, e, f, g, h)`,
    [
      rows.map((r) => r.at),
      rows.map((r) => r.actor),
      rows.map((r) => r.role),
      rows.map((r) => r.action),
      rows.map((r) => r.target),
      rows.map((r) => r.status),
      rows.map((r) => r.ip),
      rows.map((r) => (r.detail === undefined ? null : JSON.stringify(r.detail))),
    ],
  );
  return r.rowCount ?? rows.length;
}

export interface AuditQuery {
  actor?: string;
  from?: number;
  to?: number;
  limit: number;
}

export async function listAudit(pool: Pool, q: AuditQuery): Promise<AuditEntry[]> {
  const r = await pool.query<AuditEntry>(
    `SELECT id::int AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, role, action, target, status, ip, detail
     FROM audit_log
     WHERE ($1::text IS NULL OR actor = $1) AND ($2::float8 IS NULL OR at >= to_timestamp($2 / 1000.0)) AND ($3::float8 IS NULL OR at < to_timestamp($3 / 1000.0))
     ORDER BY at DESC, id DESC LIMIT $4`,
    [q.actor ?? null, q.from ?? null, q.to ?? null, q.limit],
  );
  return r.rows;
}

/** Deletes audit rows older than `before` (epoch ms), the only delete the table's trigger allows. */
export async function pruneAudit(pool: Pool, before: number): Promise<number> {
  return transaction(pool, async (client) => {
    await client.query(`SELECT set_config('gridwatch.audit_prune', 'on', true)`);
    const r = await client.query('DELETE FROM audit_log WHERE at < to_timestamp($1 / 1000.0)', [before]);
    return r.rowCount ?? 0;
  });
}
