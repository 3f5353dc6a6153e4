// Self-contained HTML report of a complaint early-warning evaluation: ECharts inlined (opens
// offline), the figures against their targets, the ROC curve, lead times, predicted versus actual
// complaints per hour, the model's weights in words, and every held-out outage with its alert and
// first complaint (missed complaints and false alarms highlighted).
import { FEATURES } from '@gridwatch/server/risk';
import type { ComplaintEvalResult, ScoredOutage } from './complaints.ts';
import { COMPLAINT_TARGETS, complaintSummary, targetsMissed } from './complaintsCli.ts';
import { echartsSource, esc } from './report.ts';

const MIN = 60_000;
/** Rows of the outage table; the rest are counted in a note. */
export const MAX_OUTAGE_ROWS = 500;

const iso = (ms: number | null) => (ms === null ? '–' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const int = (x: number) => x.toLocaleString('en');
/** JSON for a <script> block: no "</script>" or "<!--" can close it early. */
const scriptJson = (x: unknown) => JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** A complaint came with no alert before it. */
const isMissed = (s: ScoredOutage) => s.firstComplaint !== null && !(s.alertAt !== null && s.alertAt < s.firstComplaint);
/** Alerted, and no complaint came. */
const isFalseAlarm = (s: ScoredOutage) => s.alertAt !== null && s.firstComplaint === null;
const leadMin = (s: ScoredOutage) => (s.alertAt !== null && s.firstComplaint !== null ? (s.firstComplaint - s.alertAt) / MIN : null);

const NICE_WIDTHS = [1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 720, 1440];

/**
 * Lead-time bins on whole minutes, edges at multiples of the width (so 0 and, for narrow bins, the
 * target are edges), wide enough to show 0 and the target; at most `maxBins`.
 */
function leadBins(values: readonly number[], target: number, maxBins = 40): { lo: number; hi: number; width: number; bins: [number, number][] } {
  const min = Math.min(0, target, ...values);
  const max = Math.max(0, target, ...values);
  const span = (w: number) => Math.floor(max / w) * w + w - Math.floor(min / w) * w;
  const width = NICE_WIDTHS.find((w) => span(w) / w <= maxBins) ?? Math.ceil(span(1440) / 1440 / maxBins) * 1440;
  const lo = Math.floor(min / width) * width;
  const hi = Math.floor(max / width) * width + width;
  const n = Math.round((hi - lo) / width);
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.floor((v - lo) / width))]!++;
  return { lo, hi, width, bins: counts.map((c, i) => [lo + (i + 0.5) * width, c]) };
}

/** The summary's "label   value" lines as table rows, ✓ and ✗ coloured. */
function summaryRows(summary: string): { title: string; rows: string } {
  const [title = '', ...lines] = summary.split('\n');
  const rows = lines.map((line) => {
    const m = /^(\S.*?)\s{2,}(.*)$/.exec(line);
    const [label, value] = m ? [m[1]!, m[2]!] : ['', line];
    const marked = esc(value).replace(/✓/g, '<span class="ok">✓</span>').replace(/✗/g, '<span class="bad">✗</span>');
    return `<tr${value.includes('✗') ? ' class="missed-target"' : ''}><th>${esc(label)}</th><td>${marked}</td></tr>`;
  });
  return { title, rows: rows.join('\n') };
}

export function complaintReport(r: ComplaintEvalResult): string {
  const T = COMPLAINT_TARGETS;
  const { title, rows: figures } = summaryRows(complaintSummary(r));
  const missedTargets = targetsMissed(r);
  const targetCount = Object.keys(T).length;

  const words = new Map(FEATURES.map((f) => [f.name, f.en]));
  const weights = [...r.model.weights]
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .map((w) => ({ feature: w.feature, en: words.get(w.feature) ?? '', weight: w.weight, oddsRatio: w.oddsRatio }));

  const sorted = [...r.scored].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  const shown = sorted.slice(0, MAX_OUTAGE_ROWS);
  const missed = r.scored.filter(isMissed).length;
  const falseAlarms = r.scored.filter(isFalseAlarm).length;
  const totalPredicted = r.hourly.reduce((s, h) => s + h.predicted, 0);
  const totalActual = r.hourly.reduce((s, h) => s + h.actual, 0);

  const data = {
    auc: r.auc,
    roc: r.roc,
    lead: { ...leadBins(r.leadTimes, T.leadMedianMin), target: T.leadMedianMin, n: r.leadTimes.length },
    hourly: {
      actual: r.hourly.map((h) => [h.hour + 30 * MIN, h.actual]),
      predicted: r.hourly.map((h) => [h.hour + 30 * MIN, h.predicted]),
    },
    weights,
  };

  const kv = (label: string, value: string) => `<tr><th>${esc(label)}</th><td>${value}</td></tr>`;
  const row = (s: ScoredOutage) => {
    const cls = isMissed(s) ? 'missed' : isFalseAlarm(s) ? 'false-alarm' : '';
    const lead = leadMin(s);
    return `<tr${cls ? ` class="${cls}"` : ''}><td>${esc(s.id)}</td><td>${esc(s.kind)}</td><td class="n">${int(s.customers)}</td><td>${iso(s.startedAt)}</td><td>${iso(s.alertAt)}</td><td>${iso(s.firstComplaint)}</td><td class="n">${lead === null ? '–' : lead.toFixed(1)}</td><td class="n">${int(s.complaints)}</td><td class="n">${pct(s.maxProbability)}</td><td>${cls === 'missed' ? 'missed' : cls === 'false-alarm' ? 'false alarm' : ''}</td></tr>`;
  };

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GridWatch complaint early-warning evaluation: seed ${esc(r.seed)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;background:#1d2024;color:#d6d9de;margin:24px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse}th,td{padding:3px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #30353b}
th{color:#9aa1a9;font-weight:500}.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}.chart{height:340px;background:#23272c}
.dim{color:#8b929a}.bad{color:#e5534b}.ok{color:#57ab5a}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.missed-target th{color:#e5534b}tr.missed td{background:#3b2326}tr.false-alarm td{background:#3a3220}
.key{display:inline-block;width:12px;height:12px;vertical-align:-1px;margin:0 4px 0 12px}
</style></head><body>
<h1>Complaint early warning vs ground truth — seed ${esc(r.seed)}, trained on ${esc(r.trainDays)} d, held out ${esc(r.days)} d</h1>
<p class="dim">${esc(title)}</p>
<h2 class="${missedTargets.length ? 'bad' : 'ok'}">Figures — ${targetCount - missedTargets.length} of ${targetCount} targets met</h2>
<table>
${figures}
</table>
<h2>Model</h2>
<table>
${kv('version', esc(r.model.version))}
${kv('kind', `${esc(r.model.kind)}${r.keptPrior ? ` <span class="dim">(kept the prior: ${esc(r.keptPrior)})</span>` : ''}`)}
${kv('trained at', `${iso(r.model.trainedAt)} UTC`)}
${kv('alert threshold', `${esc(r.threshold)} <span class="dim">(probability of a complaint within the hour; model: ${esc(r.model.threshold)})</span>`)}
${kv('training samples', `${int(r.model.samples)} from ${int(r.model.outages)} outages`)}
${kv('held out at training', `AUC ${esc(r.model.auc ?? 'n/a')} · recall ${pct(r.model.recall)} · precision ${pct(r.model.precision)}`)}
</table>
<div class="grid">
<div><h2>ROC — AUC ${esc(r.auc ?? 'n/a')} <span class="dim">(outage × 5-min instant: a complaint within the next hour)</span></h2><div id="roc" class="chart"></div></div>
<div><h2>Lead time, first alert → first complaint (min) <span class="dim">· median ${esc(r.leadTimeMin.median ?? 'n/a')} · p10 ${esc(r.leadTimeMin.p10 ?? 'n/a')} · ${int(r.leadTimeMin.n)} outages; below 0 the alert came late; target median ≥ ${esc(T.leadMedianMin)}</span></h2><div id="lead" class="chart"></div></div>
</div>
<h2>Complaints per hour, held-out days (UTC) <span class="dim">· predicted ${esc(totalPredicted.toFixed(1))} · actual ${int(totalActual)}</span></h2><div id="hourly" class="chart"></div>
<h2>Model weights (standardised, largest magnitude first) <span class="dim">· <span class="key" style="background:#e5534b"></span>raises the risk <span class="key" style="background:#6e9ecf"></span>lowers it</span></h2>
<div id="weights" class="chart" style="height:${Math.max(240, weights.length * 22 + 60)}px"></div>
<h2>Held-out outages (${int(r.scored.length)}) <span class="dim">· times UTC · <span class="key" style="background:#3b2326"></span>missed: a complaint with no alert before it (${int(missed)}) <span class="key" style="background:#3a3220"></span>false alarm: alerted, no complaint (${int(falseAlarms)})</span></h2>
${sorted.length > MAX_OUTAGE_ROWS ? `<p class="bad">Showing the first ${int(MAX_OUTAGE_ROWS)} of ${int(sorted.length)} outages by start; ${int(sorted.length - MAX_OUTAGE_ROWS)} more not listed.</p>` : ''}
<table><tr><th>outage</th><th>kind</th><th>customers</th><th>started</th><th>alert</th><th>first complaint</th><th>lead (min)</th><th>complaints</th><th>max probability</th><th></th></tr>
${shown.map(row).join('\n')}
</table>
<script>${echartsSource()}</script>
<script>
const D = ${scriptJson(data)};
const axis = { axisLine: { lineStyle: { color: '#6b737c' } }, splitLine: { lineStyle: { color: '#30353b' } }, axisLabel: { color: '#9aa1a9' }, nameTextStyle: { color: '#9aa1a9' } };
const base = { useUTC: true, textStyle: { color: '#d6d9de' }, tooltip: { trigger: 'axis' } };
const none = (empty) => (empty ? { graphic: { type: 'text', left: 'center', top: 'middle', style: { text: 'no data', fill: '#8b929a', fontSize: 14 } } } : {});
const chart = (id, option) => echarts.init(document.getElementById(id), null, { renderer: 'canvas' }).setOption(Object.assign({}, base, option));
const utc = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

chart('roc', Object.assign({
  title: { text: 'AUC ' + (D.auc === null ? 'n/a' : D.auc.toFixed(3)), left: 'center', top: 6, textStyle: { color: '#d6d9de', fontSize: 13 } },
  grid: { left: 50, right: 20, top: 36, bottom: 44 },
  tooltip: { trigger: 'item', formatter: (p) => 'false positive rate ' + (p.data[0] * 100).toFixed(1) + '%<br>true positive rate ' + (p.data[1] * 100).toFixed(1) + '%' },
  xAxis: Object.assign({ type: 'value', min: 0, max: 1, name: 'false positive rate', nameLocation: 'middle', nameGap: 26 }, axis),
  yAxis: Object.assign({ type: 'value', min: 0, max: 1, name: 'true positive rate', nameLocation: 'middle', nameGap: 34 }, axis),
  series: [
    { name: 'chance', type: 'line', data: [[0, 0], [1, 1]], symbol: 'none', silent: true, lineStyle: { color: '#6b737c', type: 'dashed' } },
    { name: 'ROC', type: 'line', data: D.roc, showSymbol: false, lineStyle: { color: '#6e9ecf', width: 2 }, areaStyle: { color: 'rgba(110,158,207,0.12)' } },
  ],
}, none(D.roc.length === 0)));

chart('lead', Object.assign({
  grid: { left: 50, right: 20, top: 28, bottom: 44 },
  tooltip: { trigger: 'item', formatter: (p) => (p.data[0] - D.lead.width / 2) + ' to ' + (p.data[0] + D.lead.width / 2) + ' min: ' + p.data[1] + ' outages' },
  xAxis: Object.assign({ type: 'value', min: D.lead.lo, max: D.lead.hi, name: 'min (bins of ' + D.lead.width + ')', nameLocation: 'middle', nameGap: 26 }, axis),
  yAxis: Object.assign({ type: 'value', minInterval: 1, name: 'outages', nameLocation: 'middle', nameGap: 34 }, axis),
  series: [{
    type: 'bar', data: D.lead.bins, barCategoryGap: '8%',
    itemStyle: { color: (p) => (p.data[0] < 0 ? '#e5534b' : p.data[0] < D.lead.target ? '#f0a030' : '#6e9ecf') },
    markLine: { symbol: 'none', silent: true, data: [
      { xAxis: 0, lineStyle: { color: '#9aa1a9', type: 'solid' }, label: { formatter: '0', color: '#9aa1a9' } },
      { xAxis: D.lead.target, lineStyle: { color: '#57ab5a', type: 'dashed' }, label: { formatter: 'target ' + D.lead.target + ' min', color: '#57ab5a' } },
    ] },
  }],
}, none(D.lead.n === 0)));

chart('hourly', Object.assign({
  grid: { left: 50, right: 20, top: 36, bottom: 70 },
  legend: { top: 6, textStyle: { color: '#d6d9de' } },
  tooltip: { trigger: 'axis', formatter: (ps) => utc(ps[0].data[0] - 1800000) + '–' + utc(ps[0].data[0] + 1800000).slice(11) + ' UTC' + ps.map((p) => '<br>' + p.marker + p.seriesName + ': ' + p.data[1]).join('') },
  xAxis: Object.assign({ type: 'time' }, axis),
  yAxis: Object.assign({ type: 'value', name: 'complaints', nameLocation: 'middle', nameGap: 34 }, axis),
  dataZoom: [{ type: 'inside' }, { type: 'slider', bottom: 12, height: 20, textStyle: { color: '#9aa1a9' } }],
  series: [
    { name: 'actual', type: 'bar', data: D.hourly.actual, barCategoryGap: '10%', itemStyle: { color: '#6b737c' } },
    { name: 'predicted', type: 'line', data: D.hourly.predicted, showSymbol: false, lineStyle: { color: '#f0a030', width: 2 }, itemStyle: { color: '#f0a030' } },
  ],
}, none(D.hourly.actual.length === 0)));

chart('weights', Object.assign({
  grid: { left: 8, right: 30, top: 10, bottom: 30, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
  tooltip: { trigger: 'item', formatter: (p) => p.data.feature + (p.data.en ? ' — ' + p.data.en : '') + ': ' + p.data.value + ' (odds ×' + p.data.odds + ' per unit)' },
  xAxis: Object.assign({ type: 'value', name: 'standardised weight', nameLocation: 'middle', nameGap: 24 }, axis),
  yAxis: Object.assign({}, axis, { type: 'category', inverse: true, data: D.weights.map((w) => w.feature + (w.en ? ' · ' + w.en : '')), axisLabel: { color: '#c4c9cf' }, splitLine: { show: false } }),
  series: [{
    type: 'bar', barCategoryGap: '25%',
    data: D.weights.map((w) => ({ value: w.weight, feature: w.feature, en: w.en, odds: w.oddsRatio, itemStyle: { color: w.weight >= 0 ? '#e5534b' : '#6e9ecf' }, label: { position: w.weight >= 0 ? 'right' : 'left' } })),
    label: { show: true, color: '#9aa1a9', formatter: (p) => p.value.toFixed(2) },
  }],
}, none(D.weights.length === 0)));
</script></body></html>`;
}
