// What the handover summary of [from, to) is made from (server/src/handover.ts): the outages open
// at some point of the window, the alerts and work orders that were open or changed in it, and
// the notices of the window and of those outages. A shift is hours of a day: these are small.
import type { AlertDto, OrderDto } from '@gridwatch/shared';
import type { HandoverData, HandoverNotice } from '../handover.ts';
import { getOutagesByIds, loadOutagesOverlapping } from './outages.ts';
import type { Pool } from './pool.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export async function loadHandoverData(pool: Pool, from: number, to: number): Promise<HandoverData> {
  const alerts = await pool.query<{ doc: AlertDto }>(
    `SELECT doc FROM alerts WHERE raised_at < $2 AND (status <> 'resolved' OR updated_at >= $1) ORDER BY raised_at`,
    [iso(from), iso(to)],
  );
  const outages = await loadOutagesOverlapping(pool, from, to);
  // An alert's outage may have ended before the window (the alert was resolved in it).
  const known = new Set(outages.map((o) => o.id));
  const missing = [...new Set(alerts.rows.map((r) => r.doc.outageId))].filter((id) => !known.has(id));
  if (missing.length) outages.push(...(await getOutagesByIds(pool, missing)));
  const notices = await pool.query<{ id: string; outage_id: string; sent_at: number; sent_by: string; customers: number; mqtt: string; webhook: string }>(
    `SELECT id, outage_id, sent_at, sent_by, customers, mqtt, webhook FROM notices
     WHERE sent_at < $2 AND (sent_at >= $1 OR outage_id = ANY($3::text[])) ORDER BY sent_at`,
    [iso(from), iso(to), outages.map((o) => o.id)],
  );
  const orders = await pool.query<{ doc: OrderDto }>(
    `SELECT doc FROM work_orders WHERE merged_into IS NULL AND created_at < $2 AND (status <> 'closed' OR updated_at >= $1) ORDER BY created_at`,
    [iso(from), iso(to)],
  );
  return {
    outages,
    alerts: alerts.rows.map((r) => r.doc),
    notices: notices.rows.map(
      (n): HandoverNotice => ({ id: n.id, outageId: n.outage_id, sentAt: n.sent_at, sentBy: n.sent_by, customers: n.customers, mqtt: n.mqtt, webhook: n.webhook }),
    ),
    orders: orders.rows.map((r) => r.doc),
  };
}
