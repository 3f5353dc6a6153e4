// Retrains and rescores the complaint-risk model on a recorded control arm
// (`pnpm eval complaints --record rec.json`), in seconds instead of the run's quarter hour: the
// model is trained at the start of the held-out days from what GridWatch recorded before them,
// then every held-out outage is scored minute by minute, as the risk monitor does, from its
// detection to its restoration. Close to the full run (the history here also knows outages still
// open, and customers come back at their outage's recorded steps), not equal to it: the figures
// of record are the full run's.
// For trying a change to the features or the training before a full run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { OutageDto } from '@gridwatch/shared';
import { indexNetwork } from '@gridwatch/shared';
import { loadNetworkFile } from '@gridwatch/shared/node';
import { complaintsByCustomer, historyOf, historyOutages, PRIOR_MODEL, scoreOutage, trainRiskModel, type RiskModel } from '@gridwatch/server/risk';
import type { AlertCurve } from './complaintBound.ts';
import type { RecordedRun } from './complaints.ts';
import { q } from './outages.ts';

const MIN = 60_000;
const H = 60 * MIN;

export interface ReplayFigures {
  threshold: number;
  outages: number;
  positives: number;
  alerted: number;
  recall: number;
  recallAnyTime: number;
  precision: number;
  leadMedianMin: number | null;
  leadP10Min: number | null;
}

/** The record as it stood at `at`: outages still open then have no restoration yet. */
function recordAt(rec: RecordedRun, at: number) {
  const outages = rec.outages
    .filter((d) => d.startedAt < at && d.detectedAt < at)
    .map((d): OutageDto => (d.restoredAt !== null && d.restoredAt > at ? { ...d, restoredAt: null, steps: d.steps.filter((s) => s.at <= at) } : d));
  return { outages, contacts: rec.contacts.filter((c) => c.at < at), notices: rec.notices.filter((n) => n.at < at) };
}

export function replay(rec: RecordedRun, index: ReturnType<typeof indexNetwork>, opts: { model?: RiskModel; threshold?: number } = {}) {
  const before = recordAt(rec, rec.testStartMs);
  const trained = opts.model ? { model: opts.model, keptPrior: null } : trainRiskModel({ outages: historyOutages(before.outages, index), contacts: before.contacts, notices: before.notices }, { index, now: rec.testStartMs, utcOffsetMs: rec.utcOffsetMs, version: 'replay' });
  const model = trained.model;
  const threshold = opts.threshold ?? model.threshold;
  const all = historyOutages(rec.outages, index);
  const history = historyOf({ outages: all, contacts: rec.contacts, notices: rec.notices });
  const ctx = { history, utcOffsetMs: rec.utcOffsetMs };
  const complaintsOf = complaintsByCustomer(rec.contacts);
  const rows: { id: string; kind: string; customers: number; alertAt: number | null; firstComplaint: number | null; maxP: number; startedAt: number }[] = [];
  /** Each outage's probability minute by minute (until it is sure to alert at any threshold). */
  const curves: AlertCurve[] = [];
  for (const o of all) {
    if (o.startedAt < rec.testStartMs) continue;
    const end = o.restoredAt ?? rec.endMs;
    const known = o.customers.map((id, i) => ({ c: index.customer.get(id), until: o.until?.[i] ?? null })).filter((x) => x.c !== undefined);
    let alertAt: number | null = null;
    let maxP = 0;
    const curve = { instants: [] as number[], probability: [] as number[] };
    const instants = [o.detectedAt];
    for (let t = Math.ceil((o.detectedAt + 1) / MIN) * MIN; t < end; t += MIN) instants.push(t);
    for (const t of instants) {
      const dark = known.filter((k) => (k.until ?? end) > t).map((k) => k.c!);
      if (dark.length === 0) continue;
      const p = scoreOutage(model, { id: o.id, startedAt: o.startedAt, kind: o.kind, customers: dark }, t, ctx, { top: 0 }).probability;
      maxP = Math.max(maxP, p);
      curve.instants.push(t);
      curve.probability.push(p);
      if (alertAt === null && p >= threshold) alertAt = t;
      if (alertAt !== null && maxP > 0.99) break;
    }
    let first: number | null = null;
    for (const c of o.customers) for (const at of complaintsOf.get(c) ?? []) if (at >= o.startedAt && at <= end + H && (first === null || at < first)) first = at;
    rows.push({ id: o.id, kind: o.kind, customers: o.customers.length, alertAt, firstComplaint: first, maxP, startedAt: o.startedAt });
    curves.push({ id: o.id, kind: o.kind, customers: o.customers.length, startedAt: o.startedAt, firstComplaint: first, ...curve });
  }
  const positives = rows.filter((r) => r.firstComplaint !== null);
  const alerted = rows.filter((r) => r.alertAt !== null);
  const warned = positives.filter((r) => r.alertAt !== null && r.alertAt < r.firstComplaint!);
  const leads = positives.filter((r) => r.alertAt !== null).map((r) => (r.firstComplaint! - r.alertAt!) / MIN);
  const figures: ReplayFigures = {
    threshold,
    outages: rows.length,
    positives: positives.length,
    alerted: alerted.length,
    recall: warned.length / Math.max(1, positives.length),
    recallAnyTime: positives.filter((r) => r.alertAt !== null).length / Math.max(1, positives.length),
    precision: alerted.filter((r) => r.firstComplaint !== null).length / Math.max(1, alerted.length),
    leadMedianMin: leads.length ? q(leads, 0.5) : null,
    leadP10Min: leads.length ? q(leads, 0.1) : null,
  };
  return { model, figures, rows, curves };
}

export const REPLAY_HELP = `  pnpm eval complaints-replay <rec.json> [--network greensboro] [--prior] [--rows]
                    retrains and rescores the model on a run recorded with
                    \`pnpm eval complaints --record rec.json\` in seconds (approximate: the full
                    run's figures are the ones of record); --prior scores the prior instead,
                    --rows prints every held-out outage`;

export function replayMain(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { network: { type: 'string', default: 'greensboro' }, prior: { type: 'boolean', default: false }, rows: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new Error('complaints-replay needs one recorded run (from pnpm eval complaints --record <file.json>)');
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const rec = JSON.parse(readFileSync(path.resolve(cwd, positionals[0]!), 'utf8')) as RecordedRun;
  const index = indexNetwork(loadNetworkFile(values.network!, cwd));
  const t0 = performance.now();
  const { model, figures, rows } = replay(rec, index, values.prior ? { model: PRIOR_MODEL } : {});
  if (values.rows) {
    const m = (at: number | null, from: number) => (at === null ? '-' : ((at - from) / MIN).toFixed(1));
    console.log(['id', 'kind', 'customers', 'alert_min', 'first_complaint_min', 'max_p'].join('\t'));
    for (const r of rows) console.log([r.id, r.kind, r.customers, m(r.alertAt, r.startedAt), m(r.firstComplaint, r.startedAt), r.maxP.toFixed(3)].join('\t'));
  }
  console.log(JSON.stringify({ ...figures, auc: model.metrics.auc, trainRecall: model.metrics.recall, trainPrecision: model.metrics.precision, ms: Math.round(performance.now() - t0) }));
  return 0;
}
