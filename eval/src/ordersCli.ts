// `pnpm eval orders …`: simulated days of work orders, worked by the simulated workforce; prints
// the service KPIs of the run.
import { parseArgs } from 'node:util';
import { loadNetworkFile } from '@gridwatch/shared/node';
import { runOrderDay } from './workorders.ts';

export const ORDERS_HELP = `  pnpm eval orders [--seed 1] [--days 1] [--network demo] [--faults-per-day 24] [--json]
                    runs the daily scenario through ingest, the outage engine and the work-order
                    desk, with simulated grid teams and callback desk working the orders; prints
                    the service KPIs, orders per triage result and classification accuracy`;

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

export async function ordersMain(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string', default: '1' },
      days: { type: 'string', default: '1' },
      network: { type: 'string', default: 'demo' },
      'faults-per-day': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed);
  const days = Number(values.days);
  if (!Number.isInteger(seed) || !(days > 0)) {
    console.error('--seed must be an integer and --days a positive number');
    return 2;
  }
  const network = loadNetworkFile(values.network!, process.env.INIT_CWD ?? process.cwd());
  const r = runOrderDay({ network, seed, days, readingIntervalS: 900, ...(values['faults-per-day'] ? { faultsPerDay: Number(values['faults-per-day']) } : {}) });
  const k = r.kpis;
  const live = r.orders.filter((o) => o.mergedInto === null);
  const triage: Record<string, number> = {};
  for (const o of live) triage[o.triage.result] = (triage[o.triage.result] ?? 0) + 1;
  console.log(
    [
      `orders · network ${values.network} · seed ${seed} · ${days} d simulated in ${(r.wallMs / 1000).toFixed(1)} s`,
      `contacts              ${k.contacts} (${Object.entries(k.channelMix).map(([c, n]) => `${c} ${n}`).join(', ')}); complaints ${k.complaints} (${k.complaintsPer10k.toFixed(1)} per 10,000 customers)`,
      `orders                ${k.orders} (${r.orders.length - live.length} more merged); closed ${k.closedOrders}, open ${k.openOrders}; workforce steps ${r.steps}`,
      `triage                ${Object.entries(triage).map(([t, n]) => `${t} ${n}`).join(', ')}`,
      `classification        ${pct(r.classificationAccuracy)} of contacts in the category the customer meant`,
      `overdue rate          ${pct(k.overdueRate)} (${k.overdueOrders})`,
      `first-contact resol.  ${pct(k.firstContactResolution)}`,
      `satisfaction          ${k.satisfactionMean?.toFixed(2) ?? 'n/a'} / 5, ${pct(k.satisfied)} satisfied`,
      `repeat complaints     ${pct(k.repeatComplaintRate)}`,
      `warned                ${pct(k.warnedShare)} of ${k.outageComplaints} outage complaints (no early warning in this run)`,
    ].join('\n'),
  );
  if (values.json) console.log(JSON.stringify({ seed, days, network: values.network, wallMs: r.wallMs, classificationAccuracy: r.classificationAccuracy, triage, ...k }));
  return 0;
}
