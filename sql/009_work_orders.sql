-- Work orders: one per contact, or one per outage with every contact about it attached. The
-- order as the desk holds it (with its contacts and timeline) is kept in `doc`; the columns
-- beside it are what lists, KPIs and restarts select on. `work_order_contacts` makes intake
-- idempotent on the contact id and remembers complaints for repeat detection (30/60/90 days).

CREATE TABLE IF NOT EXISTS work_orders (
  id          text PRIMARY KEY,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  category    text NOT NULL CHECK (category IN ('outage', 'voltage', 'billing', 'attitude', 'other')),
  status      text NOT NULL CHECK (status IN ('created', 'dispatched', 'accepted', 'on-site', 'resolved', 'callback-1', 'closed')),
  channel     text NOT NULL,
  customer    text NOT NULL,
  transformer text,
  grid        text,
  team        text,
  outage_id   text,
  deadline    timestamptz NOT NULL,
  overdue     boolean NOT NULL DEFAULT false,
  supervision text NOT NULL DEFAULT 'none',
  closed_at   timestamptz,
  merged_into text,
  doc         jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS work_orders_created_idx ON work_orders (created_at DESC);
CREATE INDEX IF NOT EXISTS work_orders_open_idx ON work_orders (created_at DESC) WHERE status <> 'closed';
CREATE INDEX IF NOT EXISTS work_orders_customer_idx ON work_orders (customer, created_at DESC);
CREATE INDEX IF NOT EXISTS work_orders_team_idx ON work_orders (team, created_at DESC);
CREATE INDEX IF NOT EXISTS work_orders_outage_idx ON work_orders (outage_id);

CREATE TABLE IF NOT EXISTS work_order_contacts (
  contact_id  text PRIMARY KEY,
  order_id    text NOT NULL,
  ts          timestamptz NOT NULL,
  customer    text NOT NULL,
  transformer text,
  type        text NOT NULL
);
CREATE INDEX IF NOT EXISTS work_order_contacts_order_idx ON work_order_contacts (order_id);
CREATE INDEX IF NOT EXISTS work_order_contacts_complaints_idx ON work_order_contacts (ts DESC) WHERE type = 'complaint';

-- Grid team leaders sign in to work their team's orders.
ALTER TABLE users ADD COLUMN IF NOT EXISTS team text;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('wall', 'team', 'officer', 'shift-lead', 'manager', 'admin'));
