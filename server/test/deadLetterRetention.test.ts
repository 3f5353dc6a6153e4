// Dead-letter retention (sql/012, server/src/db/deadLetters.ts): storage for refused input stays
// bounded by age and by row count, whatever is sent. Clock injected; PGlite, or TimescaleDB in the
// integration suite.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneDeadLetters, startDeadLetterPruner } from '../src/db/deadLetters.ts';
import { SQL_DIR } from '../src/db/migrate.ts';
import { insertDeadLetters, type DeadLetterRow } from '../src/db/telemetry.ts';
import { eventually, migratedDatabase } from './helpers.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-27T12:00:00Z');

describe('dead-letter retention', () => {
  const { pool } = migratedDatabase();
  const row = (receivedAt: number, n: number): DeadLetterRow => ({ receivedAt, source: 'mqtt', topic: 'gw/v1/x', reason: `json: test ${n}`, payload: 'x', payloadBytes: 1 });
  const ages = async () => (await pool().query<{ received_at: number }>('SELECT received_at FROM dead_letters ORDER BY id')).rows.map((r) => Math.floor((NOW - r.received_at) / DAY));

  it('deletes what is older than the retention, then the oldest beyond the row cap, a batch at a time', async () => {
    await pool().query('DELETE FROM dead_letters');
    // One a day for 50 days, oldest first (ids grow with arrival, as they do in service).
    await insertDeadLetters(pool(), Array.from({ length: 50 }, (_, k) => row(NOW - (49 - k) * DAY - 3_600_000, k)));

    // Batches of 7: the job calls again while a call deletes its full share.
    expect(await pruneDeadLetters(pool(), NOW, { retentionDays: 30, maxRows: 0 }, 7)).toBe(20);
    expect(await ages()).toEqual(Array.from({ length: 30 }, (_, k) => 29 - k));
    // Nothing more to do at the same instant.
    expect(await pruneDeadLetters(pool(), NOW, { retentionDays: 30, maxRows: 0 }, 7)).toBe(0);

    // A row cap keeps the newest.
    expect(await pruneDeadLetters(pool(), NOW, { retentionDays: 30, maxRows: 10 }, 7)).toBe(20);
    expect(await ages()).toEqual(Array.from({ length: 10 }, (_, k) => 9 - k));

    // Both at once, in one call: 3 are too old (ages 7–9 days), then 2 more beyond a cap of 5.
    expect(await pruneDeadLetters(pool(), NOW, { retentionDays: 7, maxRows: 5 }, 100)).toBe(5);
    expect(await ages()).toEqual([4, 3, 2, 1, 0]);
  });

  it('is re-runnable: applying sql/012 again changes nothing', async () => {
    const sql = readFileSync(path.join(SQL_DIR, '012_dead_letter_retention.sql'), 'utf8');
    await pool().query(sql);
    await pool().query(sql);
    expect((await pool().query('SELECT prune_dead_letters(now(), NULL, 10) AS n')).rows[0].n).toEqual(expect.any(Number));
  });

  it('runs on its own timer by the injected clock, logs what it deleted, and stops cleanly', async () => {
    await pool().query('DELETE FROM dead_letters');
    let clock = NOW;
    await insertDeadLetters(pool(), [row(clock - 3_600_000, 1), row(clock, 2)]);
    const lines: string[] = [];
    const pruner = startDeadLetterPruner({ pool: pool(), now: () => clock, log: { info: (m) => lines.push(m), warn: (m) => lines.push(m) }, retentionDays: 1, maxRows: 0, firstAfterMs: 20, everyMs: 40 });
    try {
      // 23.5 hours later by the clock: the first row (24.5 hours old) is past the retention, the second not.
      clock = NOW + 23.5 * 3_600_000;
      await eventually(async () => (await ages()).length === 1, 5_000, 'the old row pruned');
      expect(await ages()).toEqual([0]);
      expect(lines).toContain('dead letters: deleted 1 older than 1 days');
      clock = NOW + 3 * DAY;
      await eventually(async () => (await ages()).length === 0, 5_000, 'the second row pruned on a later run');
      expect(await pruner.run()).toBe(0);
    } finally {
      await pruner.stop();
    }
    // Stopped: nothing runs any more.
    await insertDeadLetters(pool(), [row(NOW - 10 * DAY, 3)]);
    await new Promise((r) => setTimeout(r, 150));
    expect(await ages()).toEqual([10]);
  });
});
