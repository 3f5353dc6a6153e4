// Applies the ordered SQL files in sql/ once each, under an advisory lock so that several
// server instances starting together do not race. Files are written to be re-runnable
// (IF NOT EXISTS everywhere); a changed checksum of an applied file is an error, since landed
// migrations are never edited.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import { REPO_ROOT } from '../config.ts';

export const SQL_DIR = path.join(REPO_ROOT, 'sql');
const LOCK_KEY = 0x67726964; // "grid"

export interface MigrationResult {
  applied: string[];
  timescaledb: string | null;
}

export async function migrate(pool: Pool, log: (msg: string) => void = () => {}, dir = SQL_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
    if (available.rowCount) await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    const ext = await client.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`);
    const timescaledb = ext.rows[0]?.extversion ?? null;

    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map(
      (await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).rows.map((r) => [r.name, r.checksum]),
    );
    for (const file of files) {
      const sql = await readFile(path.join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex').slice(0, 16);
      const previous = done.get(file);
      if (previous === checksum) continue;
      if (previous) throw new Error(`migration ${file} was changed after it was applied (checksum ${previous} → ${checksum}); add a new file instead`);
      const inTransaction = !sql.includes('gridwatch:no-transaction');
      try {
        if (inTransaction) await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file, checksum]);
        if (inTransaction) await client.query('COMMIT');
      } catch (err) {
        if (inTransaction) await client.query('ROLLBACK').catch(() => {});
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
      log(`migration applied: ${file}`);
    }
    return { applied, timescaledb };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
}
