-- Network model: substation → feeder → devices → station areas (transformers) → customers/meters.
-- Grids group station areas and are owned by grid teams. One network is loaded at a time; the
-- importer upserts by id, so importing the same file twice changes nothing.

CREATE TABLE IF NOT EXISTS network_meta (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  version     text NOT NULL,
  attribution text,
  centre_lon  double precision NOT NULL,
  centre_lat  double precision NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS substations (
  id   text PRIMARY KEY,
  name text NOT NULL,
  lon  double precision NOT NULL,
  lat  double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS feeders (
  id         text PRIMARY KEY,
  substation text NOT NULL REFERENCES substations (id),
  name       text NOT NULL,
  -- list of polylines [[lon, lat], ...] for drawing
  paths      jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE IF NOT EXISTS devices (
  id     text PRIMARY KEY,
  feeder text NOT NULL REFERENCES feeders (id),
  kind   text NOT NULL CHECK (kind IN ('breaker', 'recloser', 'switch', 'fuse')),
  parent text REFERENCES devices (id) DEFERRABLE INITIALLY DEFERRED,
  fci    boolean NOT NULL DEFAULT false,
  lon    double precision NOT NULL,
  lat    double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS teams (
  id   text PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE IF NOT EXISTS grids (
  id   text PRIMARY KEY,
  name text NOT NULL,
  team text NOT NULL REFERENCES teams (id)
);

CREATE TABLE IF NOT EXISTS transformers (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  feeder       text NOT NULL REFERENCES feeders (id),
  device       text NOT NULL REFERENCES devices (id),
  grid         text NOT NULL REFERENCES grids (id),
  concentrator text NOT NULL UNIQUE,
  zone         text NOT NULL CHECK (zone IN ('urban', 'rural', 'remote')),
  kva          double precision NOT NULL,
  lon          double precision NOT NULL,
  lat          double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS customers (
  id          text PRIMARY KEY,
  meter       text NOT NULL UNIQUE,
  transformer text NOT NULL REFERENCES transformers (id),
  type        text NOT NULL CHECK (type IN ('residential', 'commercial', 'industrial', 'critical')),
  sensitive   boolean NOT NULL DEFAULT false,
  channel     text NOT NULL,
  lon         double precision NOT NULL,
  lat         double precision NOT NULL
);

CREATE INDEX IF NOT EXISTS customers_transformer_idx ON customers (transformer);
CREATE INDEX IF NOT EXISTS transformers_feeder_idx ON transformers (feeder);
