-- The full outage engine: nesting (partial restoration, roll-up), restoration estimates, the
-- faulted section located by indicators, and step restoration for IEEE 1366 indices.

ALTER TABLE outages ADD COLUMN IF NOT EXISTS parent_id text;
ALTER TABLE outages ADD COLUMN IF NOT EXISTS etr timestamptz;
ALTER TABLE outages ADD COLUMN IF NOT EXISTS fault_section text;
ALTER TABLE outages ADD COLUMN IF NOT EXISTS steps jsonb NOT NULL DEFAULT '[]';
ALTER TABLE outages ADD COLUMN IF NOT EXISTS restored text[] NOT NULL DEFAULT '{}';
CREATE INDEX IF NOT EXISTS outages_restored_idx ON outages (restored_at DESC) WHERE restored_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS outages_feeder_idx ON outages (feeder, started_at DESC);
