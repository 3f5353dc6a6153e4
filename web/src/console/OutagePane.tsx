// The console's outage detail pane, opened from an alert card, a work order's linked outage or a
// handover item: why the outage was located there (its evidence), how many customers and which
// station areas, who is most at risk of complaining, the estimated restoration time, its timeline
// (evidence, alert, notices, restoration steps), the notices sent and its work orders. The live
// copy from the socket is shown when the wall state has it; the rest comes from the HTTP API.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { AlertDto, OrderBrief, OutageDto, OutageRisk } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { evidenceKind, evidenceText, numberLocale, pickName, reasonText, systemNote } from '../i18n.ts';
import type { WallStore } from '../store.ts';
import { customersOut, formatDuration, formatProbability, isActive } from '../state.ts';
import { etrState, nestedOf, summariseEvidence } from '../detail.ts';
import { badgeClass } from '../severity.ts';
import { useClock } from '../components/time.ts';
import { OrderFlags, SupervisionBadge } from '../components/orderBits.tsx';
import { ApiError, describeError, getOutage, getOutageRisk, listNotices, listOutageOrders, type NoticeBrief, type Session, type Team } from './api.ts';
import { outageTimeline, stationAreas, type TimelineEntry } from './outage.ts';
import { useDateTime } from './Orders.tsx';

/** Station areas listed at most (the rest counted). */
const AREAS_SHOWN = 60;

export interface OutagePaneProps {
  outageId: string;
  store: WallStore;
  /** The wall state's outages and alerts (live over the socket). */
  outages: ReadonlyMap<string, OutageDto>;
  alerts: ReadonlyMap<string, AlertDto>;
  session: Session;
  teams: ReadonlyMap<string, Team>;
  nowServer: number;
  onClose: () => void;
  onOpenOrder: (id: string) => void;
  onExpired: () => void;
  t: Dict;
  lang: Lang;
}

interface Loaded {
  outage: OutageDto | null;
  risk: OutageRisk | null;
  notices: NoticeBrief[];
  orders: OrderBrief[];
}

export function OutagePane({ outageId, store, outages, alerts, session, teams, nowServer, onClose, onOpenOrder, onExpired, t, lang }: OutagePaneProps) {
  const p = t.console.outagePane;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [key, setKey] = useState(0);
  const onExpiredRef = useRef(onExpired);
  onExpiredRef.current = onExpired;

  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    // Each part on its own: a team leader may not list every order; a restored outage has no risk.
    const outage = getOutage(session.token, outageId, ac.signal).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    });
    Promise.all([
      outage,
      // Only an open outage has a risk.
      outage.then((o) => (o && o.restoredAt === null ? getOutageRisk(session.token, outageId, ac.signal) : null)),
      listNotices(session.token, outageId, ac.signal).then((r) => r.notices),
      listOutageOrders(session.token, outageId, ac.signal).then((r) => r.orders),
    ])
      .then(([outage, risk, notices, orders]) => setLoaded({ outage, risk, notices, orders }))
      .catch((err: unknown) => {
        if ((err as Error).name === 'AbortError') return;
        if (err instanceof ApiError && err.status === 401) onExpiredRef.current();
        else setError(err);
      });
    return () => ac.abort();
  }, [outageId, session.token, key]);

  // The outage's orders change live: fetch again when one of them (or a new one) does.
  useEffect(() => store.onOrders((changed) => changed.some((o) => o.outageId === outageId) && setKey((k) => k + 1)), [store, outageId]);

  // Escape closes the pane.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const live = outages.get(outageId);
  const o = live ?? loaded?.outage ?? null;
  const alert = alerts.get(`al-${outageId}`) ?? null;
  const nested = useMemo(() => nestedOf(outages.values(), outageId), [outages, outageId]);

  return (
    <aside className="outage-pane" role="dialog" aria-label={p.title} data-testid="outage-pane" data-outage-id={outageId} data-loaded={loaded ? 'true' : 'false'}>
      <header className="op-head">
        <h3>{p.title}</h3>
        {o ? (
          <>
            <span className="op-device mono" title={o.device}>
              {o.device}
            </span>
            <span className={`badge sev-${badgeClass(o.status)}`} data-testid="outage-pane-status" data-status={o.status}>
              {t.status[o.status]}
            </span>
          </>
        ) : null}
        <span className="op-spacer" />
        <button type="button" className="btn ghost" onClick={() => setKey((k) => k + 1)} data-testid="outage-pane-refresh">
          {t.console.handover.refresh}
        </button>
        <button type="button" className="btn" onClick={onClose} data-testid="outage-pane-close" title="Esc">
          {p.close} ✕
        </button>
      </header>
      <div className="op-body">
        {error ? (
          <div className="console-error" role="alert">
            {describeError(error, t)}
          </div>
        ) : null}
        {!o && !error ? <div className="console-note">{loaded ? t.console.errors.notFound(outageId) : p.loading}</div> : null}
        {o ? (
          <OutageBody
            o={o}
            nested={nested}
            alert={alert}
            loaded={loaded}
            nowServer={nowServer}
            teams={teams}
            onOpenOrder={onOpenOrder}
            t={t}
            lang={lang}
          />
        ) : null}
      </div>
    </aside>
  );
}

interface BodyProps {
  o: OutageDto;
  nested: readonly OutageDto[];
  alert: AlertDto | null;
  loaded: Loaded | null;
  nowServer: number;
  teams: ReadonlyMap<string, Team>;
  onOpenOrder: (id: string) => void;
  t: Dict;
  lang: Lang;
}

function OutageBody({ o, nested, alert, loaded, nowServer, teams, onOpenOrder, t, lang }: BodyProps) {
  const p = t.console.outagePane;
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);
  const nf1 = useMemo(() => new Intl.NumberFormat(numberLocale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 }), [lang]);
  const clock = useClock(lang);
  const dt = useDateTime(lang);
  const out = customersOut(o);
  const etr = etrState(o, nowServer);
  const evidence = useMemo(() => summariseEvidence(o, nested), [o, nested]);
  const areas = useMemo(() => stationAreas(o), [o]);
  const notices = loaded?.notices ?? [];
  const timeline = useMemo(() => outageTimeline(o, nested, notices, alert), [o, nested, notices, alert]);
  const risk = isActive(o) ? (loaded?.risk ?? null) : null;
  const orders = loaded?.orders ?? [];
  const time = useCallback((ms: number) => clock.time(ms, nowServer, true), [clock, nowServer]);
  /** A duration in words ("1 h 5 min"; under a minute "0:42"). */
  const span = (ms: number) => (ms < 60_000 ? formatDuration(ms) : t.orders.minutes(Math.floor(ms / 60_000)));
  const teamName = (id: string | null) => (id === null ? t.noData : pickName(teams.get(id)?.name ?? id, lang));

  const facts: [string, ReactNode, string?][] = [
    [p.facts.customers, nf.format(o.customers)],
    [p.facts.customersOut, isActive(o) ? nf.format(out) : t.noData, 'out'],
    [p.facts.stationAreas, nf.format(o.transformers.length)],
    [p.facts.started, dt(o.startedAt)],
    [p.facts.detected, time(o.detectedAt)],
    [o.restoredAt !== null ? p.facts.restored : p.facts.duration, o.restoredAt !== null ? `${time(o.restoredAt)} · ${span(o.restoredAt - o.startedAt)}` : span(nowServer - o.startedAt)],
    [
      p.facts.etr,
      <>
        {o.etr === null ? (o.restoredAt === null ? t.detail.etrNone : t.noData) : time(o.etr)}
        {etr === 'overdue' ? <span className="op-alarm"> · {p.etrPassed}</span> : null}
      </>,
      'etr',
    ],
    [p.facts.level, `${t.level[o.level]} · ${o.device}`],
    [p.facts.feeder, o.feeder],
    [p.facts.id, o.id, 'id'],
  ];
  if (o.faultSection) facts.push([p.facts.faultSection, o.faultSection]);
  if (o.parentId) facts.push([p.facts.parent, o.parentId]);

  return (
    <>
      <dl className="op-facts" data-testid="outage-pane-facts" data-customers={o.customers} data-out={isActive(o) ? out : 0} data-areas={o.transformers.length}>
        {facts.map(([k, v, id]) => (
          <div key={k} className={id === 'etr' && etr === 'overdue' ? 'alarm' : id === 'id' ? 'wide' : undefined} data-testid={id ? `outage-pane-${id}` : undefined}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>

      <section className="op-section" data-testid="outage-pane-evidence">
        <h4>{p.evidence}</h4>
        <div className="op-dim">{t.detail.powerOff(nf.format(evidence.meters), nf.format(evidence.concentrators))}</div>
        {evidence.notes.length === 0 ? <div className="console-note">{t.detail.noEvidence}</div> : null}
        <ul className="op-notes">
          {evidence.notes.map((n, i) => (
            <li key={`${i}:${n.ts}`} data-testid="outage-pane-note" data-kind={n.kind}>
              <span className="cq-when">{time(n.ts)}</span>
              <span className="op-kind">{evidenceKind(n.kind, lang)}</span>
              <span className="op-note">
                {n.via ? <span className="op-dim">{t.detail.nestedVia(n.via)} · </span> : null}
                {evidenceText(n, lang, time)}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <section className="op-section" data-testid="outage-pane-areas">
        <h4>
          {p.stationAreas} ({nf.format(o.transformers.length)})
        </h4>
        <div className="op-areas">
          {areas.slice(0, AREAS_SHOWN).map((a) => (
            <span key={a.id} className={`op-area mono${a.restored ? ' back' : ''}`} title={a.restored ? p.restoredMark : p.stillOut}>
              {a.id}
              {a.restored ? <small> · {p.restoredMark}</small> : null}
            </span>
          ))}
          {areas.length > AREAS_SHOWN ? <span className="op-dim">{p.stationAreasMore(areas.length - AREAS_SHOWN)}</span> : null}
        </div>
      </section>

      <section className="op-section" data-testid="outage-pane-risk">
        <h4>{p.risk}</h4>
        {risk ? (
          <>
            <div className="op-risk">
              <span className="op-big">{formatProbability(risk.probability)}</span>
              <span className="op-dim">{t.risk.probability}</span>
              <span className="op-big">{nf1.format(risk.expected)}</span>
              <span className="op-dim">{t.risk.expected}</span>
            </div>
            {risk.reasons.length ? <div className="op-reasons">{risk.reasons.map((r) => reasonText(r, lang)).join(' · ')}</div> : null}
            <table className="wo-subtable" data-testid="outage-pane-at-risk">
              <thead>
                <tr>
                  <th>{t.console.callListHead.customer}</th>
                  <th>{t.console.callListHead.type}</th>
                  <th className="num">{t.console.callListHead.p}</th>
                </tr>
              </thead>
              <tbody>
                {risk.atRisk.slice(0, 10).map((c) => (
                  <tr key={c.customer} data-testid="outage-pane-at-risk-row">
                    <td className="mono">{c.customer}</td>
                    <td>
                      {t.risk.customerType[c.type] ?? c.type}
                      {c.sensitive ? ` · ${t.risk.sensitive}` : ''}
                    </td>
                    <td className="num">{formatProbability(c.p)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <div className="console-note">{loaded ? p.riskNone : p.loading}</div>
        )}
      </section>

      <section className="op-section">
        <h4>{p.timeline}</h4>
        <ol className="cq-steps op-timeline" data-testid="outage-pane-timeline">
          {timeline.map((e, i) => (
            <li key={`${i}:${e.at}`} data-testid="outage-pane-event" data-kind={e.kind}>
              <span className="cq-when">{time(e.at)}</span>
              <TimelineWhat e={e} t={t} lang={lang} time={time} nf={nf} />
            </li>
          ))}
        </ol>
      </section>

      <section className="op-section">
        <h4>
          {p.notices} ({notices.length})
        </h4>
        {notices.length === 0 ? (
          <div className="console-note">{loaded ? p.noNotices : p.loading}</div>
        ) : (
          <table className="wo-subtable" data-testid="outage-pane-notices">
            <thead>
              <tr>
                <th>{p.noticeHead.at}</th>
                <th>{p.noticeHead.by}</th>
                <th className="num">{p.noticeHead.customers}</th>
                <th>{p.noticeHead.etr}</th>
                <th>{p.noticeHead.delivery}</th>
                <th>{p.noticeHead.text}</th>
              </tr>
            </thead>
            <tbody>
              {notices.map((n) => (
                <tr key={n.id} data-testid="outage-pane-notice" data-customers={n.customers}>
                  <td className="dim">{dt(n.sentAt)}</td>
                  <td>{n.sentBy === 'system' ? t.console.system : n.sentBy}</td>
                  <td className="num">{nf.format(n.customers)}</td>
                  <td>{n.etr === null ? t.noData : time(n.etr)}</td>
                  <td className={n.mqtt === 'ok' ? undefined : 'op-alarm'}>{n.mqtt === 'ok' ? p.delivered : n.mqtt}</td>
                  <td className="wo-text" title={n.text}>
                    {pickName(n.text, lang)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="op-section">
        <h4>
          {p.orders} ({orders.length})
        </h4>
        {orders.length === 0 ? (
          <div className="console-note">{loaded ? p.noOrders : p.loading}</div>
        ) : (
          <table className="wo-subtable" data-testid="outage-pane-orders">
            <tbody>
              {orders.map((w) => (
                <tr key={w.id} data-testid="outage-pane-order" data-order-id={w.id} data-status={w.status}>
                  <td>
                    <button type="button" className="wo-id" onClick={() => onOpenOrder(w.id)}>
                      {w.id}
                    </button>
                  </td>
                  <td>{t.orders.category[w.category]}</td>
                  <td>{t.orders.status[w.status]}</td>
                  <td className="dim">{dt(w.createdAt)}</td>
                  <td className="dim">
                    {t.alerts.customers(nf.format(w.customers))} · {t.console.wo.facts.contacts} {nf.format(w.contacts)}
                  </td>
                  <td className="dim">{teamName(w.team)}</td>
                  <td>
                    <SupervisionBadge level={w.supervision} t={t} />
                  </td>
                  <td>
                    <OrderFlags order={w} t={t} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function TimelineWhat({ e, t, lang, time, nf }: { e: TimelineEntry; t: Dict; lang: Lang; time: (ms: number) => string; nf: Intl.NumberFormat }) {
  const p = t.console.outagePane;
  switch (e.kind) {
    case 'started':
      return <span className="cq-what">{p.tl.started}</span>;
    case 'detected':
      return <span className="cq-what">{p.tl.detected}</span>;
    case 'restored':
      return <span className="cq-what">{p.tl.restored}</span>;
    case 'step':
      return <span className="cq-what">{p.tl.step(nf.format(e.customers))}</span>;
    case 'evidence':
      return (
        <>
          <span className="cq-what">{evidenceKind(e.evidence, lang)}</span>
          <span className="cq-stepnote">
            {e.via ? `${t.detail.nestedVia(e.via)} · ` : ''}
            {evidenceText(e, lang, time)}
          </span>
        </>
      );
    case 'notice':
      return (
        <>
          <span className="cq-what">{p.tl.notice(nf.format(e.customers), e.etr === null ? null : time(e.etr))}</span>
          <span className="cq-stepnote">
            {e.by === 'system' ? t.console.system : e.by}
            {e.delivered ? '' : ` · `}
            {e.delivered ? null : <span className="op-alarm">{p.tl.noticeFailed}</span>}
          </span>
        </>
      );
    case 'alert':
      return (
        <>
          <span className="cq-what">{p.tl.alert(t.console.stepStatus[e.status])}</span>
          <span className="cq-stepnote">
            {e.by === 'system' ? t.console.system : e.by}
            {e.note ? ` · ${systemNote(e.note, lang)}` : ''}
          </span>
        </>
      );
  }
}
