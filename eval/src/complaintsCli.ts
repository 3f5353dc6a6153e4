// `pnpm eval complaints …`: trains the complaint-risk model on simulated history and scores its
// early warnings on held-out days, control and treatment arms in two worker threads.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { indexNetwork } from '@gridwatch/shared';
import { loadNetworkFile } from '@gridwatch/shared/node';
import { loadBehaviourFile, resolveBehaviour, type BehaviourOverrides } from '@gridwatch/simulator';
import { boundSummary, complaintBound } from './complaintBound.ts';
import { scoreComplaintEval, type ArmResult, type ComplaintArmOptions, type ComplaintEvalResult, type ScoredOutage } from './complaints.ts';
import { complaintReport } from './complaintReport.ts';

export const COMPLAINT_HELP = `  pnpm eval complaints [--seed 1] [--days 7] [--train-days 21] [--behaviour <file.json>]
                       [--faults-per-day 24] [--reaction-s 120] [--network greensboro]
                       [--json] [--report <file.html>] [--outages <file.tsv>] [--record <file.json>]
                       [--assert-targets]
                    trains the complaint-risk model on --train-days of simulated operations
                    (the simulator's daily scenario), then scores its alerts on the --days after:
                    ROC AUC, alert recall and precision, lead time before the first complaint,
                    share of complaints warned about, and complaints avoided when alerts lead to
                    notices (treatment) against a control run without`;

export const COMPLAINT_TARGETS = { recall: 0.9, precision: 0.7, leadMedianMin: 10, warnedShare: 0.9, avoidedShare: 0.3 } as const;

const userPath = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

function runArm(options: Omit<ComplaintArmOptions, 'network' | 'progress'> & { network: string }, onProgress: (share: number) => void): Promise<ArmResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./complaintWorker.mjs', import.meta.url), {
      workerData: { ...options, cwd: process.env.INIT_CWD ?? process.cwd() },
      resourceLimits: { maxOldGenerationSizeMb: 4096 },
    });
    worker.on('message', (m: { type: 'progress'; share: number } | { type: 'result'; result: ArmResult }) => {
      if (m.type === 'progress') onProgress(m.share);
      else resolve(m.result);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${options.arm} run exited with code ${code}`));
    });
  });
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

export function complaintSummary(r: ComplaintEvalResult): string {
  const t = COMPLAINT_TARGETS;
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  return [
    `complaints · network ${r.network} · seed ${r.seed} · trained on ${r.trainDays} d, held out ${r.days} d · behaviour ${r.behaviour} · ${(r.messages / 1e6).toFixed(1)} M messages in ${(r.wallMs / 1000).toFixed(0)} s`,
    `model                 ${r.model.version} (${r.model.kind}${r.keptPrior ? `: ${r.keptPrior}` : ''}), ${r.model.samples.toLocaleString('en')} samples from ${r.model.outages} outages, threshold ${r.threshold}`,
    `held-out outages      ${r.outages} (${r.outagesWithComplaints} brought complaints)`,
    `ROC AUC               ${r.auc ?? 'n/a'} (outage × 5-min instant: a complaint within the next hour)`,
    `alerts                ${r.alerts} (${r.flooded} grouped by flood control)`,
    `recall                ${pct(r.recall)} ${mark(r.recall >= t.recall)} (outages with complaints alerted before the first one; target ≥ ${t.recall * 100}%); ${pct(r.recallAnyTime)} alerted at some point`,
    `precision             ${pct(r.precision)} ${mark(r.precision >= t.precision)} (alerted outages that brought a complaint; target ≥ ${t.precision * 100}%)`,
    `lead time             median ${r.leadTimeMin.median ?? 'n/a'} min ${mark((r.leadTimeMin.median ?? -Infinity) >= t.leadMedianMin)} · p10 ${r.leadTimeMin.p10 ?? 'n/a'} min (first alert → first complaint, ${r.leadTimeMin.n} outages; target median ≥ ${t.leadMedianMin})`,
    `lead time ceiling     median ${r.leadCeilingMin ?? 'n/a'} min (detection → first complaint: what an alert at the instant of detection would give)`,
    `complaints warned     ${pct(r.warnedShare)} ${mark(r.warnedShare >= t.warnedShare)} (an alert or notice came first; target ≥ ${t.warnedShare * 100}%)`,
    `complaints avoided    ${pct(r.complaints.avoidedShare)} ${mark(r.complaints.avoidedShare >= t.avoidedShare)} (${r.complaints.control} in control → ${r.complaints.treatment} with ${r.notices} notices; target ≥ ${t.avoidedShare * 100}%)`,
    ...(r.ceiling ? [boundSummary(r.ceiling)] : []),
  ].join('\n');
}

export function targetsMissed(r: ComplaintEvalResult): string[] {
  const t = COMPLAINT_TARGETS;
  const out: string[] = [];
  if (r.recall < t.recall) out.push(`recall ${r.recall} < ${t.recall}`);
  if (r.precision < t.precision) out.push(`precision ${r.precision} < ${t.precision}`);
  if ((r.leadTimeMin.median ?? -Infinity) < t.leadMedianMin) out.push(`median lead ${r.leadTimeMin.median} min < ${t.leadMedianMin}`);
  if (r.warnedShare < t.warnedShare) out.push(`warned share ${r.warnedShare} < ${t.warnedShare}`);
  if (r.complaints.avoidedShare < t.avoidedShare) out.push(`avoided share ${r.complaints.avoidedShare} < ${t.avoidedShare}`);
  return out;
}

/**
 * The held-out outages of the control arm as tab-separated text, one per line: times in minutes
 * after the outage started ('-' when there was none), for looking into what the model missed.
 */
export function scoredTsv(scored: readonly ScoredOutage[]): string {
  const min = (at: number | null, from: number) => (at === null ? '-' : ((at - from) / 60_000).toFixed(1));
  const head = ['id', 'kind', 'customers', 'started', 'detected_min', 'alert_min', 'first_complaint_min', 'restored_min', 'complaints', 'max_p'];
  const rows = scored.map((s) =>
    [s.id, s.kind, s.customers, new Date(s.startedAt).toISOString().slice(0, 16), min(s.detectedAt, s.startedAt), min(s.alertAt, s.startedAt), min(s.firstComplaint, s.startedAt), min(s.restoredAt, s.startedAt), s.complaints, s.maxProbability.toFixed(3)].join('\t'),
  );
  return [head.join('\t'), ...rows].join('\n') + '\n';
}

export async function complaintsMain(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string', default: '1' },
      days: { type: 'string', default: '7' },
      'train-days': { type: 'string', default: '21' },
      behaviour: { type: 'string' },
      'faults-per-day': { type: 'string' },
      'reaction-s': { type: 'string', default: '120' },
      network: { type: 'string', default: 'greensboro' },
      json: { type: 'boolean', default: false },
      report: { type: 'string' },
      outages: { type: 'string' },
      record: { type: 'string' },
      'assert-targets': { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed);
  const days = Number(values.days);
  const trainDays = Number(values['train-days']);
  const reactionS = Number(values['reaction-s']);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  if (!(days > 0) || !(trainDays >= 1)) throw new Error('--days must be > 0 and --train-days ≥ 1');
  if (!(reactionS >= 0)) throw new Error('--reaction-s must be ≥ 0');
  const faultsPerDay = values['faults-per-day'] === undefined ? undefined : Number(values['faults-per-day']);
  if (faultsPerDay !== undefined && !(faultsPerDay > 0)) throw new Error('--faults-per-day must be > 0');
  let behaviour: BehaviourOverrides | undefined;
  if (values.behaviour) behaviour = loadBehaviourFile(userPath(values.behaviour)) as BehaviourOverrides;

  const t0 = performance.now();
  const shares = { control: 0, treatment: 0 };
  let shown = -1;
  const progress = (arm: 'control' | 'treatment') => (share: number) => {
    shares[arm] = share;
    const pctDone = Math.floor(Math.min(shares.control, shares.treatment) * 100);
    if (pctDone !== shown) {
      shown = pctDone;
      process.stderr.write(`\r[eval] complaints seed ${seed}: ${pctDone}% of ${trainDays + days} simulated days (control and treatment in parallel)`);
    }
  };
  const common = { network: values.network!, seed, trainDays, days, reactionS, ...(behaviour ? { behaviour } : {}), ...(faultsPerDay ? { faultsPerDay } : {}) };
  const [control, treatment] = await Promise.all([
    runArm({ ...common, arm: 'control', keepRecord: true }, progress('control')),
    runArm({ ...common, arm: 'treatment' }, progress('treatment')),
  ]);
  process.stderr.write('\n');
  const result = scoreComplaintEval(control, treatment, {
    network: values.network!,
    seed,
    trainDays,
    days,
    behaviour: values.behaviour ? path.basename(values.behaviour) : 'default',
    wallMs: Math.round(performance.now() - t0),
  });
  // The ceiling of any model on this run: an oracle knowing the customers' behaviour (evaluation only).
  process.stderr.write('[eval] scoring the oracle for the precision ceiling\n');
  const index = indexNetwork(loadNetworkFile(values.network!, process.env.INIT_CWD ?? process.cwd()));
  const b = resolveBehaviour(behaviour ?? {});
  result.ceiling = (['hour', 'outage'] as const).map((horizon) => {
    const { sweep, ...bound } = complaintBound(control.record!, index, b, { horizon, targetRecall: COMPLAINT_TARGETS.recall });
    return bound;
  });
  console.log(complaintSummary(result));
  if (values.report) {
    const file = userPath(values.report);
    writeFileSync(file, complaintReport(result));
    console.log(`report written to ${file}`);
  }
  if (values.outages) {
    const file = userPath(values.outages);
    writeFileSync(file, scoredTsv(result.scored));
    console.log(`held-out outages written to ${file}`);
  }
  if (values.record && control.record) {
    const file = userPath(values.record);
    writeFileSync(file, JSON.stringify(control.record));
    console.log(`what GridWatch recorded in the control arm written to ${file}`);
  }
  let code = 0;
  if (values['assert-targets']) {
    const missed = targetsMissed(result);
    for (const m of missed) console.error(`[eval] target missed: ${m}`);
    if (missed.length === 0) console.log('targets met');
    code = missed.length ? 1 : 0;
  }
  if (values.json) {
    const { roc, leadTimes, hourly, scored, ...figures } = result;
    console.log(JSON.stringify(figures));
  }
  return code;
}
