-- Telemetry as it arrives. Natural keys make redelivery harmless: a duplicate insert is a no-op
-- (ON CONFLICT DO NOTHING), so QoS 1 redeliveries never double-count. Each key includes the time
-- column, as TimescaleDB requires for unique indexes on hypertables.

CREATE TABLE IF NOT EXISTS readings (
  ts          timestamptz NOT NULL,
  meter       text NOT NULL,
  kwh         double precision NOT NULL,
  v           real,
  i           real,
  PRIMARY KEY (meter, ts)
);
CREATE INDEX IF NOT EXISTS readings_ts_idx ON readings (ts DESC);

CREATE TABLE IF NOT EXISTS meter_events (
  ts          timestamptz NOT NULL,
  device      text NOT NULL,
  code        text NOT NULL,
  kind        text NOT NULL,
  transformer text NOT NULL,
  seq         bigint,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device, ts, code)
);
CREATE INDEX IF NOT EXISTS meter_events_ts_idx ON meter_events (ts DESC);
CREATE INDEX IF NOT EXISTS meter_events_transformer_idx ON meter_events (transformer, ts DESC);

CREATE TABLE IF NOT EXISTS fault_events (
  ts          timestamptz NOT NULL,
  device      text NOT NULL,
  kind        text NOT NULL,
  feeder      text NOT NULL,
  phase       text,
  current_a   double precision,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device, ts, kind)
);
CREATE INDEX IF NOT EXISTS fault_events_ts_idx ON fault_events (ts DESC);

CREATE TABLE IF NOT EXISTS contacts (
  id          text PRIMARY KEY,
  ts          timestamptz NOT NULL,
  channel     text NOT NULL,
  customer    text NOT NULL,
  category    text NOT NULL,
  text        text,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS contacts_ts_idx ON contacts (ts DESC);
CREATE INDEX IF NOT EXISTS contacts_customer_idx ON contacts (customer, ts DESC);

-- Anything that failed validation, with its reason. Payloads are cut to a bounded size.
CREATE TABLE IF NOT EXISTS dead_letters (
  id            bigserial PRIMARY KEY,
  received_at   timestamptz NOT NULL DEFAULT now(),
  source        text NOT NULL,
  topic         text,
  reason        text NOT NULL,
  payload       text,
  payload_bytes integer NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_received_idx ON dead_letters (received_at DESC);
