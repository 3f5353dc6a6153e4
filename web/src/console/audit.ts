// The audit tab's pure parts: an entry's route with its ids filled in, its outcome, and a short
// line for its body (unit-tested in audit.test.ts).
import type { AuditEntry } from '@gridwatch/shared';

export type AuditOutcome = 'ok' | 'refused' | 'failed';

/** `POST /api/alerts/:id/acknowledge` with `{"id":"al-9"}` → `POST /api/alerts/al-9/acknowledge`. */
export function auditRoute(e: Pick<AuditEntry, 'action' | 'target'>): string {
  let params: Record<string, unknown> = {};
  try {
    const p = e.target ? (JSON.parse(e.target) as unknown) : null;
    if (p && typeof p === 'object' && !Array.isArray(p)) params = p as Record<string, unknown>;
  } catch {
    /* a cut target: the pattern stays */
  }
  return e.action.replace(/:(\w+)/g, (m, name: string) => (typeof params[name] === 'string' ? (params[name] as string) : m));
}

/** Done (2xx/3xx); refused (no sign-in, wrong role, too many); failed (anything else: not found, wrong step, bad input). */
export function auditOutcome(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  return status === 401 || status === 403 || status === 429 ? 'refused' : 'failed';
}

/** The body as `key=value` pairs on one line, at most `max` characters (secrets are blanked by the server). */
export function auditDetailLine(detail: unknown, max = 120): string {
  if (detail === null || detail === undefined) return '';
  const text =
    typeof detail === 'object' && !Array.isArray(detail)
      ? Object.entries(detail as Record<string, unknown>)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ')
      : JSON.stringify(detail);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
