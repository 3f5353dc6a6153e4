-- Outages found by the engine. The engine writes every state change here, so a restarted server
-- rebuilds exactly the open outages it had.

CREATE TABLE IF NOT EXISTS outages (
  id           text PRIMARY KEY,
  status       text NOT NULL CHECK (status IN ('probable', 'confirmed', 'restoring', 'restored', 'momentary', 'planned', 'customer-side')),
  level        text NOT NULL CHECK (level IN ('meter', 'transformer', 'device')),
  device       text NOT NULL,
  feeder       text NOT NULL,
  transformers text[] NOT NULL,
  customers    integer NOT NULL,
  started_at   timestamptz NOT NULL,
  detected_at  timestamptz NOT NULL,
  restored_at  timestamptz,
  lon          double precision NOT NULL,
  lat          double precision NOT NULL,
  evidence     jsonb NOT NULL DEFAULT '[]',
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS outages_open_idx ON outages (status) WHERE restored_at IS NULL;
CREATE INDEX IF NOT EXISTS outages_started_idx ON outages (started_at DESC);
