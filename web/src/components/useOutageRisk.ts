import { useEffect, useState } from 'react';
import { readHeaders } from '../access.ts';
import type { OutageRisk } from '@gridwatch/shared';

/** Answers kept per outage for the detail's cycle (a dozen outages at most). */
const cache = new Map<string, { key: string; risk: OutageRisk }>();

/**
 * The full risk of one open outage (reasons and customers most at risk) from
 * `GET /api/outages/:id/risk`, fetched again whenever `key` changes (the outage's latest brief
 * from `risk:update`). Null while unknown, or when the server has not scored the outage.
 */
export function useOutageRisk(outageId: string | null, key: string): OutageRisk | null {
  const [risk, setRisk] = useState<OutageRisk | null>(() => (outageId ? (cache.get(outageId)?.risk ?? null) : null));
  useEffect(() => {
    if (!outageId) {
      setRisk(null);
      return;
    }
    const held = cache.get(outageId);
    setRisk(held?.risk ?? null);
    if (held && held.key === key) return;
    const ac = new AbortController();
    fetch(`/api/outages/${encodeURIComponent(outageId)}/risk`, { signal: ac.signal, cache: 'no-store', headers: readHeaders() })
      .then((r) => (r.ok ? (r.json() as Promise<OutageRisk>) : null))
      .then((r) => {
        if (!r) return;
        cache.set(outageId, { key, risk: r });
        if (cache.size > 50) cache.delete(cache.keys().next().value!);
        setRisk(r);
      })
      .catch(() => {
        /* not scored or offline: the brief (and the alert's reasons) still show */
      });
    return () => ac.abort();
  }, [outageId, key]);
  return risk && risk.outageId === outageId ? risk : null;
}
