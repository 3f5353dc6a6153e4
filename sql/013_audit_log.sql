-- Audit log: who did what through the API. One row per write request (POST/PUT/PATCH/DELETE
-- under /api/), whether it succeeded, was refused (401/403) or failed — sign-ins included, with
-- the username tried. Secrets (passwords, tokens) are never stored. Rows are only ever added:
-- a trigger refuses UPDATE, and DELETE except by the retention job, which sets
-- gridwatch.audit_prune for its own transaction.
CREATE TABLE IF NOT EXISTS audit_log (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL,
  actor   text NOT NULL,            -- username, intake:<key name>, or the username a sign-in tried
  role    text,                     -- the actor's role when signed in
  action  text NOT NULL,            -- method and route, e.g. POST /api/alerts/:id/acknowledge
  target  text,                     -- the route's parameters (ids), JSON
  status  integer NOT NULL,         -- HTTP status answered
  ip      text,
  detail  jsonb                     -- the request body without secrets, cut to 2 KiB
);
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX IF NOT EXISTS audit_log_actor_idx ON audit_log (actor, at DESC);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('gridwatch.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END
$$;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
