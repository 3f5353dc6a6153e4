import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { AlertDto, AtRiskCustomer, OutageDto, RiskBrief, RiskReason } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { evidenceKind, evidenceText, numberLocale, reasonText } from '../i18n.ts';
import { customersOut, formatDuration, formatProbability, isActive, riskClass } from '../state.ts';
import { DETAIL_CYCLE_MS, etrState, limitNotes, nestedOf, summariseEvidence } from '../detail.ts';
import { badgeClass } from '../severity.ts';
import { useClock } from './time.ts';
import { useOutageRisk } from './useOutageRisk.ts';

/** Evidence notes shown at most (the first and the newest). */
const MAX_NOTES = 4;
/** Customers most at risk shown in the detail. */
const AT_RISK_SHOWN = 3;

export interface OutageDetailProps {
  outages: ReadonlyMap<string, OutageDto>;
  /** The outage shown now (from the cycle), or null when none is active. */
  shownId: string | null;
  /** 1-based position of the shown outage in the cycle, and the cycle's length. */
  position: number;
  cycleLength: number;
  /** Changes on every step of the cycle (restarts the progress bar). */
  step: number;
  nowServer: number;
  risks: ReadonlyMap<string, RiskBrief>;
  alertsByOutage: ReadonlyMap<string, AlertDto>;
  threshold: number | null;
  t: Dict;
  lang: Lang;
}

interface RiskSectionProps {
  brief: RiskBrief | undefined;
  alert: AlertDto | undefined;
  reasons: readonly RiskReason[];
  atRisk: readonly AtRiskCustomer[];
  threshold: number | null;
  t: Dict;
  lang: Lang;
}

/** The outage's complaint risk: probability, expected complaints, why, and who is most at risk. */
function RiskSection({ brief, alert, reasons, atRisk, threshold, t, lang }: RiskSectionProps) {
  const nf1 = useMemo(() => new Intl.NumberFormat(numberLocale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 }), [lang]);
  const p = brief?.probability ?? alert?.probability;
  const expected = brief?.expected ?? alert?.expected;
  const cls = riskClass(p, threshold, alert);
  return (
    <div className={`detail-risk risk-${cls}`} data-testid="detail-risk" data-risk={cls} data-probability={p === undefined ? '' : p.toFixed(3)}>
      <div className="dr-head">
        <span className="dr-title">{t.risk.title}</span>
        {alert ? (
          <span className="dr-alert" data-testid="detail-alert" data-status={alert.status}>
            <span className={`sev-tag sev-${alert.severity}`}>{t.alerts.severity[alert.severity]}</span>
            <span className={`alert-status st-${alert.status}`}>{t.alerts.status[alert.status]}</span>
            <span className={`esc-badge esc-${alert.escalation}${alert.status === 'open' ? ' live' : ''}`}>{t.alerts.escalation[alert.escalation]}</span>
          </span>
        ) : null}
      </div>
      {p === undefined ? (
        <div className="dr-none">{t.risk.notScored}</div>
      ) : (
        <>
          <div className="dr-figures">
            <span className={`dr-big risk-${cls}`}>{formatProbability(p)}</span>
            <span className="dr-label">{t.risk.probability}</span>
            <span className="dr-exp">{expected === undefined ? t.noData : nf1.format(expected)}</span>
            <span className="dr-label">{t.risk.expected}</span>
          </div>
          <div className="dr-line">
            <span className="dr-label">{t.risk.reasons}</span>
            <span className="dr-items">
              {reasons.length === 0 ? <span className="dr-dim">{t.risk.noReasons}</span> : null}
              {reasons.map((r) => (
                <span key={r.feature} className="dr-reason" data-testid="risk-reason" data-feature={r.feature}>
                  {reasonText(r, lang)}
                </span>
              ))}
            </span>
          </div>
          <div className="dr-line">
            <span className="dr-label">{t.risk.atRisk}</span>
            <span className="dr-items single">
              {atRisk.length === 0 ? <span className="dr-dim">{t.noData}</span> : null}
              {atRisk.slice(0, AT_RISK_SHOWN).map((c) => (
                <span key={c.customer} className="dr-cust" data-testid="at-risk-customer" data-customer={c.customer}>
                  <span className="mono">{c.customer}</span>
                  {c.type !== 'residential' ? <span className="dr-tag">{t.risk.customerType[c.type] ?? c.type}</span> : null}
                  {c.sensitive ? <span className="dr-tag">{t.risk.sensitive}</span> : null}
                  <span className="dr-p">{formatProbability(c.p)}</span>
                </span>
              ))}
            </span>
          </div>
        </>
      )}
    </div>
  );
}

/** Read-only, auto-cycling detail of one active outage: where, how big, since when, until when, and why. */
export function OutageDetail({ outages, shownId, position, cycleLength, step, nowServer, risks, alertsByOutage, threshold, t, lang }: OutageDetailProps) {
  const o = shownId ? outages.get(shownId) : undefined;
  const brief = o && isActive(o) ? risks.get(o.id) : undefined;
  const alert = o ? alertsByOutage.get(o.id) : undefined;
  // Reasons and customers at risk: asked for whenever the outage's risk moved.
  const full = useOutageRisk(brief ? o!.id : null, brief ? `${brief.probability.toFixed(3)}:${brief.expected.toFixed(2)}` : '');
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);
  const clock = useClock(lang);
  const summary = useMemo(() => (o ? summariseEvidence(o, nestedOf(outages.values(), o.id)) : null), [o, outages]);
  // Notes that do not fit the panel wrap into a clipped second column (CSS); count them.
  const list = useRef<HTMLUListElement>(null);
  const [clipped, setClipped] = useState(0);
  useLayoutEffect(() => {
    const ul = list.current;
    if (!ul) return setClipped(0);
    let n = 0;
    for (const li of ul.children) if ((li as HTMLElement).offsetLeft > ul.clientWidth / 2) n++;
    setClipped(n);
  });

  if (!o || !summary) {
    return (
      <section className="panel detail-panel" data-testid="outage-detail" data-outage-id="">
        <header className="panel-title">
          <span>{t.detail.title}</span>
        </header>
        <div className="outage-none">{t.detail.none}</div>
      </section>
    );
  }

  const out = customersOut(o);
  const back = o.customers - out;
  const etr = etrState(o, nowServer);
  const { shown, hidden: left } = limitNotes(summary.notes, MAX_NOTES);
  const hidden = left + clipped;
  const badge = badgeClass(o.status);

  return (
    <section className="panel detail-panel" data-testid="outage-detail" data-outage-id={o.id} data-outage-device={o.device}>
      <header className="panel-title">
        <span>{t.detail.title}</span>
        <span className="panel-count">{t.detail.position(position, cycleLength)}</span>
      </header>
      <div className="cycle-bar">
        <i key={`${o.id}:${step}`} style={{ animationDuration: `${DETAIL_CYCLE_MS}ms` }} />
      </div>
      <div className="detail-body">
        <div className="detail-head">
          <span className="level-tag">{t.level[o.level]}</span>
          <span className="detail-device" title={o.device}>
            {o.device}
          </span>
          <span className={`badge sev-${badge}`}>{t.status[o.status]}</span>
        </div>
        <dl className="detail-facts">
          <div className="fact">
            <dt>{t.detail.customersOut}</dt>
            <dd>
              <span className={`fact-big${badge === 'alarm' ? ' alarm' : ''}`}>{nf.format(out)}</span>
            </dd>
          </div>
          <div className="fact">
            <dt>{t.detail.started}</dt>
            <dd>{clock.time(o.startedAt, nowServer, true)}</dd>
          </div>
          <div className="fact">
            <dt>{t.detail.duration}</dt>
            <dd>{formatDuration((o.restoredAt ?? nowServer) - o.startedAt)}</dd>
          </div>
          <div className={`fact etr etr-${etr}`} data-testid="outage-etr">
            <dt>{t.detail.etr}</dt>
            <dd>
              {o.etr === null ? t.detail.etrNone : clock.time(o.etr, nowServer, false)}
              {etr === 'overdue' ? <span className="fact-sub">{t.detail.etrOverdue}</span> : null}
            </dd>
          </div>
          <div className={`fact ${o.faultSection ? 'wide' : 'full'}`}>
            <dt>{t.detail.feeder}</dt>
            <dd className="mono" title={o.feeder}>
              {o.feeder}
              <span className="fact-sub">
                {t.outages.stationAreas(o.transformers.length)}
                {back > 0 ? ` · ${t.detail.customersBack(nf.format(back))}` : ''}
              </span>
            </dd>
          </div>
          {o.faultSection ? (
            <div className="fact wide">
              <dt>{t.detail.faultSection}</dt>
              <dd className="mono" title={o.faultSection}>
                {o.faultSection}
              </dd>
            </div>
          ) : null}
        </dl>
        <RiskSection
          brief={brief}
          alert={alert}
          reasons={full?.reasons ?? alert?.reasons ?? []}
          atRisk={full?.atRisk ?? alert?.atRisk ?? []}
          threshold={threshold}
          t={t}
          lang={lang}
        />
        <div className="detail-evidence">
          <div className="ev-title">
            <span>{t.detail.evidence}</span>
            {summary.meters + summary.concentrators > 0 ? (
              <span className="ev-counts" data-testid="evidence-counts">
                {t.detail.powerOff(nf.format(summary.meters), nf.format(summary.concentrators))}
              </span>
            ) : null}
          </div>
          {shown.length === 0 ? <div className="ev-none">{t.detail.noEvidence}</div> : null}
          <ul className="ev-list" ref={list}>
            {shown.map((n, i) => (
              <li key={`${i}:${n.ts}:${n.kind}`} className="ev-note" data-testid="evidence-note" data-kind={n.kind}>
                <span className="ev-kind">{evidenceKind(n.kind, lang)}</span>
                <span className="ev-time">{clock.time(n.ts, nowServer, false)}</span>
                <span className="ev-text">
                  {n.via ? <span className="ev-via">{t.detail.nestedVia(n.via)} · </span> : null}
                  {evidenceText(n, lang, (ms) => clock.time(ms, nowServer, false))}
                </span>
              </li>
            ))}
          </ul>
          {hidden > 0 ? <div className="ev-more">{t.detail.moreNotes(hidden)}</div> : null}
        </div>
      </div>
    </section>
  );
}
