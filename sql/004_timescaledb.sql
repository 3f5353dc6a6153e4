-- TimescaleDB features, only where the extension is installed; on plain PostgreSQL (the embedded
-- PGlite default) this file does nothing. Compression and retention need the community licence
-- (the official Docker image); the Apache-2 build has hypertables only.
-- gridwatch:no-transaction

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    PERFORM create_hypertable('readings', 'ts', chunk_time_interval => interval '1 day', if_not_exists => true, migrate_data => true);
    PERFORM create_hypertable('meter_events', 'ts', chunk_time_interval => interval '7 days', if_not_exists => true, migrate_data => true);
    PERFORM create_hypertable('fault_events', 'ts', chunk_time_interval => interval '30 days', if_not_exists => true, migrate_data => true);
  END IF;
END
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
     AND current_setting('timescaledb.license', true) = 'timescale' THEN
    ALTER TABLE readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'meter', timescaledb.compress_orderby = 'ts');
    PERFORM add_compression_policy('readings', interval '7 days', if_not_exists => true);
    PERFORM add_retention_policy('readings', interval '400 days', if_not_exists => true);
  END IF;
END
$$;
