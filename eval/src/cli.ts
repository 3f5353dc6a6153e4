// `pnpm eval outages …`: scores the outage engine against simulator ground truth.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadNetworkFile } from '@gridwatch/shared/node';
import { runOutageEval, type OutageEvalResult } from './outages.ts';
import { outageReport } from './report.ts';
import { COMPLAINT_HELP, complaintsMain } from './complaintsCli.ts';
import { ORDERS_HELP, ordersMain } from './ordersCli.ts';
import { REPLAY_HELP, replayMain } from './replayModel.ts';
import { BOUND_HELP, boundMain } from './complaintBound.ts';

const HELP = `GridWatch evaluation harness

Usage:
  pnpm eval outages [--scenario storm] [--seed 1] [--network greensboro] [--hours 12] [--faults n]
                    [--json] [--report <file.html>]
  pnpm eval outages … --assert-targets      exit 1 unless recall and precision ≥ 0.95, exact device ≥ 0.90
                                            and momentary accuracy ≥ 0.95 (CI runs this on the storm)
  pnpm eval outages --suite [--seeds 1,2,3] [--json]
                    every scenario on the Greensboro network, the storm with several seeds;
                    prints a Markdown table (the one in the README)

Runs a simulator scenario in-process with a virtual clock through GridWatch's own ingest and
outage engine, then compares the outages with the simulator's ground truth. Prints recall,
precision, exact-device localisation, customers-affected error, momentary accuracy and the
detection latency. --json prints one JSON object on the last line.

${COMPLAINT_HELP}
${REPLAY_HELP}
${BOUND_HELP}
${ORDERS_HELP}
`;

const TARGETS = { recall: 0.95, precision: 0.95, exactDevice: 0.9, momentaryAccuracy: 0.95 } as const;

const userPath = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

function summary(r: OutageEvalResult): string {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  return [
    `scenario ${r.scenario} · network ${r.network} · seed ${r.seed} · ${r.hours} h simulated · ${r.messages.toLocaleString('en')} messages in ${(r.wallMs / 1000).toFixed(1)} s`,
    `true outages          ${r.truth.total} (${r.truth.sustained} sustained, ${r.truth.momentary} momentary)`,
    `detected (root)       ${r.detected}`,
    `recall                ${pct(r.recall)}`,
    `precision             ${pct(r.precision)}`,
    `exact device          ${pct(r.exactDevice)}`,
    `fault section (FCI)   ${pct(r.faultSection)}`,
    `customers error       ${(r.customersError * 100).toFixed(1)}% mean absolute, ${(r.customersErrorMedian * 100).toFixed(1)}% median`,
    `momentary accuracy    ${pct(r.momentaryAccuracy)}`,
    `latency beyond hold   p50 ${r.latencyMs.p50} ms · p95 ${r.latencyMs.p95} ms · p99 ${r.latencyMs.p99} ms (engine time from the decisive message or hold expiry)`,
    `delay from the loss   p50 ${r.delayFromLossS.p50} s · p95 ${r.delayFromLossS.p95} s · p99 ${r.delayFromLossS.p99} s (includes transport delays and holds)`,
    `misses                ${r.misses.length}${r.misses.length ? ': ' + r.misses.slice(0, 5).map((m) => `${m.truth.kind} ${m.truth.device}`).join(', ') : ''}`,
    `false positives       ${r.falsePositives.length}${r.falsePositives.length ? ': ' + r.falsePositives.slice(0, 5).map((d) => `${d.status} ${d.device}`).join(', ') : ''}`,
  ].join('\n');
}

const SUITE_SCENARIOS: [scenario: string, hours: number, options?: Record<string, number>][] = [
  ['transformer-failure', 6], ['feeder-lockout', 8], ['reclose-success', 2], ['planned', 6], ['chronic-line', 24, { spanS: 24 * 3600 }],
  ['voltage-complaints', 2], ['customer-side', 3], ['station-area-outage', 2], ['comm-loss', 4], ['demo', 6],
];

function suite(seeds: number[], json: boolean): number {
  const network = loadNetworkFile('greensboro');
  const runs: [string, number, number, Record<string, number>?][] = [
    ...seeds.map((seed) => ['storm', seed, 12] as [string, number, number]),
    ...SUITE_SCENARIOS.map(([s, h, opts]) => [s, 1, h, opts] as [string, number, number, Record<string, number>?]),
  ];
  const results: OutageEvalResult[] = [];
  const line = (r: OutageEvalResult) =>
    `| ${r.scenario} | ${r.seed} | ${r.truth.total} (${r.truth.momentary} mom.) | ${r.detected} | ${f(r.recall)} | ${f(r.precision)} | ${f(r.exactDevice)} | ${f(r.customersError)} | ${f(r.momentaryAccuracy)} | ${r.faultSection === null ? '–' : f(r.faultSection)} | ${r.latencyMs.p50} / ${r.latencyMs.p99} | ${r.delayFromLossS.p50} |`;
  const f = (x: number) => x.toFixed(3);
  console.log('| scenario | seed | true outages | detected | recall | precision | exact device | customers error (mean) | momentary acc. | fault section | engine ms p50 / p99 | s from loss p50 |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [scenario, seed, hours, scenarioOptions] of runs) {
    const r = runOutageEval({ network, networkName: 'greensboro', scenario, seed, hours, ...(scenarioOptions ? { scenarioOptions } : {}) });
    results.push(r);
    console.log(line(r));
  }
  const storms = results.filter((r) => r.scenario === 'storm');
  const worst = (k: 'recall' | 'precision' | 'exactDevice' | 'momentaryAccuracy') => Math.min(...storms.map((r) => r[k]));
  console.log(`\nstorm, worst of ${storms.length} seeds: recall ${f(worst('recall'))} · precision ${f(worst('precision'))} · exact device ${f(worst('exactDevice'))} · momentary ${f(worst('momentaryAccuracy'))}`);
  if (json) console.log(JSON.stringify(results.map(({ matches, misses, falsePositives, ...x }) => ({ ...x, misses: misses.length, falsePositives: falsePositives.length }))));
  return 0;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return 0;
  }
  if (command === 'complaints') return complaintsMain(rest);
  if (command === 'orders') return ordersMain(rest);
  if (command === 'complaints-replay') return replayMain(rest);
  if (command === 'complaints-bound') return boundMain(rest);
  if (command !== 'outages') {
    console.error(`unknown evaluation "${command}"\n\n${HELP}`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      scenario: { type: 'string', default: 'storm' },
      seed: { type: 'string', default: '1' },
      network: { type: 'string', default: 'greensboro' },
      hours: { type: 'string', default: '12' },
      faults: { type: 'string' },
      json: { type: 'boolean', default: false },
      report: { type: 'string' },
      suite: { type: 'boolean', default: false },
      'assert-targets': { type: 'boolean', default: false },
      seeds: { type: 'string', default: '1,2,3' },
    },
  });
  if (values.suite) return suite(values.seeds!.split(',').map(Number), values.json!);
  const seed = Number(values.seed);
  const hours = Number(values.hours);
  if (!Number.isInteger(seed) || !(hours > 0)) {
    console.error('--seed must be an integer and --hours a positive number');
    return 2;
  }
  const network = loadNetworkFile(values.network!, process.env.INIT_CWD ?? process.cwd());
  let last = -1;
  const result = runOutageEval({
    network,
    networkName: values.network!,
    scenario: values.scenario!,
    seed,
    hours,
    ...(values.faults ? { faults: Number(values.faults) } : {}),
    progress: (share) => {
      const pct = Math.floor(share * 10);
      if (pct !== last) {
        last = pct;
        process.stderr.write(`\r[eval] ${values.scenario} seed ${seed}: ${pct * 10}% simulated`);
      }
    },
  });
  process.stderr.write('\n');
  console.log(summary(result));
  if (values.report) {
    const file = userPath(values.report);
    writeFileSync(file, outageReport(result, network));
    console.log(`report written to ${file}`);
  }
  let code = 0;
  if (values['assert-targets']) {
    // The storm targets of the outage-engine issue; CI runs this so a regression fails the build.
    const failed = Object.entries(TARGETS).filter(([k, min]) => (result[k as keyof typeof TARGETS] as number) < min);
    for (const [k, min] of failed) console.error(`[eval] target missed: ${k} ${result[k as keyof typeof TARGETS]} < ${min}`);
    if (failed.length === 0) console.log(`targets met: ${Object.entries(TARGETS).map(([k, min]) => `${k} ≥ ${min}`).join(', ')}`);
    code = failed.length ? 1 : 0;
  }
  if (values.json) {
    const { matches, misses, falsePositives, ...figures } = result;
    console.log(JSON.stringify({ ...figures, misses: misses.length, falsePositives: falsePositives.length, matched: matches.length }));
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[eval] ${(err as Error).message}`);
    process.exit(1);
  },
);
