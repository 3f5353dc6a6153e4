// Self-contained HTML report of an outage evaluation: ECharts inlined (no network needed to open
// it), latency and delay distributions, a map of true versus detected outages, and every miss and
// false positive with the evidence the engine had.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { NetworkFile, OutageDto } from '@gridwatch/shared';
import type { OutageEvalResult } from './outages.ts';

const require = createRequire(import.meta.url);

export function echartsSource(): string {
  return readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
}

export const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const iso = (ms: number | null) => (ms === null ? '–' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function histogram(values: number[], bins = 30): { x: string[]; y: number[] } {
  if (values.length === 0) return { x: [], y: [] };
  const max = Math.max(...values);
  const min = Math.min(0, ...values);
  const width = (max - min) / bins || 1;
  const y = new Array<number>(bins).fill(0);
  for (const v of values) y[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  return { x: y.map((_, i) => (min + (i + 0.5) * width).toFixed(2)), y };
}

function evidence(o: OutageDto): string {
  const notes = o.evidence.filter((e) => e.note).map((e) => `<li>${esc(e.kind)}: ${esc(e.note)}</li>`);
  const counts = new Map<string, number>();
  for (const e of o.evidence) if (!e.note) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  const summary = [...counts].map(([k, n]) => `${n}× ${esc(k)}`).join(', ');
  return `<ul>${notes.join('')}${summary ? `<li class="dim">${summary}</li>` : ''}</ul>`;
}

export function outageReport(r: OutageEvalResult, network: NetworkFile): string {
  const lat = histogram(r.matches.map((m) => m.processingMs).filter(Number.isFinite));
  const delay = histogram(r.matches.map((m) => m.delayFromLossS).filter(Number.isFinite));
  const feeders = network.feeders.flatMap((f) => f.paths.map((p) => p.map(([lon, lat]) => [lon, lat])));
  const truth = r.matches.map((m) => [m.truth.lon, m.truth.lat, m.truth.customers, m.truth.device]);
  const missed = r.misses.map((m) => [m.truth.lon, m.truth.lat, m.truth.customers, m.truth.device]);
  const detected = [...r.matches.map((m) => m.detected), ...r.falsePositives].map((d) => [d.lon, d.lat, d.customers, d.device, r.falsePositives.includes(d) ? 1 : 0]);
  const rows = (label: string, value: string) => `<tr><th>${label}</th><td>${value}</td></tr>`;
  const data = { lat, delay, feeders, truth, missed, detected };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GridWatch outage evaluation: ${esc(r.scenario)} seed ${r.seed}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;background:#1d2024;color:#d6d9de;margin:24px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse}th,td{padding:3px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #30353b}
th{color:#9aa1a9;font-weight:500}.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}.chart{height:320px;background:#23272c}
#map{height:560px;background:#23272c}.dim{color:#8b929a}ul{margin:0;padding-left:18px}.bad{color:#e5534b}
</style></head><body>
<h1>Outage engine vs ground truth — ${esc(r.scenario)} on ${esc(r.network)}, seed ${r.seed}, ${r.hours} h simulated</h1>
<table>
${rows('true outages', `${r.truth.total} (${r.truth.sustained} sustained, ${r.truth.momentary} momentary)`)}
${rows('detected (root outages)', String(r.detected))}
${rows('recall', pct(r.recall))}${rows('precision', pct(r.precision))}
${rows('exact-device localisation', pct(r.exactDevice))}${rows('fault section from indicators', pct(r.faultSection))}
${rows('customers-affected error (relative)', `${pct(r.customersError)} mean, ${pct(r.customersErrorMedian)} median`)}
${rows('momentary classification accuracy', pct(r.momentaryAccuracy))}
${rows('latency beyond hold (engine)', `p50 ${r.latencyMs.p50} ms · p95 ${r.latencyMs.p95} ms · p99 ${r.latencyMs.p99} ms`)}
${rows('delay from the loss (holds and transport included)', `p50 ${r.delayFromLossS.p50} s · p95 ${r.delayFromLossS.p95} s · p99 ${r.delayFromLossS.p99} s`)}
${rows('messages', `${r.messages.toLocaleString('en')} in ${(r.wallMs / 1000).toFixed(1)} s`)}
</table>
<div class="grid"><div><h2>Engine latency per emitted outage (ms)</h2><div id="lat" class="chart"></div></div>
<div><h2>Delay from the real loss to detection (s)</h2><div id="delay" class="chart"></div></div></div>
<h2>Map: true outages (found grey, missed red rings) and detected ones (blue; false positives orange)</h2><div id="map"></div>
<h2 class="${r.misses.length ? 'bad' : ''}">Misses (${r.misses.length})</h2>
<table><tr><th>kind</th><th>device</th><th>at</th><th>customers</th><th>what the engine had nearby</th></tr>
${r.misses.map((m) => `<tr><td>${esc(m.truth.kind)}</td><td>${esc(m.truth.device)}</td><td>${iso(m.truth.at)}</td><td>${m.truth.customers}</td><td>${m.candidates.map((c) => `<b>${esc(c.device)}</b> ${esc(c.status)} from ${iso(c.startedAt)}${evidence(c)}`).join('') || '<span class="dim">nothing</span>'}</td></tr>`).join('')}
</table>
<h2 class="${r.falsePositives.length ? 'bad' : ''}">False positives (${r.falsePositives.length})</h2>
<table><tr><th>device</th><th>status</th><th>from</th><th>to</th><th>customers</th><th>evidence</th></tr>
${r.falsePositives.map((d) => `<tr><td>${esc(d.device)}</td><td>${esc(d.status)}</td><td>${iso(d.startedAt)}</td><td>${iso(d.restoredAt)}</td><td>${d.customers}</td><td>${evidence(d)}</td></tr>`).join('')}
</table>
<h2>Located at a different device (${r.matches.filter((m) => !m.exactDevice).length})</h2>
<table><tr><th>truth</th><th>detected</th><th>evidence</th></tr>
${r.matches.filter((m) => !m.exactDevice).map((m) => `<tr><td>${esc(m.truth.kind)} ${esc(m.truth.device)} (${m.truth.customers})</td><td>${esc(m.detected.device)} (${m.detected.customers})</td><td>${evidence(m.detected)}</td></tr>`).join('')}
</table>
<script>${echartsSource()}</script>
<script>
const D = ${JSON.stringify(data)};
const axis = { axisLine: { lineStyle: { color: '#6b737c' } }, splitLine: { lineStyle: { color: '#30353b' } } };
const bar = (id, h, name) => echarts.init(document.getElementById(id), null, { renderer: 'canvas' }).setOption({
  grid: { left: 50, right: 16, top: 16, bottom: 40 }, tooltip: {},
  xAxis: { type: 'category', data: h.x, name, nameLocation: 'middle', nameGap: 26, ...axis }, yAxis: { type: 'value', ...axis },
  series: [{ type: 'bar', data: h.y, itemStyle: { color: '#6e9ecf' } }] });
bar('lat', D.lat, 'ms'); bar('delay', D.delay, 's');
const size = (c) => Math.max(4, Math.min(30, Math.sqrt(c) * 1.5));
echarts.init(document.getElementById('map')).setOption({
  tooltip: { formatter: (p) => p.data[3] + ' · ' + p.data[2] + ' customers' },
  xAxis: { type: 'value', scale: true, ...axis }, yAxis: { type: 'value', scale: true, ...axis },
  series: [
    { type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, silent: true, lineStyle: { color: '#3a4047', width: 1 }, data: D.feeders.map((c) => ({ coords: c })) },
    { name: 'true', type: 'scatter', data: D.truth, symbolSize: (v) => size(v[2]), itemStyle: { color: 'rgba(200,200,200,0.35)' } },
    { name: 'missed', type: 'scatter', data: D.missed, symbolSize: (v) => size(v[2]) + 6, itemStyle: { color: 'transparent', borderColor: '#e5534b', borderWidth: 2 } },
    { name: 'detected', type: 'scatter', data: D.detected, symbol: 'diamond', symbolSize: (v) => size(v[2]) * 0.6, itemStyle: { color: (p) => (p.data[4] ? '#f0a030' : '#6e9ecf') } },
  ],
});
</script></body></html>`;
}
