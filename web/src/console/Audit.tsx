// The console's audit tab (审计日志, manager and up): the latest writes from GET /api/audit — who
// did what, when, with what result — filtered by who. Refused and failed writes and sign-ins are
// there too; refused ones are marked, so a burst of them stands out.
import { useEffect, useRef, useState } from 'react';
import type { AuditEntry } from '@gridwatch/shared';
import type { Dict, Lang, Role } from '../i18n.ts';
import { ROLES } from '../i18n.ts';
import { ApiError, describeError, getAudit, type Session } from './api.ts';
import { auditDetailLine, auditOutcome, auditRoute } from './audit.ts';
import { useDateTime } from './Orders.tsx';

export interface AuditViewProps {
  session: Session;
  onExpired: () => void;
  t: Dict;
  lang: Lang;
}

export function AuditView({ session, onExpired, t, lang }: AuditViewProps) {
  const a = t.console.audit;
  const [actor, setActor] = useState('');
  const [query, setQuery] = useState<string | null>(null);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [key, setKey] = useState(0);
  const onExpiredRef = useRef(onExpired);
  onExpiredRef.current = onExpired;
  const when = useDateTime(lang);

  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    getAudit(session.token, query, ac.signal)
      .then((r) => setEntries(r.entries))
      .catch((err: unknown) => {
        if ((err as Error).name === 'AbortError') return;
        if (err instanceof ApiError && err.status === 401) onExpiredRef.current();
        else setError(err);
      });
    return () => ac.abort();
  }, [session.token, query, key]);

  const role = (r: string | null) => (r && (ROLES as readonly string[]).includes(r) ? t.console.roles[r as Role] : (r ?? '—'));
  return (
    <>
      <form
        className="console-toolbar"
        data-testid="audit-toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(actor.trim() || null);
          setKey((k) => k + 1);
        }}
      >
        <h2>{a.title}</h2>
        <label>
          <span>{a.actor}</span>
          <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder={a.actorPlaceholder} data-testid="audit-actor" maxLength={200} />
        </label>
        <button type="submit" className="btn" data-testid="audit-refresh">
          {a.refresh}
        </button>
        <span className="console-count">{entries ? a.count(entries.length) : a.loading}</span>
      </form>
      {error ? (
        <div className="console-error" role="alert">
          {describeError(error, t)}
        </div>
      ) : null}
      <div className="wo-list">
        <table className="wo-table" data-testid="audit-list">
          <thead>
            <tr>
              <th>{a.head.at}</th>
              <th>{a.head.actor}</th>
              <th>{a.head.role}</th>
              <th>{a.head.action}</th>
              <th>{a.head.status}</th>
              <th>{a.head.detail}</th>
              <th>{a.head.ip}</th>
            </tr>
          </thead>
          <tbody>
            {(entries ?? []).map((e) => {
              const outcome = auditOutcome(e.status);
              return (
                <tr key={e.id} data-testid="audit-row" data-actor={e.actor} data-outcome={outcome}>
                  <td className="num">{when(Date.parse(e.at))}</td>
                  <td>{e.actor}</td>
                  <td>{role(e.role)}</td>
                  <td className="mono">{auditRoute(e)}</td>
                  <td className={outcome === 'ok' ? undefined : 'audit-refused'}>
                    {a.outcome[outcome]} {e.status}
                  </td>
                  <td className="detail-cell">{auditDetailLine(e.detail)}</td>
                  <td className="mono">{e.ip ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {entries && entries.length === 0 ? <div className="console-empty">{a.empty}</div> : null}
      </div>
    </>
  );
}
