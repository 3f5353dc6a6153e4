-- Compression of `readings`, replacing the settings of 004 (TimescaleDB community licence only;
-- elsewhere, as on plain PostgreSQL and the embedded PGlite, this file does nothing).
--
-- 004 segmented by meter: with 1-day chunks and 15-minute readings that leaves 96 rows per meter
-- per chunk, one compressed batch each, well below the 1,000 rows a batch holds, so every 96
-- readings carry a batch's own row, metadata and index entry. Ordering by (meter, ts) without
-- segments fills whole batches of 1,000 rows (about ten meters' days each) and keeps each meter's
-- readings together. `pnpm bench:storage --alternatives` (20,000 meters, 3 days, 15 minutes):
-- 14.75 bytes/reading in compressed chunks against 17.75 with 004's settings (×8.4 against ×7.0
-- of 124 bytes/reading uncompressed); one meter's last day read back in 3.4 ms against 2.6 ms.
--
-- Chunks compressed before keep the settings they were compressed with. Versions that refuse to
-- change the settings while compressed chunks exist keep 004's (a notice, no error), so the
-- server always starts. Re-runnable: the same settings again change nothing.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
     AND current_setting('timescaledb.license', true) = 'timescale' THEN
    BEGIN
      ALTER TABLE readings SET (timescaledb.compress, timescaledb.compress_segmentby = '', timescaledb.compress_orderby = 'meter, ts');
    EXCEPTION WHEN others THEN
      RAISE NOTICE 'readings keeps its compression settings: %', SQLERRM;
    END;
  END IF;
END
$$;
