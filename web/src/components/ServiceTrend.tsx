import { memo, useEffect, useMemo, useRef } from 'react';
import { CHANNELS, type Channel, type ServiceHour } from '@gridwatch/shared';
import type { ComplaintsOption } from '../echarts.ts';
import type { Dict } from '../i18n.ts';
import { COLORS, cssVar, remPx } from '../dom.ts';
import { useChart } from './useChart.ts';
import { hourAxis, roundStep } from './hourAxis.ts';

export interface ServiceTrendProps {
  /** The last 24 clock hours, oldest first. */
  hours: readonly ServiceHour[];
  /** Today's contacts per channel (the legend's figures). */
  today: Record<Channel, number> | null;
  format: (n: number) => string;
  none: string;
  t: Dict;
}

/** Four neutral greys, darkest at the bottom: channels are not alarms. */
export const CHANNEL_SHADES: Record<Channel, string> = { hotline: '#8e959c', app: '#6f767d', wechat: '#565c62', hall: '#b5bbc1' };

/** Overdue rate of an hour: missed / due, null when nothing was due. */
export const overdueRate = (h: Pick<ServiceHour, 'due' | 'missed'>): number | null => (h.due > 0 ? h.missed / h.due : null);

/**
 * Work orders per clock hour over the last day: contacts by channel (stacked neutral bars) and the
 * overdue rate of the orders due in the hour (a line; its points turn red where limits were
 * missed). The legend carries today's contacts per channel.
 */
export const ServiceTrend = memo(function ServiceTrend({ hours, today, format, none, t }: ServiceTrendProps) {
  const ref = useRef<HTMLDivElement>(null);
  const { chart, ready } = useChart(ref);
  const totals = useMemo(() => {
    let due = 0;
    let missed = 0;
    for (const h of hours) {
      due += h.due;
      missed += h.missed;
    }
    return { due, missed };
  }, [hours]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const rem = remPx();
    const font = cssVar('--font', 'sans-serif');
    const axisLabel = { color: COLORS.textDim, fontSize: rem * 0.75, fontFamily: font };
    const step = roundStep(Math.max(...hours.map((h) => CHANNELS.reduce((n, c) => n + h.contacts[c], 0)), 0) / 2);
    const option: ComplaintsOption = {
      animation: false,
      grid: { left: rem * 1.6, right: rem * 2.1, top: rem * 0.5, bottom: rem * 1.3 },
      xAxis: hourAxis(hours, rem * 0.75, font),
      yAxis: [
        // Two round steps up to the busiest hour: 0, step, 2·step.
        { type: 'value', min: 0, max: 2 * step, interval: step, axisLabel, splitLine: { lineStyle: { color: COLORS.lineGrid } } },
        { type: 'value', min: 0, max: 1, interval: 0.5, axisLabel: { ...axisLabel, formatter: (v: number) => `${Math.round(v * 100)}%` }, splitLine: { show: false } },
      ],
      series: [
        ...CHANNELS.map((ch) => ({
          type: 'bar' as const,
          name: ch,
          stack: 'contacts',
          data: hours.map((h) => h.contacts[ch]),
          silent: true,
          barWidth: '62%',
          itemStyle: { color: CHANNEL_SHADES[ch] },
        })),
        {
          type: 'line',
          name: 'overdue',
          yAxisIndex: 1,
          silent: true,
          clip: false,
          connectNulls: true,
          symbolSize: rem * 0.45,
          lineStyle: { color: COLORS.text, width: Math.max(1.2, rem * 0.1) },
          // A point only where limits ended; red where some were missed.
          data: hours.map((h) => {
            const r = overdueRate(h);
            return r === null ? null : { value: r, itemStyle: { color: h.missed > 0 ? COLORS.red : COLORS.text } };
          }),
        },
      ],
    };
    c.setOption(option, { replaceMerge: ['series'] });
  }, [hours, ready, chart]);

  return (
    <div className="svc-trend" data-testid="service-trend" data-hours={hours.length} data-due={totals.due} data-missed={totals.missed}>
      <div className="svc-mix" data-testid="service-channels" title={t.service.trend.hint}>
        {CHANNELS.map((c) => {
          const n = today?.[c] ?? 0;
          return (
            <span key={c} className="svc-ch" data-channel={c} data-count={n}>
              <i className="svc-ch-sw" style={{ background: CHANNEL_SHADES[c] }} />
              <span className="svc-ch-label">{t.orders.channelShort[c]}</span>
              <span className="svc-ch-n">{today ? format(n) : none}</span>
            </span>
          );
        })}
        <span className="svc-ch svc-ch-rate">
          <i className="svc-ch-line" />
          <span className="svc-ch-label">{t.service.trend.overdueRate}</span>
        </span>
      </div>
      <div className="svc-plot" ref={ref} aria-label={t.service.trend.title} />
    </div>
  );
});
