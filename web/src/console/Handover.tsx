// The console's handover tab (交接班): the summary of the current or previous shift from
// GET /api/handover, for the officer taking over: the open items to hand over first, then the
// shift's outages, complaint alerts, notices, work orders and complaints. Readable on screen and
// printable (print-only header and sign-off lines; styles.css `@media print`). Alerts and outages
// open the outage pane, orders the work-order tab.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ALERT_ACTIONS, ALERT_SEVERITIES, CHANNELS, HANDOVER_SHIFTS, ORDER_CATEGORIES } from '@gridwatch/shared';
import type { HandoverAlert, HandoverItem, HandoverOutage, HandoverShift, HandoverSummary, OrderBrief } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale, pickName } from '../i18n.ts';
import { formatProbability } from '../state.ts';
import { badgeClass } from '../severity.ts';
import { Deadline, OrderFlags, SupervisionBadge } from '../components/orderBits.tsx';
import { ApiError, describeError, getHandover, type Session, type Team } from './api.ts';
import { itemKey, itemTarget, openByStatus, reasonMark } from './handover.ts';
import { useDateTime } from './Orders.tsx';

/** A shift under way is fetched again this often while the tab is open. */
const REFRESH_MS = 60_000;

export interface HandoverViewProps {
  session: Session;
  shift: HandoverShift;
  onShift: (shift: HandoverShift) => void;
  teams: ReadonlyMap<string, Team>;
  nowServer: number;
  onOpenOutage: (id: string) => void;
  onOpenOrder: (id: string) => void;
  onExpired: () => void;
  t: Dict;
  lang: Lang;
}

export function HandoverView({ session, shift, onShift, teams, nowServer, onOpenOutage, onOpenOrder, onExpired, t, lang }: HandoverViewProps) {
  const h = t.console.handover;
  const [summary, setSummary] = useState<HandoverSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [key, setKey] = useState(0);
  const onExpiredRef = useRef(onExpired);
  onExpiredRef.current = onExpired;
  const dt = useDateTime(lang);
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    setError(null);
    getHandover(session.token, shift, ac.signal)
      .then((s) => setSummary(s))
      .catch((err: unknown) => {
        if ((err as Error).name === 'AbortError') return;
        if (err instanceof ApiError && err.status === 401) onExpiredRef.current();
        else setError(err);
      })
      .finally(() => setLoading(false));
    return () => ac.abort();
  }, [session.token, shift, key]);
  useEffect(() => setSummary((s) => (s?.shift === shift ? s : null)), [shift]);
  useEffect(() => {
    if (shift !== 'current') return;
    const id = setInterval(() => setKey((k) => k + 1), REFRESH_MS);
    return () => clearInterval(id);
  }, [shift]);

  const open = useCallback((item: HandoverItem) => {
    const target = itemTarget(item);
    if ('outage' in target) onOpenOutage(target.outage);
    else onOpenOrder(target.order);
  }, [onOpenOutage, onOpenOrder]);

  const s = summary;
  const windowText = s ? h.window(dt(s.from), dt(s.to), s.to > s.asOf ? dt(s.asOf) : null) : '';

  return (
    <div className="handover" data-testid="handover" data-shift={shift} data-from={s?.from ?? ''} data-to={s?.to ?? ''} data-loaded={s ? 'true' : 'false'}>
      <div className="print-only ho-print-head">
        <div className="ho-print-title">
          {t.product} · {t.centre} · {h.printTitle}
        </div>
        <div>
          {h.shifts[shift]} {windowText}
          {s ? ` · ${s.shiftHours ? h.shiftHours(s.shiftHours.join(' · ')) : h.rolling}` : ''}
        </div>
        <div className="ho-print-by">{s ? h.printedBy(pickName(session.user.displayName, lang), dt(s.generatedAt)) : ''}</div>
      </div>
      <div className="console-toolbar ho-toolbar">
        <h2>{h.title}</h2>
        <label>
          <span>{h.shift}</span>
          <select value={shift} onChange={(e) => onShift(e.target.value as HandoverShift)} data-testid="handover-shift">
            {HANDOVER_SHIFTS.map((x) => (
              <option key={x} value={x}>
                {h.shifts[x]}
              </option>
            ))}
          </select>
        </label>
        <span className="ho-window" data-testid="handover-window">
          <span className="ho-window-main">{windowText}</span>
          {s ? <span className="ho-window-sub">{s.shiftHours ? h.shiftHours(s.shiftHours.join(' · ')) : h.rolling}</span> : null}
        </span>
        <button type="button" className="btn" onClick={() => setKey((k) => k + 1)} disabled={loading} data-testid="handover-refresh">
          {h.refresh}
        </button>
        <button type="button" className="btn primary" onClick={() => window.print()} disabled={!s} data-testid="handover-print">
          {h.print}
        </button>
      </div>
      {error ? (
        <div className="console-error" role="alert" data-testid="handover-error">
          {describeError(error, t)}
        </div>
      ) : null}
      {!s && !error ? <div className="console-note">{h.loading}</div> : null}
      {s ? (
        <>
          <div className="ho-tiles">
            <Tile name="outages" label={h.tiles.outages} value={s.outages.started} sub={h.tiles.outagesSub(nf.format(s.outages.customers))} nf={nf} />
            <Tile name="still-out" label={h.tiles.stillOut} value={s.outages.openCount} sub={h.tiles.stillOutSub(nf.format(s.outages.customersOut))} mark={s.outages.openCount > 0 ? 'alarm' : undefined} nf={nf} />
            <Tile name="alerts" label={h.tiles.alerts} value={s.alerts.raised} sub={h.tiles.alertsSub(nf.format(s.alerts.open.length))} mark={s.alerts.open.some((a) => a.status === 'open') ? 'warn' : undefined} nf={nf} />
            <Tile name="notices" label={h.tiles.notices} value={s.notices.sent} sub={h.tiles.noticesSub(nf.format(s.notices.customers))} nf={nf} />
            <Tile name="orders" label={h.tiles.orders} value={s.orders.created} sub={h.tiles.ordersSub(nf.format(s.orders.openTotal))} mark={s.orders.attentionTotal > 0 ? 'warn' : undefined} nf={nf} />
            <Tile name="complaints" label={h.tiles.complaints} value={s.complaints.complaints} sub={h.tiles.complaintsSub(nf.format(s.complaints.contacts))} nf={nf} />
          </div>

          <section className="ho-section ho-items" data-testid="handover-items" data-total={s.itemsTotal}>
            <h3>
              {h.sections.items} <span className="ho-count">{nf.format(s.itemsTotal)}</span>
            </h3>
            {s.items.length === 0 ? (
              <div className="console-note">{h.items.none}</div>
            ) : (
              <table className="ho-table">
                <thead>
                  <tr>
                    <th>{h.items.head.kind}</th>
                    <th>{h.items.head.what}</th>
                    <th>{h.items.head.since}</th>
                    <th className="num">{h.items.head.customers}</th>
                    <th>{h.items.head.state}</th>
                    <th>{h.items.head.why}</th>
                    <th className="no-print" />
                  </tr>
                </thead>
                <tbody>
                  {s.items.map((item) => (
                    <ItemRow key={itemKey(item)} item={item} asOf={s.asOf} dt={dt} nf={nf} onOpen={open} t={t} />
                  ))}
                </tbody>
              </table>
            )}
            {s.itemsTotal > s.items.length ? <div className="console-note">{h.items.more(s.itemsTotal - s.items.length)}</div> : null}
          </section>

          <div className="ho-grid">
            <section className="ho-section" data-testid="handover-outages">
              <h3>{h.sections.outages}</h3>
              <Figures
                rows={[
                  ['started', h.fig.started, s.outages.started, partsOf(h, [[h.fig.planned, s.outages.planned], [h.fig.customerSide, s.outages.customerSide]], nf)],
                  ['customers', h.fig.customers, s.outages.customers],
                  ['momentary', h.fig.momentary, s.outages.momentary],
                  ['restored', h.fig.restored, s.outages.restored],
                  ['customers-restored', h.fig.customersRestored, s.outages.customersRestored],
                  ['carried-in', h.fig.carriedIn, s.outages.carriedIn],
                  ['open', h.fig.openCount, s.outages.openCount],
                  ['customers-out', h.fig.customersOut, s.outages.customersOut],
                ]}
                nf={nf}
              />
              <h4>{h.sections.open}</h4>
              <OutageTable outages={s.outages.open} asOf={s.asOf} dt={dt} nf={nf} onOpen={onOpenOutage} t={t} testId="handover-open-outages" />
              <h4>{h.sections.largest}</h4>
              <OutageTable outages={s.outages.largest} asOf={s.asOf} dt={dt} nf={nf} onOpen={onOpenOutage} t={t} testId="handover-largest" />
            </section>

            <section className="ho-section" data-testid="handover-alerts">
              <h3>{h.sections.alerts}</h3>
              <Figures
                rows={[
                  ['raised', h.fig.raised, s.alerts.raised, partsOf(h, [...[...ALERT_SEVERITIES].reverse().map((x) => [h.severity(t.alerts.severity[x]), s.alerts.bySeverity[x]] as [string, number]), [h.fig.flooded, s.alerts.flooded]], nf)],
                  ['acknowledged', h.fig.acknowledged, s.alerts.acknowledged],
                  ['actioned', h.fig.actioned, s.alerts.actioned, partsOf(h, ALERT_ACTIONS.map((k) => [t.console.actionKind[k], s.alerts.actions[k]] as [string, number]), nf)],
                  ['escalated-lead', h.fig.escalatedShiftLead, s.alerts.escalatedShiftLead],
                  ['escalated-manager', h.fig.escalatedManager, s.alerts.escalatedManager],
                  ['resolved', h.fig.resolved, s.alerts.resolved, partsOf(h, [[h.fig.resolvedBySystem, s.alerts.resolvedBySystem]], nf)],
                  ['response', h.fig.responseMedian, s.alerts.responseMedianMin === null ? h.none : h.minutes(s.alerts.responseMedianMin < 1 ? '<1' : new Intl.NumberFormat(numberLocale(lang), { maximumFractionDigits: 1 }).format(s.alerts.responseMedianMin))],
                ]}
                nf={nf}
              />
              <h4>{h.sections.openAlerts}</h4>
              <AlertTable alerts={s.alerts.open} dt={dt} nf={nf} onOpen={onOpenOutage} t={t} />
            </section>

            <section className="ho-section" data-testid="handover-orders">
              <h3>{h.sections.orders}</h3>
              <Figures
                rows={[
                  ['created', h.fig.created, s.orders.created, partsOf(h, ORDER_CATEGORIES.map((c) => [t.orders.category[c], s.orders.byCategory[c]] as [string, number]), nf)],
                  ['resolved', h.fig.resolvedOrders, s.orders.resolved],
                  ['closed', h.fig.closed, s.orders.closed],
                  ['overdue', h.fig.overdue, s.orders.overdue],
                  [
                    'escalated',
                    h.fig.escalated,
                    null,
                    (['team-leader', 'department', 'company'] as const).map((l) => `${t.orders.supervision[l]} ${nf.format(s.orders.escalated[l])}`).join(' · '),
                  ],
                  ['reopened', h.fig.reopened, s.orders.reopened],
                  ['open', h.fig.openTotal, s.orders.openTotal, openByStatus(s.orders.open).map(([st, n]) => `${t.orders.status[st]} ${nf.format(n)}`).join(' · ')],
                ]}
                nf={nf}
              />
              <h4>
                {h.sections.attention} <span className="ho-count">{nf.format(s.orders.attentionTotal)}</span>
              </h4>
              <OrderTable orders={s.orders.attention} asOf={s.asOf} teams={teams} dt={dt} onOpen={onOpenOrder} t={t} lang={lang} />
            </section>

            <section className="ho-section ho-small" data-testid="handover-notices">
              <h3>{h.sections.notices}</h3>
              <Figures
                rows={[
                  ['sent', h.fig.sent, s.notices.sent],
                  ['recipients', h.fig.recipients, s.notices.customers],
                  ['outages', h.fig.noticeOutages, s.notices.outages],
                  ['updates', h.fig.updates, s.notices.updates],
                  ['failed', h.fig.failed, s.notices.failed],
                ]}
                nf={nf}
              />
              <h3>{h.sections.complaints}</h3>
              <Figures
                testPrefix="complaints"
                rows={[
                  ['contacts', h.fig.contacts, s.complaints.contacts, CHANNELS.map((c) => `${t.orders.channelShort[c]} ${nf.format(s.complaints.byChannel[c])}`).join(' · ')],
                  ['complaints', h.fig.complaints, s.complaints.complaints],
                  ['outage', h.fig.outageComplaints, s.complaints.outageComplaints, partsOf(h, [[h.fig.warned, s.complaints.warned]], nf)],
                  ['repeat', h.fig.repeat, s.complaints.repeat],
                ]}
                nf={nf}
              />
            </section>
          </div>

          <div className="print-only ho-signoff">
            <span>{h.signOff.outgoing}</span>
            <span>{h.signOff.incoming}</span>
            <span>{h.signOff.time}</span>
          </div>
        </>
      ) : null}
    </div>
  );
}

/** "(计划 1，客户侧 1)": the non-zero parts of a figure, or nothing. */
function partsOf(h: Dict['console']['handover'], parts: [string, number][], nf: Intl.NumberFormat): string | undefined {
  const shown = parts.filter(([, n]) => n > 0).map(([label, n]) => `${label} ${nf.format(n)}`);
  return shown.length ? h.of(shown).trim() : undefined;
}

function Tile({ name, label, value, sub, mark, nf }: { name: string; label: string; value: number; sub: string; mark?: 'alarm' | 'warn'; nf: Intl.NumberFormat }) {
  return (
    <div className={`ho-tile${mark && value > 0 ? ` mark-${mark}` : ''}`} data-testid={`handover-tile-${name}`} data-value={value}>
      <div className="ho-tile-label">{label}</div>
      <div className="ho-tile-value">{nf.format(value)}</div>
      <div className="ho-tile-sub">{sub}</div>
    </div>
  );
}

/** Label, value (a count, or words), and the breakdown: [test id, label, value, breakdown?]. */
type FigureRow = [string, string, number | string | null, string?];

function Figures({ rows, nf, testPrefix }: { rows: FigureRow[]; nf: Intl.NumberFormat; testPrefix?: string }) {
  return (
    <dl className="ho-figs">
      {rows.map(([id, label, value, sub]) => (
        <div key={id} data-testid={`handover-fig-${testPrefix ? `${testPrefix}-` : ''}${id}`} data-value={typeof value === 'number' ? value : ''}>
          <dt>{label}</dt>
          <dd>
            {value === null ? null : <span className="ho-fig-value">{typeof value === 'number' ? nf.format(value) : value}</span>}
            {sub ? <span className="ho-fig-sub">{sub}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

interface ItemRowProps {
  item: HandoverItem;
  asOf: number;
  dt: (ms: number) => string;
  nf: Intl.NumberFormat;
  onOpen: (item: HandoverItem) => void;
  t: Dict;
}

function ItemRow({ item, asOf, dt, nf, onOpen, t }: ItemRowProps) {
  const h = t.console.handover;
  let what: ReactNode;
  let since: number;
  let customers: string;
  let state: ReactNode;
  if (item.kind === 'alert') {
    const a = item.alert;
    what = (
      <>
        <span className={`sev-tag sev-${a.severity}`}>{t.alerts.severity[a.severity]}</span> <span className="mono">{a.device ?? a.outageId}</span>
      </>
    );
    since = a.raisedAt;
    customers = nf.format(a.customers);
    state = (
      <>
        <span className={`alert-status st-${a.status}`}>{t.alerts.status[a.status]}</span>{' '}
        <span className={`esc-badge esc-${a.escalation}${a.status === 'open' ? ' live' : ''}`}>{t.alerts.escalation[a.escalation]}</span>
      </>
    );
  } else if (item.kind === 'outage') {
    const o = item.outage;
    what = (
      <>
        <span className="dim">{t.level[o.level]}</span> <span className="mono">{o.device}</span>
      </>
    );
    since = o.startedAt;
    customers = `${nf.format(o.customersOut)} / ${nf.format(o.customers)}`;
    state = (
      <>
        <span className={`badge sev-${badgeClass(o.status)}`}>{t.status[o.status]}</span> <Etr o={o} dt={dt} t={t} />
      </>
    );
  } else {
    const w = item.order;
    what = (
      <>
        <span className="mono">{w.id}</span> <span className="dim">{t.orders.category[w.category]}</span>
      </>
    );
    since = w.createdAt;
    customers = nf.format(w.customers);
    state = (
      <>
        {t.orders.status[w.status]} <Deadline order={w} nowServer={asOf} t={t} />
      </>
    );
  }
  return (
    <tr className="ho-item" data-testid="handover-item" data-kind={item.kind} data-id={itemKey(item).slice(item.kind.length + 1)} data-reasons={item.reasons.join(' ')}>
      <td>{h.items.kind[item.kind]}</td>
      <td>{what}</td>
      <td className="dim">{dt(since)}</td>
      <td className="num">{customers}</td>
      <td>{state}</td>
      <td>
        {item.reasons.map((r) => (
          <span key={r} className={`ho-reason mark-${reasonMark(r)}`}>
            {h.reasons[r]}
          </span>
        ))}
      </td>
      <td className="no-print">
        <button type="button" className="btn small" onClick={() => onOpen(item)} data-testid="handover-item-open">
          {h.items.open}
        </button>
      </td>
    </tr>
  );
}

function Etr({ o, dt, t }: { o: Pick<HandoverOutage, 'etr' | 'etrPassed' | 'restoredAt'>; dt: (ms: number) => string; t: Dict }) {
  if (o.restoredAt !== null) return null;
  if (o.etr === null) return <span className="dim">{t.console.handover.head.etr} {t.detail.etrNone}</span>;
  return (
    <span className={o.etrPassed ? 'ho-alarm' : 'dim'}>
      {t.console.handover.head.etr} {dt(o.etr)}
      {o.etrPassed ? ` · ${t.console.handover.etrPassed}` : ''}
    </span>
  );
}

function OutageTable(p: { outages: readonly HandoverOutage[]; asOf: number; dt: (ms: number) => string; nf: Intl.NumberFormat; onOpen: (id: string) => void; t: Dict; testId: string }) {
  const { t, dt, nf } = p;
  const h = t.console.handover;
  if (p.outages.length === 0) return <div className="console-note">{h.none}</div>;
  return (
    <table className="ho-table" data-testid={p.testId}>
      <thead>
        <tr>
          <th>{h.head.device}</th>
          <th>{h.head.status}</th>
          <th className="num">{h.head.out}</th>
          <th className="num">{h.head.customers}</th>
          <th>{h.head.started}</th>
          <th>{h.head.etr}</th>
          <th>{h.head.alert}</th>
          <th className="num">{h.head.notices}</th>
        </tr>
      </thead>
      <tbody>
        {p.outages.map((o) => (
          <tr key={o.id} data-testid="handover-outage" data-outage-id={o.id}>
            <td>
              <button type="button" className="wo-id" onClick={() => p.onOpen(o.id)} title={o.id}>
                {o.device}
              </button>
            </td>
            <td>
              <span className={`badge sev-${badgeClass(o.status)}`}>{t.status[o.status]}</span>
            </td>
            <td className="num">{o.restoredAt === null ? nf.format(o.customersOut) : t.noData}</td>
            <td className="num">{nf.format(o.customers)}</td>
            <td className="dim">{dt(o.startedAt)}</td>
            <td>{o.restoredAt !== null ? <span className="dim">{h.head.restored} {dt(o.restoredAt)}</span> : <Etr o={o} dt={dt} t={t} />}</td>
            <td>{o.alert ? <span className={`alert-status st-${o.alert.status}`}>{t.alerts.status[o.alert.status]}</span> : t.noData}</td>
            <td className="num">{o.notices || t.noData}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AlertTable(p: { alerts: readonly HandoverAlert[]; dt: (ms: number) => string; nf: Intl.NumberFormat; onOpen: (id: string) => void; t: Dict }) {
  const { t, dt, nf } = p;
  const h = t.console.handover;
  if (p.alerts.length === 0) return <div className="console-note">{h.none}</div>;
  return (
    <table className="ho-table" data-testid="handover-open-alerts">
      <thead>
        <tr>
          <th>{h.head.severity}</th>
          <th>{h.head.device}</th>
          <th className="num">{h.head.customers}</th>
          <th className="num">{t.risk.probability}</th>
          <th>{h.head.status}</th>
          <th>{h.head.escalation}</th>
          <th>{h.head.raised}</th>
          <th>{h.head.actions}</th>
        </tr>
      </thead>
      <tbody>
        {p.alerts.map((a) => (
          <tr key={a.id} data-testid="handover-alert" data-alert-id={a.id} data-status={a.status}>
            <td>
              <span className={`sev-tag sev-${a.severity}`}>{t.alerts.severity[a.severity]}</span>
            </td>
            <td>
              <button type="button" className="wo-id" onClick={() => p.onOpen(a.outageId)} title={a.outageId}>
                {a.device ?? a.outageId}
              </button>
            </td>
            <td className="num">{nf.format(a.customers)}</td>
            <td className="num">{formatProbability(a.probability)}</td>
            <td>
              <span className={`alert-status st-${a.status}`}>{t.alerts.status[a.status]}</span>
            </td>
            <td>
              <span className={`esc-badge esc-${a.escalation}${a.status === 'open' ? ' live' : ''}`}>{t.alerts.escalation[a.escalation]}</span>
            </td>
            <td className="dim">{dt(a.raisedAt)}</td>
            <td>{a.actions.length ? [...new Set(a.actions)].map((k) => t.console.actionKind[k]).join(' · ') : t.noData}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OrderTable(p: { orders: readonly OrderBrief[]; asOf: number; teams: ReadonlyMap<string, Team>; dt: (ms: number) => string; onOpen: (id: string) => void; t: Dict; lang: Lang }) {
  const { t, dt } = p;
  const h = t.console.handover;
  const w = t.console.wo;
  if (p.orders.length === 0) return <div className="console-note">{h.none}</div>;
  return (
    <table className="ho-table" data-testid="handover-attention">
      <thead>
        <tr>
          <th>{w.head.id}</th>
          <th>{w.head.category}</th>
          <th>{w.head.status}</th>
          <th>{w.facts.team}</th>
          <th>{w.head.created}</th>
          <th>{w.head.deadline}</th>
          <th>{w.head.supervision}</th>
          <th>{w.head.flags}</th>
        </tr>
      </thead>
      <tbody>
        {p.orders.map((o) => (
          <tr key={o.id} data-testid="handover-order" data-order-id={o.id}>
            <td>
              <button type="button" className="wo-id" onClick={() => p.onOpen(o.id)}>
                {o.id}
              </button>
            </td>
            <td>{t.orders.category[o.category]}</td>
            <td>{t.orders.status[o.status]}</td>
            <td className="dim">{o.team === null ? t.noData : pickName(p.teams.get(o.team)?.name ?? o.team, p.lang)}</td>
            <td className="dim">{dt(o.createdAt)}</td>
            <td>
              <Deadline order={o} nowServer={p.asOf} t={t} />
            </td>
            <td>
              <SupervisionBadge level={o.supervision} t={t} />
            </td>
            <td>
              <OrderFlags order={o} t={t} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
