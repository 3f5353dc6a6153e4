-- Planned outages announced by the planning system (gw/v1/oms/planned). The latest message per id
-- wins; the outage engine matches real outages against these windows.

CREATE TABLE IF NOT EXISTS planned_outages (
  id          text PRIMARY KEY,
  device      text NOT NULL,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  reason      text,
  cancelled   boolean NOT NULL DEFAULT false,
  announced_at timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS planned_outages_window_idx ON planned_outages (starts_at, ends_at);
