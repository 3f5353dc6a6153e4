// Demand shapes by customer type and local hour, in kW. Rough but recognisable on a chart:
// residential evening peak, commercial daytime plateau, industrial flat, critical flat-high.
import type { CustomerType } from '@gridwatch/shared';

/** Gaussian bump around `centre` (hours), wrapping at midnight. */
const bump = (hour: number, centre: number, width: number) => {
  const d = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
  return Math.exp(-(d * d) / (2 * width * width));
};

export function loadKw(type: CustomerType, localHour: number): number {
  switch (type) {
    case 'residential':
      return 0.25 + 0.35 * bump(localHour, 7.5, 1.2) + 1.1 * bump(localHour, 20, 1.8);
    case 'commercial':
      return 0.8 + 4 * bump(localHour, 14, 3.5);
    case 'industrial':
      return 40;
    case 'critical':
      return 60;
  }
}
