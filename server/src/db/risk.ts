// Persistence of the complaint early warning: risk models (versioned, one active), alerts (the
// whole document plus the columns to query by), notices with their recipients, and the history
// the model learns from.
import type { AlertDto, NetworkIndex, NoticeRecord, OutageDto } from '@gridwatch/shared';
import { checkModel, type RiskModel } from '../risk/model.ts';
import { historyOutages, type TrainingData } from '../risk/training.ts';
import { transaction, type Pool } from './pool.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The active model, or why the stored one cannot be used (trained on another feature list, by an
 * earlier build): then the caller keeps the prior and retrains.
 */
export async function loadActiveModel(pool: Pool): Promise<{ model: RiskModel | null; refused: string | null }> {
  const r = await pool.query<{ model: RiskModel }>('SELECT model FROM risk_models WHERE active LIMIT 1');
  const m = r.rows[0]?.model;
  if (!m) return { model: null, refused: null };
  try {
    return { model: checkModel(m), refused: null };
  } catch (err) {
    return { model: null, refused: (err as Error).message };
  }
}

export async function saveModel(pool: Pool, m: RiskModel, activate: boolean): Promise<void> {
  await transaction(pool, async (client) => {
    if (activate) await client.query('UPDATE risk_models SET active = false WHERE active');
    await client.query(
      `INSERT INTO risk_models (version, kind, trained_at, model, metrics, active) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)
       ON CONFLICT (version) DO UPDATE SET model = EXCLUDED.model, metrics = EXCLUDED.metrics, active = EXCLUDED.active`,
      [m.version, m.kind, iso(m.trainedAt), JSON.stringify(m), JSON.stringify(m.metrics), activate],
    );
  });
}

export async function listModels(pool: Pool, limit = 20): Promise<{ version: string; kind: string; trainedAt: number; active: boolean; metrics: RiskModel['metrics'] }[]> {
  // timestamptz comes back as epoch ms (pool.ts).
  const r = await pool.query<{ version: string; kind: string; trained_at: number; active: boolean; metrics: RiskModel['metrics'] }>(
    'SELECT version, kind, trained_at, active, metrics FROM risk_models ORDER BY trained_at DESC LIMIT $1',
    [limit],
  );
  return r.rows.map((x) => ({ version: x.version, kind: x.kind, trainedAt: x.trained_at, active: x.active, metrics: x.metrics }));
}

export async function upsertAlerts(pool: Pool, alerts: readonly AlertDto[]): Promise<void> {
  if (alerts.length === 0) return;
  await pool.query(
    `INSERT INTO alerts (id, outage_id, status, severity, escalation, raised_at, updated_at, doc)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::jsonb[])
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, severity = EXCLUDED.severity, escalation = EXCLUDED.escalation,
       updated_at = EXCLUDED.updated_at, doc = EXCLUDED.doc`,
    [
      alerts.map((a) => a.id), alerts.map((a) => a.outageId), alerts.map((a) => a.status), alerts.map((a) => a.severity),
      alerts.map((a) => a.escalation), alerts.map((a) => iso(a.raisedAt)), alerts.map((a) => iso(a.updatedAt)), alerts.map((a) => JSON.stringify(a)),
    ],
  );
}

/** Alerts not resolved, plus those resolved in the last `recentMs` (a restarted server shows them). */
export async function loadLiveAlerts(pool: Pool, now: number, recentMs = 6 * 3_600_000): Promise<AlertDto[]> {
  const r = await pool.query<{ doc: AlertDto }>(`SELECT doc FROM alerts WHERE status <> 'resolved' OR updated_at >= $1 ORDER BY raised_at`, [iso(now - recentMs)]);
  return r.rows.map((x) => x.doc);
}

export async function getAlert(pool: Pool, id: string): Promise<AlertDto | null> {
  const r = await pool.query<{ doc: AlertDto }>('SELECT doc FROM alerts WHERE id = $1', [id]);
  return r.rows[0]?.doc ?? null;
}

export async function listAlerts(pool: Pool, status: 'active' | 'all', limit: number): Promise<AlertDto[]> {
  const where = status === 'active' ? `WHERE status <> 'resolved'` : '';
  const r = await pool.query<{ doc: AlertDto }>(`SELECT doc FROM alerts ${where} ORDER BY raised_at DESC LIMIT $1`, [limit]);
  return r.rows.map((x) => x.doc);
}

export type { NoticeRecord };

export async function insertNotice(pool: Pool, n: NoticeRecord): Promise<void> {
  await transaction(pool, async (client) => {
    await client.query(
      `INSERT INTO notices (id, outage_id, alert_id, sent_at, etr, text, sent_by, customers, mqtt, webhook) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO NOTHING`,
      [n.id, n.outageId, n.alertId, iso(n.sentAt), iso(n.etr), n.text, n.sentBy, n.customers.length, n.mqtt, n.webhook],
    );
    await client.query(`INSERT INTO notice_recipients (notice_id, customer) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [n.id, n.customers]);
  });
}

/** A notice as listed: its recipients counted, not named. */
export type NoticeSummary = Omit<NoticeRecord, 'customers'> & { customers: number };

export async function listNotices(pool: Pool, outageId: string | null, limit: number): Promise<NoticeSummary[]> {
  const r = await pool.query<{ id: string; outage_id: string; alert_id: string | null; sent_at: number; etr: number | null; text: string; sent_by: string; customers: number; mqtt: string; webhook: string }>(
    `SELECT id, outage_id, alert_id, sent_at, etr, text, sent_by, customers, mqtt, webhook FROM notices
     ${outageId ? 'WHERE outage_id = $2' : ''} ORDER BY sent_at DESC LIMIT $1`,
    outageId ? [limit, outageId] : [limit],
  );
  return r.rows.map((x) => ({
    id: x.id, outageId: x.outage_id, alertId: x.alert_id, sentAt: x.sent_at, etr: x.etr,
    text: x.text, sentBy: x.sent_by, customers: x.customers, mqtt: x.mqtt, webhook: x.webhook,
  }));
}

/**
 * What the model learns from, since `since`: root outages that were not momentary (with the
 * customers of their station areas or meter), every contact, every notice with its recipients.
 */
export async function loadTrainingData(pool: Pool, index: NetworkIndex, since: number): Promise<TrainingData> {
  const from = iso(since);
  // Nested outages too: they tell when what a partial restoration left dark came back.
  const outages = await pool.query<{
    id: string; status: OutageDto['status']; level: OutageDto['level']; device: string; transformers: string[]; started_at: number; detected_at: number;
    restored_at: number | null; parent_id: string | null; steps: OutageDto['steps']; restored: string[];
  }>(
    `SELECT id, status, level, device, transformers, started_at, detected_at, restored_at, parent_id, steps, restored FROM outages
     WHERE status <> 'momentary' AND started_at >= $1 ORDER BY started_at`,
    [from],
  );
  const contacts = await pool.query<{ id: string; customer: string; ts: number; category: string; type: string | null }>('SELECT id, customer, ts, category, type FROM contacts WHERE ts >= $1', [from]);
  const notices = await pool.query<{ id: string; sent_at: number; etr: number | null; customers: string[] }>(
    `SELECT n.id, n.sent_at, n.etr, array_agg(r.customer) AS customers FROM notices n JOIN notice_recipients r ON r.notice_id = n.id
     WHERE n.sent_at >= $1 GROUP BY n.id, n.sent_at, n.etr`,
    [from],
  );
  return {
    outages: historyOutages(
      outages.rows.map((o) => ({
        id: o.id, status: o.status, level: o.level, device: o.device, transformers: o.transformers, startedAt: o.started_at, detectedAt: o.detected_at,
        restoredAt: o.restored_at, parentId: o.parent_id, steps: o.steps, restored: o.restored,
      })) as OutageDto[],
      index,
    ),
    contacts: contacts.rows.map((c) => ({ id: c.id, customer: c.customer, at: c.ts, category: c.category, type: c.type })),
    notices: notices.rows.map((n) => ({ id: n.id, at: n.sent_at, etr: n.etr, customers: n.customers })),
  };
}
