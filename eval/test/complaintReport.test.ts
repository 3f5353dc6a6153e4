// The complaint report on a hand-made result: charts, inlined ECharts, escaping, target marks,
// highlighted rows and the row cap.
import { describe, expect, it } from 'vitest';
import type { RiskModelSummary } from '@gridwatch/shared';
import type { ComplaintEvalResult, ScoredOutage } from '../src/complaints.ts';
import { complaintReport, MAX_OUTAGE_ROWS } from '../src/complaintReport.ts';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.parse('2026-06-22T04:00:00Z');

const outage = (patch: Partial<ScoredOutage>): ScoredOutage => ({
  id: 'o1', kind: 'transformer', customers: 40, startedAt: T0, detectedAt: T0 + MIN, restoredAt: T0 + 2 * H, alertAt: null, firstComplaint: null, complaints: 0, maxProbability: 0.1, ...patch,
});

const model: RiskModelSummary = {
  version: 'eval-1', trainedAt: T0, kind: 'trained', threshold: 0.35, samples: 123_456, outages: 420, auc: 0.88, recall: 0.91, precision: 0.74,
  weights: [
    { feature: 'elapsed.0-15m', weight: -0.8, oddsRatio: 0.2 },
    { feature: 'kind.transformer', weight: 1.2, oddsRatio: 3.3 },
    { feature: 'notice.etr', weight: -1.5, oddsRatio: 0.25 },
    { feature: 'sensitive', weight: 0.4, oddsRatio: 2.1 },
  ],
};

const result = (patch: Partial<ComplaintEvalResult> = {}): ComplaintEvalResult => ({
  network: 'greensboro', seed: 7, trainDays: 21, days: 7, behaviour: 'default', wallMs: 95_000, messages: 3_400_000, model, keptPrior: null,
  outages: 3, outagesWithComplaints: 2, auc: 0.87, threshold: 0.35, alerts: 2, flooded: 0,
  recall: 0.95, recallAnyTime: 0.97, precision: 0.8, leadTimeMin: { median: 14, p10: 3, n: 2 }, leadCeilingMin: 15, warnedShare: 0.93,
  complaints: { control: 100, treatment: 60, avoidedShare: 0.4 }, notices: 2,
  roc: [[0, 0], [0.1, 0.6], [0.3, 0.85], [1, 1]],
  leadTimes: [14, -3.5],
  hourly: [
    { hour: T0, predicted: 1.5, actual: 2 },
    { hour: T0 + H, predicted: 0.7, actual: 0 },
  ],
  scored: [
    outage({ id: 'warned', alertAt: T0 + 5 * MIN, firstComplaint: T0 + 19 * MIN, complaints: 3, maxProbability: 0.92, startedAt: T0 + MIN }),
    outage({ id: 'late', alertAt: T0 + 40 * MIN, firstComplaint: T0 + 36.5 * MIN, complaints: 1, maxProbability: 0.5 }),
    outage({ id: 'quiet-alert', alertAt: T0 + 70 * MIN, startedAt: T0 + H }),
  ],
  ...patch,
});

describe('complaint report', () => {
  const html = complaintReport(result());

  it('is a self-contained page with the four charts and ECharts inlined', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const id of ['roc', 'lead', 'hourly', 'weights']) expect(html).toContain(`<div id="${id}"`);
    expect(html.length).toBeGreaterThan(500_000);
    expect(html).toContain('echarts.init(');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
  });

  it('shows the figures with their targets, the model and the feature words', () => {
    expect(html).toContain('<span class="ok">✓</span>');
    expect(html).not.toContain('✗');
    expect(html).toContain('5 of 5 targets met');
    expect(html).toContain('ROC — AUC 0.87');
    expect(html).toContain('eval-1');
    expect(html).toContain('123,456');
    expect(html).toContain('notified with a restoration time'); // notice.etr in words
    expect(html).toContain('2026-06-22 04:05:00'); // the alert of "warned", UTC
  });

  it('marks a missed target with ✗', () => {
    const page = complaintReport(result({ recall: 0.5, complaints: { control: 100, treatment: 90, avoidedShare: 0.1 } }));
    expect(page).toContain('<span class="bad">✗</span>');
    expect(page.match(/<span class="bad">✗<\/span>/g)).toHaveLength(2);
    expect(page).toContain('3 of 5 targets met');
  });

  it('highlights missed complaints and false alarms, with the lead in minutes', () => {
    const rowOf = (id: string) => html.match(new RegExp(`<tr[^>]*><td>${id}</td>.*?</tr>`))?.[0] ?? '';
    expect(rowOf('warned')).toMatch(/^<tr><td>/);
    expect(rowOf('warned')).toContain('<td class="n">14.0</td>');
    expect(rowOf('warned')).toContain('92.0%');
    expect(rowOf('late')).toMatch(/^<tr class="missed">/);
    expect(rowOf('late')).toContain('<td class="n">-3.5</td>');
    expect(rowOf('quiet-alert')).toMatch(/^<tr class="false-alarm">/);
    expect(rowOf('quiet-alert')).toContain('<td>–</td>');
    // sorted by start
    expect(html.indexOf('<td>late</td>')).toBeLessThan(html.indexOf('<td>warned</td>'));
    expect(html.indexOf('<td>warned</td>')).toBeLessThan(html.indexOf('<td>quiet-alert</td>'));
  });

  it('escapes outage ids and kinds', () => {
    const page = complaintReport(result({ scored: [outage({ id: '<script>alert("x")</script>', kind: 'a&b' })] }));
    expect(page).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(page).not.toContain('<script>alert(');
    expect(page).toContain('<td>a&#38;b</td>');
  });

  it(`lists at most ${MAX_OUTAGE_ROWS} outages, with a note`, () => {
    const many = Array.from({ length: 620 }, (_, i) => outage({ id: `o${String(i).padStart(4, '0')}`, startedAt: T0 + i * MIN }));
    const page = complaintReport(result({ scored: many }));
    expect(page).toContain(`Showing the first ${MAX_OUTAGE_ROWS} of 620 outages`);
    expect(page).toContain('<td>o0499</td>');
    expect(page).not.toContain('<td>o0500</td>');
    expect(html).not.toContain('Showing the first');
  });

  it('copes with an empty result', () => {
    const page = complaintReport(result({ auc: null, roc: [], leadTimes: [], hourly: [], scored: [], leadTimeMin: { median: null, p10: null, n: 0 }, model: { ...model, kind: 'prior', auc: null, recall: null, precision: null, weights: [] } }));
    expect(page).toContain('ROC — AUC n/a');
    expect(page).toContain('Held-out outages (0)');
  });
});
