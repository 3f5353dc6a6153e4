-- Complaint early warning: versioned risk models with their metrics, alerts with every step, and
-- the proactive notices sent to customers (one row per recipient, so a customer's history shows
-- what they were told).

CREATE TABLE IF NOT EXISTS risk_models (
  version     text PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('prior', 'trained')),
  trained_at  timestamptz NOT NULL,
  model       jsonb NOT NULL,
  metrics     jsonb NOT NULL,
  active      boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS risk_models_one_active ON risk_models (active) WHERE active;

CREATE TABLE IF NOT EXISTS alerts (
  id          text PRIMARY KEY,
  outage_id   text NOT NULL,
  status      text NOT NULL CHECK (status IN ('open', 'acknowledged', 'actioned', 'resolved')),
  severity    text NOT NULL CHECK (severity IN ('warning', 'high', 'critical')),
  escalation  text NOT NULL CHECK (escalation IN ('officer', 'shift-lead', 'manager')),
  raised_at   timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  doc         jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_active_idx ON alerts (raised_at DESC) WHERE status <> 'resolved';
CREATE INDEX IF NOT EXISTS alerts_outage_idx ON alerts (outage_id);

CREATE TABLE IF NOT EXISTS notices (
  id          text PRIMARY KEY,
  outage_id   text NOT NULL,
  alert_id    text,
  sent_at     timestamptz NOT NULL,
  etr         timestamptz,
  text        text NOT NULL,
  sent_by     text NOT NULL,
  customers   integer NOT NULL,
  -- Delivery: MQTT publish and the optional webhook ('ok', 'failed: …', 'not configured').
  mqtt        text NOT NULL,
  webhook     text NOT NULL
);
CREATE INDEX IF NOT EXISTS notices_outage_idx ON notices (outage_id);
CREATE INDEX IF NOT EXISTS notices_sent_idx ON notices (sent_at DESC);

CREATE TABLE IF NOT EXISTS notice_recipients (
  notice_id   text NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
  customer    text NOT NULL,
  PRIMARY KEY (notice_id, customer)
);
CREATE INDEX IF NOT EXISTS notice_recipients_customer_idx ON notice_recipients (customer);

-- Console users. Passwords are scrypt hashes (never stored or logged in clear).
CREATE TABLE IF NOT EXISTS users (
  username      text PRIMARY KEY,
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('wall', 'officer', 'shift-lead', 'manager', 'admin')),
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);
