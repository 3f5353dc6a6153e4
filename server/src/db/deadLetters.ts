// Dead-letter retention: a periodic job that deletes dead letters older than
// DEAD_LETTER_RETENTION_DAYS and beyond the newest DEAD_LETTER_MAX_ROWS, in batches, through
// prune_dead_letters (sql/012). Storage for refused input stays bounded whatever is sent.
import { startPeriodic, type Periodic } from '../periodic.ts';
import type { Pool } from './pool.ts';

export interface DeadLetterRetention {
  retentionDays: number;
  /** 0: no row cap. */
  maxRows: number;
}

const DAY = 86_400_000;

/** Deletes what the retention says is too old or too many, batch by batch; returns how many rows. */
export async function pruneDeadLetters(pool: Pool, now: number, retention: DeadLetterRetention, batch = 10_000): Promise<number> {
  const olderThan = new Date(now - retention.retentionDays * DAY).toISOString();
  const keep = retention.maxRows > 0 ? retention.maxRows : null;
  let total = 0;
  for (;;) {
    const r = await pool.query<{ n: number }>('SELECT prune_dead_letters($1, $2, $3) AS n', [olderThan, keep, batch]);
    const n = Number(r.rows[0]?.n ?? 0);
    total += n;
    if (n < batch) return total;
  }
}

export interface DeadLetterPrunerOptions extends DeadLetterRetention {
  pool: Pool;
  now: () => number;
  log: { info(msg: string): void; warn(msg: string): void };
  /** First run after this long (the server has just started), then every `everyMs`. */
  firstAfterMs?: number;
  everyMs?: number;
}

export type DeadLetterPruner = Periodic<number>;

export function startDeadLetterPruner(o: DeadLetterPrunerOptions): DeadLetterPruner {
  const prune = () =>
    pruneDeadLetters(o.pool, o.now(), o)
      .then((n) => {
        if (n > 0) o.log.info(`dead letters: deleted ${n} older than ${o.retentionDays} days${o.maxRows > 0 ? ` or beyond the newest ${o.maxRows}` : ''}`);
        return n;
      })
      .catch((err: Error) => {
        // The next run tries again; a failed prune costs disk, not data.
        o.log.warn(`dead-letter retention failed: ${err.message}`);
        return 0;
      });
  return startPeriodic(prune, o.firstAfterMs ?? 60_000, o.everyMs ?? 3_600_000);
}
