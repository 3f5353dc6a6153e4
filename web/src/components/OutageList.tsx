import { useMemo } from 'react';
import type { AlertDto, OutageDto, RiskBrief } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale } from '../i18n.ts';
import { customersOut, formatDuration, formatProbability, isActive, riskClass, sortOutages } from '../state.ts';
import { etrState, middleEllipsis } from '../detail.ts';
import { badgeClass, rowClass } from '../severity.ts';
import { useRowCapacity } from './useRowCapacity.ts';
import { useClock } from './time.ts';

/** Row height in rem; keep in step with .outage-row in styles.css. */
const ROW_REM = 3.5;
/** Characters of a device id that fit the first column (1.1rem monospace in ~10rem). */
const DEVICE_CHARS = 15;

export interface OutageListProps {
  outages: ReadonlyMap<string, OutageDto>;
  /** Server time now (client clock corrected by the snapshot offset). */
  nowServer: number;
  /** The outage shown in the detail panel (its row is marked). */
  focusId: string | null;
  /** Whether an unplanned grid outage is active (colours the count). */
  alarm: boolean;
  /** Complaint risk of the open outages, by outage id. */
  risks: ReadonlyMap<string, RiskBrief>;
  /** The active alert of each outage, by outage id. */
  alertsByOutage: ReadonlyMap<string, AlertDto>;
  threshold: number | null;
  t: Dict;
  lang: Lang;
}

export function OutageList({ outages, nowServer, focusId, alarm, risks, alertsByOutage, threshold, t, lang }: OutageListProps) {
  const [body, capacity] = useRowCapacity(ROW_REM, 8);

  // Nested outages are shown through their parent.
  const sorted = useMemo(() => sortOutages([...outages.values()].filter((o) => !o.parentId)), [outages]);
  const activeCount = useMemo(() => sorted.filter((o) => isActive(o)).length, [sorted]);
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);
  const clock = useClock(lang);

  const overflow = sorted.length > capacity;
  const shown = overflow ? sorted.slice(0, capacity - 1) : sorted;

  return (
    <section className="panel outage-panel">
      <header className="panel-title">
        <span>{t.outages.title}</span>
        <span className={`panel-count${alarm && activeCount > 0 ? ' alarm' : ''}`}>{t.outages.countActive(activeCount)}</span>
      </header>
      <div className="outage-head">
        <span>{t.outages.device}</span>
        <span>{t.outages.status}</span>
        <span className="num">{t.outages.customers}</span>
        <span className="num">{t.outages.start}</span>
        <span className="num">{t.outages.duration}</span>
        <span className="num">{t.outages.etr}</span>
        <span className="num">{t.risk.column}</span>
      </div>
      <div className="outage-body" ref={body} data-testid="outage-list">
        {sorted.length === 0 ? <div className="outage-none">{t.outages.none}</div> : null}
        {shown.map((o) => {
          const end = o.restoredAt ?? nowServer;
          const areas = o.transformers.length;
          const etr = etrState(o, nowServer);
          const r = isActive(o) ? risks.get(o.id) : undefined;
          const al = alertsByOutage.get(o.id);
          const cls = riskClass(r?.probability ?? al?.probability, threshold, al);
          const p = r?.probability ?? al?.probability;
          return (
            <div
              key={o.id}
              className={`outage-row sev-${rowClass(o)}${o.id === focusId ? ' focus' : ''}`}
              data-testid="outage-row"
              data-outage-device={o.device}
              data-outage-status={o.status}
              data-outage-id={o.id}
              data-risk={cls}
            >
              <span className="dev">
                <span className="dev-id" title={o.device}>
                  {middleEllipsis(o.device, DEVICE_CHARS)}
                </span>
                <span className="dev-sub">
                  {o.feeder}
                  {areas > 0 && !(areas === 1 && o.transformers[0] === o.device) ? ` · ${t.outages.stationAreasShort(areas)}` : ''}
                </span>
              </span>
              <span className="status">
                <span className={`badge sev-${badgeClass(o.status)}`}>{t.status[o.status]}</span>
              </span>
              <span className="num">{nf.format(customersOut(o))}</span>
              <span className="num dim">{clock.time(o.startedAt, nowServer, false)}</span>
              <span className="num">{formatDuration(end - o.startedAt)}</span>
              <span className={`num etr-${etr}`} data-testid="outage-row-etr">
                {o.etr !== null && etr !== 'none' ? clock.time(o.etr, nowServer, false) : t.noData}
              </span>
              <span className="num">
                {p !== undefined ? (
                  <span
                    className={`risk-badge risk-${cls}${al?.status === 'open' ? ' live' : ''}`}
                    data-testid="risk-badge"
                    data-risk={cls}
                    data-probability={p.toFixed(3)}
                    title={t.risk.badgeTitle(formatProbability(p))}
                  >
                    {formatProbability(p)}
                  </span>
                ) : (
                  <span className="risk-none">{t.noData}</span>
                )}
              </span>
            </div>
          );
        })}
        {overflow ? <div className="outage-more">{t.outages.more(sorted.length - shown.length)}</div> : null}
      </div>
    </section>
  );
}
