import { memo, useMemo } from 'react';
import type { AlertDto, OutageDto } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale, reasonText } from '../i18n.ts';
import { formatProbability, riskClass, wallAlerts, type RiskInfo } from '../state.ts';
import { middleEllipsis } from '../detail.ts';
import { useRowCapacity } from './useRowCapacity.ts';

/** Row height in rem; keep in step with .alert-row in styles.css. */
const ROW_REM = 3.3;
/** Characters of a device id that fit the place line. */
const DEVICE_CHARS = 18;

export interface AlertPanelProps {
  alerts: ReadonlyMap<string, AlertDto>;
  outages: ReadonlyMap<string, OutageDto>;
  risk: RiskInfo | null;
  t: Dict;
  lang: Lang;
}

/**
 * The wall's complaint alerts, read-only: open ones first, most severe first. Each row: severity,
 * where (the outage's located device and feeder) and how many customers, the probability of a
 * complaint within the hour, the expected complaints, the top reason, the status and who has the
 * alert now (三级督办: officer → shift lead → manager, amber then red as it escalates). Alerts
 * raised under flood control are one summary line.
 */
export const AlertPanel = memo(function AlertPanel({ alerts, outages, risk, t, lang }: AlertPanelProps) {
  const [body, capacity] = useRowCapacity(ROW_REM, 3);

  const { paged, flooded, resolved } = useMemo(() => wallAlerts(alerts.values()), [alerts]);
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);
  const nf1 = useMemo(() => new Intl.NumberFormat(numberLocale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 }), [lang]);

  // One slot for the flood summary, one for "n more" when the paged ones do not fit.
  const slots = Math.max(1, capacity - (flooded.length ? 1 : 0));
  const overflow = paged.length > slots;
  const shown = overflow ? paged.slice(0, Math.max(0, slots - 1)) : paged;
  const openCount = paged.filter((a) => a.status === 'open').length + flooded.filter((a) => a.status === 'open').length;
  const total = paged.length + flooded.length;

  return (
    <section className="panel alert-panel" data-testid="alert-panel" data-active={total} data-open={openCount}>
      <header className="panel-title">
        <span>{t.alerts.title}</span>
        <span className="panel-meta">
          {resolved > 0 ? <span className="panel-count">{t.alerts.resolvedRecent(resolved)}</span> : null}
          {risk ? <span className="panel-count">{t.alerts.threshold(formatProbability(risk.threshold))}</span> : null}
        </span>
      </header>
      <div className="alert-head">
        <span>{t.alerts.head.severity}</span>
        <span>{t.alerts.head.place}</span>
        <span className="num">{t.alerts.head.probability}</span>
        <span className="num">{t.alerts.head.expected}</span>
        <span>{t.alerts.head.status}</span>
        <span>{t.alerts.head.escalation}</span>
      </div>
      <div className="alert-body" ref={body} data-testid="alert-list">
        {total === 0 ? <div className="outage-none">{t.alerts.none}</div> : null}
        {shown.map((a) => {
          const o = outages.get(a.outageId);
          const open = a.status === 'open';
          const top = a.reasons[0];
          const cls = riskClass(a.probability, risk?.threshold, a);
          return (
            <div
              key={a.id}
              className={`alert-row sev-${a.severity}${open ? ' open' : ' handled'}`}
              data-testid="alert-row"
              data-alert-id={a.id}
              data-outage-id={a.outageId}
              data-outage-device={o?.device ?? ''}
              data-status={a.status}
              data-severity={a.severity}
            >
              <span className="alert-sev">
                <span className={`sev-tag sev-${a.severity}`}>{t.alerts.severity[a.severity]}</span>
              </span>
              <span className="alert-main">
                <span className="alert-place">
                  <span className="alert-dev" title={o?.device ?? a.outageId}>
                    {o ? middleEllipsis(o.device, DEVICE_CHARS) : t.alerts.unknownPlace}
                  </span>
                  {o ? <span className="alert-feeder">{o.feeder}</span> : null}
                  <span className="alert-cust">{t.alerts.customers(nf.format(a.customers))}</span>
                  {a.priority ? <span className="alert-prio">{t.alerts.priority}</span> : null}
                </span>
                <span className="alert-reason" data-testid="alert-reason" data-feature={top?.feature ?? ''}>
                  {top ? reasonText(top, lang) : t.risk.noReasons}
                </span>
              </span>
              <span className={`num alert-p risk-${cls}`} data-testid="alert-probability">
                {formatProbability(a.probability)}
              </span>
              <span className="num alert-exp">{nf1.format(a.expected)}</span>
              <span className={`alert-status st-${a.status}`} data-testid="alert-status">
                {t.alerts.status[a.status]}
              </span>
              <span>
                <span className={`esc-badge esc-${a.escalation}${open ? ' live' : ''}`} data-testid="alert-escalation" data-level={a.escalation}>
                  {t.alerts.escalation[a.escalation]}
                </span>
              </span>
            </div>
          );
        })}
        {overflow ? <div className="alert-more">{t.alerts.more(paged.length - shown.length)}</div> : null}
        {flooded.length ? (
          <div className="alert-flooded" data-testid="alert-flooded" data-count={flooded.length}>
            <span className="flood-mark">≡</span>
            {t.alerts.flooded(flooded.length)}
          </div>
        ) : null}
      </div>
    </section>
  );
});
