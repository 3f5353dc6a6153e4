import { memo, useMemo, type ReactNode } from 'react';
import type { ComplaintHour, Kpis, KpiPoint } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale } from '../i18n.ts';
import { complaintsToday, formatShare } from '../state.ts';
import { COLORS } from '../dom.ts';
import { Sparkline } from './Sparkline.tsx';
import { ComplaintsChart } from './ComplaintsChart.tsx';

const WINDOW_MS = 10 * 60_000;

interface TileProps {
  name: string;
  label: string;
  value: string;
  unit?: string;
  alarm?: boolean;
  sub?: string;
  spark?: [number, number][];
  sparkLabel?: string;
  /** Instead of a sparkline: a chart of its own. */
  children?: ReactNode;
}

function Tile({ name, label, value, unit, alarm, sub, spark, sparkLabel, children }: TileProps) {
  return (
    <section className={`kpi-tile${alarm ? ' alarm' : ''}${children ? ' with-chart' : ''}`} data-kpi={name}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value-row">
        <span className="kpi-value" data-testid={`kpi-${name}`}>
          {value}
        </span>
        {unit ? <span className="kpi-unit">{unit}</span> : null}
      </div>
      <div className="kpi-sub">{sub ?? '\u00a0'}</div>
      {spark ? (
        <div className="kpi-spark">
          <Sparkline points={spark} color={alarm ? COLORS.red : COLORS.line} windowMs={WINDOW_MS} label={sparkLabel} />
        </div>
      ) : null}
      {children ? <div className="kpi-chart">{children}</div> : null}
    </section>
  );
}

function series(history: readonly KpiPoint[], pick: (p: KpiPoint) => number): [number, number][] {
  return history.map((p) => [p.at, pick(p)]);
}

export interface KpiPanelProps {
  kpis: Kpis | null;
  /** Whether an unplanned grid outage is active (planned / customer-side ones are no alarm). */
  alarm: boolean;
  history: readonly KpiPoint[];
  /** Complaints per clock hour, predicted vs actual (the last 24). */
  complaintHours: readonly ComplaintHour[];
  /** Server time, coarse (a minute is enough): which hours are today. */
  nowServer: number;
  t: Dict;
  lang: Lang;
}

export const KpiPanel = memo(function KpiPanel({ kpis, alarm, history, complaintHours, nowServer, t, lang }: KpiPanelProps) {
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang), { maximumFractionDigits: 0 }), [lang]);
  const nf1 = useMemo(() => new Intl.NumberFormat(numberLocale(lang), { maximumFractionDigits: 1, minimumFractionDigits: 1 }), [lang]);
  const nf3 = useMemo(() => new Intl.NumberFormat(numberLocale(lang), { maximumFractionDigits: 3, minimumFractionDigits: 3 }), [lang]);
  const rate = (v: number) => (v >= 100 ? nf.format(v) : nf1.format(v));
  const none = t.noData;

  const msgSeries = useMemo(() => series(history, (p) => p.messagesPerSec), [history]);
  const outSeries = useMemo(() => series(history, (p) => p.activeOutages), [history]);
  const custSeries = useMemo(() => series(history, (p) => p.customersOut), [history]);
  const first = history[0]?.at ?? 0;
  const last = history[history.length - 1]?.at ?? 0;
  const spanMin = Math.min(WINDOW_MS, Math.max(60_000, last - first)) / 60_000;
  const windowLabel = t.kpi.lastMinutes(Math.round(spanMin));
  const today = useMemo(() => complaintsToday(complaintHours, nowServer), [complaintHours, nowServer]);

  return (
    <div className="kpi-column">
      <div className="kpi-grid">
        <Tile
          name="messages-per-sec"
          label={t.kpi.messagesPerSec}
          value={kpis ? rate(kpis.messagesPerSec) : none}
          unit={t.kpi.messagesUnit}
          sub={kpis ? t.kpi.readingsPerSec(rate(kpis.readingsPerSec)) : windowLabel}
          spark={msgSeries}
          sparkLabel={windowLabel}
        />
        <Tile
          name="saifi-month"
          label={t.kpi.reliability}
          value={kpis ? nf3.format(kpis.saifiMonth) : none}
          unit={t.kpi.saifiUnit}
          sub={kpis ? t.kpi.saidiMonth(nf1.format(kpis.saidiMonth)) : undefined}
        />
        <Tile
          name="active-outages"
          label={t.kpi.activeOutages}
          value={kpis ? nf.format(kpis.activeOutages) : none}
          alarm={alarm && !!kpis && kpis.activeOutages > 0}
          sub={windowLabel}
          spark={outSeries}
        />
        <Tile
          name="customers-out"
          label={t.kpi.customersOut}
          value={kpis ? nf.format(kpis.customersOut) : none}
          alarm={alarm && !!kpis && kpis.customersOut > 0}
          sub={kpis ? t.kpi.shareOfServed(formatShare(kpis.customersOut, kpis.customersServed), nf.format(kpis.customersServed)) : undefined}
          spark={custSeries}
        />
      </div>
      <Tile
        name="complaints-today"
        label={t.complaints.kpiTitle}
        value={kpis ? nf.format(today.actual) : none}
        sub={kpis ? t.complaints.vsPredicted(nf1.format(today.predicted)) : undefined}
      >
        <ComplaintsChart hours={complaintHours} t={t} />
      </Tile>
    </div>
  );
});
