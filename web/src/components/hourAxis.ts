// What the wall's hourly charts share (complaints per hour, the work orders' trend): the clock-hour
// category axis labelled every six hours, and round value-axis steps. Type-only use of ECharts.
import type { ComplaintsOption } from '../echarts.ts';
import { COLORS } from '../dom.ts';

/** The local clock hour of `ms`, two digits. */
export const clockHour = (ms: number) => String(new Date(ms).getHours()).padStart(2, '0');

/** A category axis of the given clock hours, labelled at 00, 06, 12 and 18 only. */
export function hourAxis(hours: readonly { hour: number }[], fontPx: number, font: string): NonNullable<ComplaintsOption['xAxis']> {
  return {
    type: 'category',
    data: hours.map((h) => clockHour(h.hour)),
    axisTick: { show: false },
    axisLine: { lineStyle: { color: COLORS.lineDim } },
    axisLabel: { interval: 0, color: COLORS.textDim, fontSize: fontPx, fontFamily: font, formatter: (v: string) => (Number(v) % 6 === 0 ? v : '') },
  };
}

/** The smallest of 1, 2, 5 × 10^k (at least 1) that is ≥ x: a round axis step. */
export function roundStep(x: number): number {
  if (!(x > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
