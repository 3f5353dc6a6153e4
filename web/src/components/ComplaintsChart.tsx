import { memo, useEffect, useMemo, useRef } from 'react';
import type { ComplaintHour } from '@gridwatch/shared';
import type { ComplaintsOption } from '../echarts.ts';
import type { Dict } from '../i18n.ts';
import { COLORS, cssVar, remPx } from '../dom.ts';
import { useChart } from './useChart.ts';
import { hourAxis } from './hourAxis.ts';

export interface ComplaintsChartProps {
  /** The last 24 clock hours, oldest first. */
  hours: readonly ComplaintHour[];
  t: Dict;
}

/**
 * Complaints per clock hour: what came (bars, neutral) against what the model predicted (a
 * dashed line). Neither is an alarm by itself, so no colour.
 */
export const ComplaintsChart = memo(function ComplaintsChart({ hours, t }: ComplaintsChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const { chart, ready } = useChart(ref);
  const totals = useMemo(() => hours.reduce((s, h) => ({ actual: s.actual + h.actual, predicted: s.predicted + h.predicted }), { actual: 0, predicted: 0 }), [hours]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const rem = remPx();
    const font = cssVar('--font', 'sans-serif');
    const option: ComplaintsOption = {
      animation: false,
      grid: { left: rem * 1.6, right: rem * 0.3, top: rem * 0.6, bottom: rem * 1.4 },
      xAxis: hourAxis(hours, rem * 0.8, font),
      yAxis: {
        type: 'value',
        min: 0,
        minInterval: 1,
        max: (v) => Math.max(2, Math.ceil(v.max * 1.15)),
        splitNumber: 2,
        axisLabel: { color: COLORS.textDim, fontSize: rem * 0.8, fontFamily: font },
        splitLine: { lineStyle: { color: COLORS.lineGrid } },
      },
      series: [
        { type: 'bar', name: 'actual', data: hours.map((h) => h.actual), silent: true, barWidth: '62%', itemStyle: { color: COLORS.node, opacity: 0.75 } },
        {
          type: 'line',
          name: 'predicted',
          data: hours.map((h) => h.predicted),
          silent: true,
          showSymbol: false,
          lineStyle: { color: COLORS.text, width: Math.max(1.5, rem * 0.14), type: 'dashed' },
        },
      ],
    };
    c.setOption(option, { replaceMerge: ['series'] });
  }, [hours, ready, chart]);

  return (
    <div className="complaints-chart" data-testid="complaints-chart" data-hours={hours.length} data-actual={totals.actual} data-predicted={totals.predicted.toFixed(1)}>
      <div className="cc-legend">
        <span className="cc-lg">
          <i className="cc-bar" />
          {t.complaints.actual}
        </span>
        <span className="cc-lg">
          <i className="cc-line" />
          {t.complaints.predicted}
        </span>
        <span className="cc-span">{t.complaints.last24h}</span>
      </div>
      <div className="cc-plot" ref={ref} aria-label={t.complaints.chartTitle} />
    </div>
  );
});
