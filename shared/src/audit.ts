// The audit log as `GET /api/audit` returns it (manager and up): one entry per write request.

export interface AuditEntry {
  id: number;
  /** ISO 8601, UTC. */
  at: string;
  /** Username, `intake:<key name>`, the username a sign-in tried, or `anonymous`. */
  actor: string;
  /** The actor's role when signed in. */
  role: string | null;
  /** Method and route pattern, e.g. `POST /api/alerts/:id/acknowledge`. */
  action: string;
  /** The route's parameters as JSON, e.g. `{"id":"al-9"}`. */
  target: string | null;
  /** HTTP status answered. */
  status: number;
  ip: string | null;
  /** The request body with secrets blanked, cut to 2 KiB. */
  detail: unknown;
}
