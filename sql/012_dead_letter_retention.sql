-- Dead-letter retention. Every refused message leaves a row (at most 2 KiB of its payload), so a
-- hostile or broken sender could otherwise grow dead_letters without end. The server's prune job
-- (server/src/db/deadLetters.ts) calls this every hour with DEAD_LETTER_RETENTION_DAYS and
-- DEAD_LETTER_MAX_ROWS; an operator can call it by hand the same way.
--
-- One call deletes at most `max_delete` rows — first those received before `older_than`, then the
-- oldest beyond the newest `keep_rows` (NULL: no row cap) — and returns how many it deleted; the
-- job calls again while a call deletes its full share, so no single statement holds locks long.
-- Plain SQL on a plain table: the same on PostgreSQL, PGlite and TimescaleDB (dead_letters is not
-- a hypertable). Re-runnable: CREATE OR REPLACE.
CREATE OR REPLACE FUNCTION prune_dead_letters(older_than timestamptz, keep_rows bigint, max_delete integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  deleted integer := 0;
  more integer;
  cutoff bigint;
BEGIN
  -- received_at is indexed (dead_letters_received_idx).
  DELETE FROM dead_letters WHERE id IN (
    SELECT id FROM dead_letters WHERE received_at < older_than LIMIT max_delete);
  GET DIAGNOSTICS deleted = ROW_COUNT;
  IF deleted < max_delete AND keep_rows IS NOT NULL THEN
    -- The id of the newest row that is too many; ids grow with arrival (bigserial).
    SELECT id INTO cutoff FROM dead_letters ORDER BY id DESC OFFSET keep_rows LIMIT 1;
    IF cutoff IS NOT NULL THEN
      DELETE FROM dead_letters WHERE id IN (
        SELECT id FROM dead_letters WHERE id <= cutoff ORDER BY id LIMIT max_delete - deleted);
      GET DIAGNOSTICS more = ROW_COUNT;
      deleted := deleted + more;
    END IF;
  END IF;
  RETURN deleted;
END
$$;
