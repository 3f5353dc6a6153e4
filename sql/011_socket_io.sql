-- Scale-out: the Socket.IO PostgreSQL adapter (@socket.io/postgres-adapter) passes broadcasts
-- between the instances of a cluster by NOTIFY; a payload over 8,000 bytes (a snapshot) travels
-- through this table, and the adapter deletes rows older than 30 s. Unused by a single instance.
CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id          bigserial UNIQUE,
  created_at  timestamptz DEFAULT now(),
  payload     bytea
);
