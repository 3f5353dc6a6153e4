import { memo, useEffect, useRef } from 'react';
import type { SparkOption } from '../echarts.ts';
import { remPx } from '../dom.ts';
import { useChart } from './useChart.ts';

export interface SparklineProps {
  /** [epoch ms, value] points, oldest first. */
  points: [number, number][];
  /** Line colour (neutral grey unless the value is abnormal). */
  color: string;
  /** Time window shown, ms; the x axis ends at the newest point. */
  windowMs: number;
  label?: string;
}

/** A small axis-less ECharts line, disposed on unmount and resized with its box. */
export const Sparkline = memo(function Sparkline({ points, color, windowMs, label }: SparklineProps) {
  const ref = useRef<HTMLDivElement>(null);
  const { chart, ready } = useChart(ref);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const rem = remPx();
    const last = points[points.length - 1]?.[0] ?? Date.now();
    // Until a full window of history exists, stretch what there is.
    const first = points[0]?.[0] ?? last;
    const span = Math.min(windowMs, Math.max(5_000, last - first));
    const option: SparkOption = {
      animation: false,
      grid: { left: 0, right: 0, top: rem * 0.2, bottom: rem * 0.1 },
      xAxis: { type: 'time', show: false, min: last - span, max: last },
      yAxis: { type: 'value', show: false, min: 0, max: (v) => (v.max > 0 ? v.max * 1.15 : 1) },
      series: [
        {
          type: 'line',
          data: points,
          showSymbol: false,
          silent: true,
          lineStyle: { color, width: Math.max(1, rem * 0.11) },
          areaStyle: { color, opacity: 0.12 },
        },
      ],
    };
    c.setOption(option, { replaceMerge: ['series'] });
  }, [points, color, windowMs, ready, chart]);

  return <div className="sparkline" ref={ref} aria-label={label} />;
});
