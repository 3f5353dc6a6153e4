import { useEffect, useMemo, useRef, useState } from 'react';
import type { OutageDto, OutageStatus } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale } from '../i18n.ts';
import { formatDuration, isActive, sortOutages } from '../state.ts';
import { remPx } from '../dom.ts';

/** Row height in rem; keep in step with .outage-row in styles.css. */
const ROW_REM = 3.9;

/**
 * Status → badge class. Colour only for what is abnormal: confirmed / restoring filled red,
 * planned / customer-side outlined red (customers are off, but it is known), probable (not yet
 * confirmed) and momentary amber, restored grey.
 */
function badgeClass(status: OutageStatus): 'alarm' | 'alarm-known' | 'warn' | 'ended' {
  switch (status) {
    case 'confirmed':
    case 'restoring':
      return 'alarm';
    case 'planned':
    case 'customer-side':
      return 'alarm-known';
    case 'probable':
    case 'momentary':
      return 'warn';
    default:
      return 'ended';
  }
}

/** Row marker follows the map: red inside an active outage, amber for momentary. */
function rowClass(o: OutageDto): 'alarm' | 'warn' | 'ended' {
  return isActive(o) ? 'alarm' : o.status === 'momentary' ? 'warn' : 'ended';
}

export interface OutageListProps {
  outages: ReadonlyMap<string, OutageDto>;
  /** Server time now (client clock corrected by the snapshot offset). */
  nowServer: number;
  t: Dict;
  lang: Lang;
}

export function OutageList({ outages, nowServer, t, lang }: OutageListProps) {
  const body = useRef<HTMLDivElement>(null);
  const [capacity, setCapacity] = useState(8);

  useEffect(() => {
    const el = body.current!;
    const measure = () => setCapacity(Math.max(1, Math.floor(el.clientHeight / (remPx() * ROW_REM))));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const sorted = useMemo(() => sortOutages([...outages.values()].filter((o) => !o.parentId)), [outages]);
  const activeCount = useMemo(() => sorted.filter((o) => isActive(o)).length, [sorted]);
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);
  const timeFmt = useMemo(
    () => new Intl.DateTimeFormat(numberLocale(lang), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }),
    [lang],
  );

  const overflow = sorted.length > capacity;
  const shown = overflow ? sorted.slice(0, capacity - 1) : sorted;

  return (
    <section className="panel outage-panel">
      <header className="panel-title">
        <span>{t.outages.title}</span>
        <span className={`panel-count${activeCount > 0 ? ' alarm' : ''}`}>{t.outages.countActive(activeCount)}</span>
      </header>
      <div className="outage-head">
        <span>{t.outages.device}</span>
        <span>{t.outages.status}</span>
        <span className="num">{t.outages.customers}</span>
        <span className="num">{t.outages.start}</span>
        <span className="num">{t.outages.duration}</span>
      </div>
      <div className="outage-body" ref={body} data-testid="outage-list">
        {sorted.length === 0 ? <div className="outage-none">{t.outages.none}</div> : null}
        {shown.map((o) => {
          const badge = badgeClass(o.status);
          const end = o.restoredAt ?? nowServer;
          const areas = o.transformers.length;
          return (
            <div key={o.id} className={`outage-row sev-${rowClass(o)}`} data-testid="outage-row" data-outage-device={o.device} data-outage-status={o.status}>
              <span className="dev">
                <span className="dev-id">{o.device}</span>
                <span className="dev-sub">
                  {o.feeder}
                  {areas > 0 && !(areas === 1 && o.transformers[0] === o.device) ? ` · ${t.outages.stationAreas(areas)}` : ''}
                </span>
              </span>
              <span className="status">
                <span className={`badge sev-${badge}`}>{t.status[o.status]}</span>
              </span>
              <span className="num">{nf.format(o.customers)}</span>
              <span className="num dim">{timeFmt.format(o.startedAt)}</span>
              <span className="num">{formatDuration(end - o.startedAt)}</span>
            </div>
          );
        })}
        {overflow ? <div className="outage-more">{t.outages.more(sorted.length - shown.length)}</div> : null}
      </div>
    </section>
  );
}
