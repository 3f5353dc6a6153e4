// The duty officer's console at /console: sign in, then three views (tabs; `#orders` opens the
// second, `#handover` the third): the queue of complaint alerts (live over the same socket as the
// wall) with the actions on each: acknowledge, notify the customers out, call list, crew priority
// (shift lead and up), resolve; the work orders (Orders.tsx); and the handover summary of the
// shift (Handover.tsx). An alert, an order's outage or a handover item opens the outage detail
// pane (OutagePane.tsx). Errors from the API are shown on the alert or order they concern, in the
// console's language.
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore, type FormEvent } from 'react';
import type { AlertActionKind, AlertDto, OutageDto } from '@gridwatch/shared';
import { ALERT_SEVERITIES, ALERT_STATUSES } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale, pickName, reasonText, systemNote } from '../i18n.ts';
import { useLang } from '../lang.ts';
import { connectWall, type WallStore } from '../store.ts';
import { formatProbability, isAlertActive, riskClass, serverNow } from '../state.ts';
import { useClock } from '../components/time.ts';
import { STALE_AFTER_S } from '../components/Header.tsx';
import {
  acknowledge,
  act,
  atLeast,
  describeError,
  listAlerts,
  listTeams,
  loadSession,
  me,
  resolve,
  saveSession,
  signIn,
  ApiError,
  type ActionResult,
  type CallListEntry,
  type Session,
  type Team,
} from './api.ts';
import { consoleQueue, mergeAlerts, needsHistory, type SeverityFilter, type StatusFilter } from './queue.ts';
import { OrdersView } from './Orders.tsx';
import { openCount } from '../orders.ts';
import { HandoverView } from './Handover.tsx';
import { OutagePane } from './OutagePane.tsx';
import { AuditView } from './Audit.tsx';
import { shiftFromHash } from './handover.ts';
import type { HandoverShift } from '@gridwatch/shared';

type Tab = 'alerts' | 'orders' | 'handover' | 'audit';
const tabFromHash = (): Tab => {
  const h = window.location.hash;
  return h === '#orders' ? 'orders' : h.startsWith('#handover') ? 'handover' : h === '#audit' ? 'audit' : 'alerts';
};
const tabHash = (tab: Tab, shift: HandoverShift) =>
  tab === 'orders' ? 'orders' : tab === 'handover' ? (shift === 'previous' ? 'handover-previous' : 'handover') : tab === 'audit' ? 'audit' : '';

const consoleTitle = (t: Dict) => `${t.console.title} · ${t.product}`;

export function ConsoleApp({ store }: { store: WallStore }) {
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const { lang, t, toggle } = useLang(consoleTitle);
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => connectWall(store), [store]);
  useEffect(() => {
    document.documentElement.classList.add('console-page');
    return () => document.documentElement.classList.remove('console-page');
  }, []);

  // A stored token is checked once: the server may have restarted with a new secret.
  useEffect(() => {
    if (!session) return;
    const token = session.token;
    me(token).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 401) {
        saveSession(null);
        setSession((s) => (s?.token === token ? null : s));
        setNotice(t.console.sessionExpired);
      }
    });
    // Only for the session found at page load; a fresh sign-in needs no check.
  }, []);

  const signedIn = useCallback((s: Session) => {
    saveSession(s);
    setSession(s);
    setNotice(null);
  }, []);
  const signOut = useCallback(() => {
    saveSession(null);
    setSession(null);
  }, []);
  /** A 401 on an action: the token expired or the server forgot it. */
  const expired = useCallback(() => {
    saveSession(null);
    setSession(null);
    setNotice(t.console.sessionExpired);
  }, [t]);

  const [nowClient, setNowClient] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNowClient(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const [tab, setTab] = useState<Tab>(tabFromHash);
  const [shift, setShift] = useState<HandoverShift>(() => shiftFromHash(window.location.hash));
  const showTab = useCallback((next: Tab, nextShift: HandoverShift) => {
    setTab(next);
    setShift(nextShift);
    const url = new URL(window.location.href);
    url.hash = tabHash(next, nextShift);
    window.history.replaceState(null, '', url);
  }, []);
  const selectTab = useCallback((next: Tab) => showTab(next, shift), [showTab, shift]);
  const selectShift = useCallback((next: HandoverShift) => showTab('handover', next), [showTab]);
  // The outage detail pane (over any tab), and an order to show in the work orders.
  const [pane, setPane] = useState<string | null>(null);
  const [focus, setFocus] = useState<{ id: string; n: number } | null>(null);
  const closePane = useCallback(() => setPane(null), []);
  const openOrder = useCallback(
    (id: string) => {
      setPane(null);
      setFocus((f) => ({ id, n: (f?.n ?? 0) + 1 }));
      showTab('orders', shift);
    },
    [showTab, shift],
  );
  const [teams, setTeams] = useState<ReadonlyMap<string, Team>>(new Map());
  useEffect(() => {
    const ac = new AbortController();
    listTeams(ac.signal)
      .then((r) => setTeams(new Map(r.teams.map((x) => [x.id, x]))))
      .catch(() => {
        /* an older server without work orders: ids are shown instead of names */
      });
    return () => ac.abort();
  }, []);
  const activeAlerts = useMemo(() => [...view.data.alerts.values()].filter(isAlertActive).length, [view.data.alerts]);
  // The company's figures: not shown to a team leader, whose list holds the own team only.
  const service = session?.user.role === 'team' ? null : view.data.service;
  const openOrders = service ? openCount(service) : null;
  const attention = service?.attention.length ?? 0;

  const age = view.lastMessageAt === null ? null : Math.floor((nowClient - view.lastMessageAt) / 1000);
  const connState = view.conn !== 'connected' ? view.conn : age === null || age >= STALE_AFTER_S ? 'stale' : 'connected';

  return (
    <div className="console" data-lang={lang}>
      <header className="console-header">
        <div className="brand">
          <span className="product">{t.product}</span>
          <span className="centre">{t.console.title}</span>
        </div>
        <div className="console-header-right">
          <span className={`conn conn-${connState === 'connected' ? 'ok' : connState === 'connecting' ? 'info' : 'warn'}`} data-testid="connection" data-state={connState}>
            <i className="conn-dot" />
            <span className="conn-text">{t.conn[connState]}</span>
          </span>
          {session ? (
            <>
              <span className="console-user" data-testid="console-user" data-role={session.user.role} title={session.user.username}>
                <span className="user-name">{userName(session.user, teams, lang)}</span>
                <span className="role-tag">{t.console.roles[session.user.role]}</span>
              </span>
              <button type="button" className="btn" onClick={signOut} data-testid="sign-out">
                {t.console.signOut}
              </button>
            </>
          ) : null}
          <a className="btn link" href={`/${lang === 'en' ? '?lang=en' : ''}`}>
            {t.console.toWall}
          </a>
          <button type="button" className="lang-toggle" onClick={toggle} title={t.toggleTitle} data-testid="lang-toggle">
            {t.toggleLabel}
          </button>
        </div>
      </header>
      {session ? (
        <main className="console-main">
          <nav className="console-tabs" role="tablist">
            <TabButton tab="alerts" current={tab} onSelect={selectTab} label={t.console.tabs.alerts} count={activeAlerts} />
            <TabButton tab="orders" current={tab} onSelect={selectTab} label={t.console.tabs.orders} count={openOrders} attention={attention} />
            {atLeast(session.user.role, 'officer') ? <TabButton tab="handover" current={tab} onSelect={selectTab} label={t.console.tabs.handover} count={null} /> : null}
            {atLeast(session.user.role, 'manager') ? <TabButton tab="audit" current={tab} onSelect={selectTab} label={t.console.tabs.audit} count={null} /> : null}
          </nav>
          {tab === 'alerts' || (tab === 'audit' && !atLeast(session.user.role, 'manager')) ? (
            <Queue store={store} alerts={view.data.alerts} outages={view.data.outages} threshold={view.data.risk?.threshold ?? null} session={session} onExpired={expired} onOpenOutage={setPane} t={t} lang={lang} />
          ) : tab === 'audit' && atLeast(session.user.role, 'manager') ? (
            <AuditView session={session} onExpired={expired} t={t} lang={lang} />
          ) : tab === 'orders' || !atLeast(session.user.role, 'officer') ? (
            <OrdersView store={store} session={session} conn={view.conn} teams={teams} nowServer={serverNow(view.data, nowClient)} onExpired={expired} onOpenOutage={setPane} focus={focus} t={t} lang={lang} />
          ) : (
            <HandoverView
              session={session}
              shift={shift}
              onShift={selectShift}
              teams={teams}
              nowServer={serverNow(view.data, nowClient)}
              onOpenOutage={setPane}
              onOpenOrder={openOrder}
              onExpired={expired}
              t={t}
              lang={lang}
            />
          )}
          {pane ? (
            <OutagePane
              key={pane}
              outageId={pane}
              store={store}
              outages={view.data.outages}
              alerts={view.data.alerts}
              session={session}
              teams={teams}
              nowServer={serverNow(view.data, nowClient)}
              onClose={closePane}
              onOpenOrder={openOrder}
              onExpired={expired}
              t={t}
              lang={lang}
            />
          ) : null}
        </main>
      ) : (
        <SignIn onSignedIn={signedIn} notice={notice} t={t} />
      )}
    </div>
  );
}

/** The signed-in user's name in the console's language; a team leader by the team's name. */
function userName(user: Session['user'], teams: ReadonlyMap<string, Team>, lang: Lang): string {
  const team = user.role === 'team' && user.team ? teams.get(user.team) : undefined;
  return pickName(team?.name ?? user.displayName, lang);
}

function SignIn({ onSignedIn, notice, t }: { onSignedIn: (s: Session) => void; notice: string | null; t: Dict }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!username || !password || busy) return;
    setBusy(true);
    setError(null);
    signIn(username.trim(), password)
      .then((s) => onSignedIn(s))
      .catch((err: unknown) => setError(describeError(err, t, 'login')))
      .finally(() => setBusy(false));
  };
  return (
    <main className="console-signin">
      <form className="signin-card" onSubmit={submit} data-testid="sign-in">
        <h1>{t.console.signInTitle}</h1>
        {notice && !error ? <div className="console-note">{notice}</div> : null}
        <label>
          <span>{t.console.username}</span>
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus data-testid="username" />
        </label>
        <label>
          <span>{t.console.password}</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="password" />
        </label>
        {error ? (
          <div className="console-error" role="alert" data-testid="sign-in-error">
            {error}
          </div>
        ) : null}
        <button type="submit" className="btn primary" disabled={busy || !username || !password} data-testid="sign-in-submit">
          {busy ? t.console.signingIn : t.console.signIn}
        </button>
      </form>
    </main>
  );
}

interface QueueProps {
  store: WallStore;
  alerts: ReadonlyMap<string, AlertDto>;
  outages: ReadonlyMap<string, OutageDto>;
  threshold: number | null;
  session: Session;
  onExpired: () => void;
  onOpenOutage: (id: string) => void;
  t: Dict;
  lang: Lang;
}

function Queue({ store, alerts, outages, threshold, session, onExpired, onOpenOutage, t, lang }: QueueProps) {
  const [status, setStatus] = useState<StatusFilter>('active');
  const [severity, setSeverity] = useState<SeverityFilter>('all');
  // Alerts the socket does not carry any more (resolved over an hour ago), when asked for.
  const [history, setHistory] = useState<AlertDto[]>([]);
  const [loading, setLoading] = useState(false);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    if (!needsHistory(status)) return;
    const ac = new AbortController();
    setLoading(true);
    setHistoryError(null);
    listAlerts('all', ac.signal)
      .then((r) => setHistory(r.alerts))
      .catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError') setHistoryError(describeError(err, t));
      })
      .finally(() => setLoading(false));
    return () => ac.abort();
  }, [status, t]);

  const all = useMemo(() => mergeAlerts(history, alerts.values()), [history, alerts]);
  const queue = useMemo(() => consoleQueue(all.values(), status, severity), [all, status, severity]);
  const toggleExpanded = useCallback((id: string) => {
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  }, []);

  return (
    <>
      <div className="console-toolbar">
        <h2>{t.console.queueTitle}</h2>
        <label>
          <span>{t.console.filters.status}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)} data-testid="filter-status">
            <option value="active">{t.console.filters.active}</option>
            {ALERT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t.alerts.status[s]}
              </option>
            ))}
            <option value="all">{t.console.filters.all}</option>
          </select>
        </label>
        <label>
          <span>{t.console.filters.severity}</span>
          <select value={severity} onChange={(e) => setSeverity(e.target.value as SeverityFilter)} data-testid="filter-severity">
            <option value="all">{t.console.filters.allSeverities}</option>
            {ALERT_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t.alerts.severity[s]}
              </option>
            ))}
          </select>
        </label>
        <span className="console-count" data-testid="queue-count">
          {t.console.count(queue.length, all.size)}
        </span>
      </div>
      {loading ? <div className="console-note">{t.console.loadingHistory}</div> : null}
      {historyError ? (
        <div className="console-error" role="alert">
          {historyError}
        </div>
      ) : null}
      <div className="console-queue" data-testid="alert-queue">
        {queue.length === 0 ? <div className="console-empty">{t.console.empty}</div> : null}
        {queue.map((a) => (
          <AlertCard
            key={a.id}
            alert={a}
            outage={outages.get(a.outageId)}
            threshold={threshold}
            session={session}
            expanded={expanded.has(a.id)}
            onToggle={toggleExpanded}
            onAlert={(x) => store.upsertAlerts([x])}
            onExpired={onExpired}
            onOpenOutage={onOpenOutage}
            t={t}
            lang={lang}
          />
        ))}
      </div>
    </>
  );
}

interface TabButtonProps {
  tab: Tab;
  current: Tab;
  onSelect: (tab: Tab) => void;
  label: string;
  /** Active alerts / open orders, when known. */
  count: number | null;
  /** Orders overdue or escalated (amber when any). */
  attention?: number;
}

function TabButton({ tab, current, onSelect, label, count, attention = 0 }: TabButtonProps) {
  return (
    <button type="button" role="tab" aria-selected={tab === current} className={`console-tab${tab === current ? ' current' : ''}`} onClick={() => onSelect(tab)} data-testid={`tab-${tab}`}>
      {label}
      {count !== null ? <span className="tab-count">{count}</span> : null}
      {attention > 0 ? <span className="tab-attention">{attention}</span> : null}
    </button>
  );
}

type Op = 'acknowledge' | 'resolve' | AlertActionKind;

interface AlertCardProps {
  alert: AlertDto;
  outage: OutageDto | undefined;
  threshold: number | null;
  session: Session;
  expanded: boolean;
  onToggle: (id: string) => void;
  /** The alert as an action returned it (shown at once, before the socket's copy). */
  onAlert: (a: AlertDto) => void;
  onExpired: () => void;
  onOpenOutage: (id: string) => void;
  t: Dict;
  lang: Lang;
}

function AlertCard({ alert: a, outage, threshold, session, expanded, onToggle, onAlert, onExpired, onOpenOutage, t, lang }: AlertCardProps) {
  const [busy, setBusy] = useState<Op | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [callList, setCallList] = useState<CallListEntry[] | null>(null);
  const clock = useClock(lang);
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);
  const nf1 = useMemo(() => new Intl.NumberFormat(numberLocale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 }), [lang]);
  const now = Date.now();
  const resolved = a.status === 'resolved';
  const canLead = atLeast(session.user.role, 'shift-lead');
  const opName = (op: Op) => (op === 'acknowledge' ? t.console.actions.acknowledge : op === 'resolve' ? t.console.actions.resolve : t.console.actionKind[op]);

  const run = (op: Op) => {
    if (busy) return;
    setBusy(op);
    setError(null);
    setDone(null);
    const token = session.token;
    const text = note.trim() || undefined;
    const call: Promise<ActionResult> =
      op === 'acknowledge'
        ? acknowledge(token, a.id, text).then((alert) => ({ alert }))
        : op === 'resolve'
          ? resolve(token, a.id, text).then((alert) => ({ alert }))
          : act(token, a.id, op);
    call
      .then((r) => {
        onAlert(r.alert);
        if (op === 'acknowledge' || op === 'resolve') setNote('');
        if (r.callList) setCallList(r.callList);
        if (r.notice) setDone(t.console.noticeSent(nf.format(r.notice.customers.length), r.notice.etr ? clock.time(r.notice.etr, Date.now(), false) : null, r.notice.mqtt));
        else if (r.callList) setDone(t.console.callListTitle(r.callList.length));
        else if (op === 'crew-priority') setDone(t.console.crewRaised);
        else setDone(t.console.done(opName(op)));
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) onExpired();
        else setError(describeError(err, t, op));
      })
      .finally(() => setBusy(null));
  };

  const top = a.reasons[0];
  const cls = riskClass(a.probability, threshold, a);
  const suggested = new Set(a.suggested);

  return (
    <article
      className={`cq-card sev-${a.severity} st-${a.status}`}
      data-testid="console-alert"
      data-alert-id={a.id}
      data-outage-id={a.outageId}
      data-status={a.status}
      data-severity={a.severity}
    >
      <div className="cq-summary">
        <span className={`sev-tag sev-${a.severity}`}>{t.alerts.severity[a.severity]}</span>
        <span className="cq-place">
          <span className="cq-dev" title={outage?.device ?? a.outageId}>
            {outage?.device ?? a.outageId}
          </span>
          <span className="cq-sub">
            {outage ? `${outage.feeder} · ` : ''}
            {t.alerts.customers(nf.format(a.customers))}
            {a.priority ? ` · ${t.alerts.priority}` : ''}
          </span>
        </span>
        <span className={`cq-p risk-${cls}`} title={t.risk.badgeTitle(formatProbability(a.probability))}>
          {formatProbability(a.probability)}
          <small>{t.risk.probability}</small>
        </span>
        <span className="cq-exp">
          {nf1.format(a.expected)}
          <small>{t.risk.expected}</small>
        </span>
        <span className="cq-reason">{top ? reasonText(top, lang) : t.risk.noReasons}</span>
        <span className={`alert-status st-${a.status}`} data-testid="console-alert-status">
          {t.alerts.status[a.status]}
        </span>
        <span className={`esc-badge esc-${a.escalation}${a.status === 'open' ? ' live' : ''}`} data-testid="alert-escalation" data-level={a.escalation}>
          {t.alerts.escalation[a.escalation]}
        </span>
        <span className="cq-time">
          {t.console.raised} {clock.time(a.raisedAt, now, true)}
        </span>
        <button type="button" className="btn" onClick={() => onOpenOutage(a.outageId)} title={t.console.outagePane.openTitle} data-testid="alert-outage">
          {t.console.outagePane.open}
        </button>
        <button type="button" className="btn ghost" onClick={() => onToggle(a.id)} aria-expanded={expanded} data-testid="alert-expand">
          {expanded ? t.console.collapse : t.console.expand}
        </button>
      </div>

      {!resolved ? (
        <div className="cq-actions">
          <input className="cq-note" value={note} placeholder={t.console.notePlaceholder} title={t.console.noteHint} onChange={(e) => setNote(e.target.value)} maxLength={2000} data-testid="alert-note" />
          <button type="button" className="btn primary" disabled={busy !== null || a.status !== 'open'} onClick={() => run('acknowledge')} data-testid="action-acknowledge">
            {t.console.actions.acknowledge}
          </button>
          <button
            type="button"
            className={`btn${suggested.has('notify') ? ' suggested' : ''}`}
            disabled={busy !== null}
            onClick={() => run('notify')}
            title={t.console.actions.notifyHint}
            data-testid="action-notify"
          >
            {t.console.actions.notify}
          </button>
          <button
            type="button"
            className={`btn${suggested.has('call-list') ? ' suggested' : ''}`}
            disabled={busy !== null}
            onClick={() => run('call-list')}
            title={t.console.actions.callListHint}
            data-testid="action-call-list"
          >
            {t.console.actions.callList}
          </button>
          <button
            type="button"
            className={`btn${suggested.has('crew-priority') ? ' suggested' : ''}`}
            disabled={busy !== null || a.priority}
            onClick={() => run('crew-priority')}
            title={t.console.actions.crewPriorityHint}
            data-testid="action-crew-priority"
          >
            {t.console.actions.crewPriority}
            {!canLead ? <small className="btn-req">{t.console.actions.needsLead}</small> : null}
          </button>
          <button type="button" className="btn" disabled={busy !== null} onClick={() => run('resolve')} data-testid="action-resolve">
            {t.console.actions.resolve}
          </button>
          {a.suggested.length ? (
            <span className="cq-suggested">
              {t.console.suggested}: {a.suggested.map((k) => t.console.actionKind[k]).join(' · ')}
            </span>
          ) : null}
        </div>
      ) : null}

      {error ? (
        <div className="console-error" role="alert" data-testid="console-error">
          {error}
        </div>
      ) : null}
      {done && !error ? (
        <div className="console-done" data-testid="console-done">
          {done}
        </div>
      ) : null}

      {callList ? (
        <div className="cq-calllist" data-testid="call-list">
          <h4>{t.console.callListTitle(callList.length)}</h4>
          {callList.length === 0 ? (
            <div className="console-note">{t.console.callListEmpty}</div>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t.console.callListHead.customer}</th>
                  <th>{t.console.callListHead.type}</th>
                  <th>{t.console.callListHead.transformer}</th>
                  <th className="num">{t.console.callListHead.p}</th>
                </tr>
              </thead>
              <tbody>
                {callList.map((c) => (
                  <tr key={c.customer} data-testid="call-list-row">
                    <td className="mono">{c.customer}</td>
                    <td>
                      {t.risk.customerType[c.type] ?? c.type}
                      {c.sensitive ? ` · ${t.risk.sensitive}` : ''}
                    </td>
                    <td className="mono">{c.transformer}</td>
                    <td className="num">{c.p === null ? t.noData : formatProbability(c.p)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ) : null}

      {expanded ? (
        <div className="cq-details" data-testid="alert-details">
          <section>
            <h4>{t.console.steps}</h4>
            <ol className="cq-steps">
              {a.steps.map((s, i) => (
                <li key={`${i}:${s.at}`} data-testid="alert-step" data-status={s.status}>
                  <span className="cq-when">{clock.time(s.at, now, true)}</span>
                  <span className="cq-what">{t.console.stepStatus[s.status]}</span>
                  <span className="cq-who">{s.by === 'system' ? t.console.system : s.by}</span>
                  {s.note ? <span className="cq-stepnote">{s.by === 'system' || s.status === 'action' ? systemNote(s.note, lang) : s.note}</span> : null}
                </li>
              ))}
            </ol>
          </section>
          <section>
            <h4>{t.console.actionsTaken}</h4>
            {a.actions.length === 0 ? <div className="console-note">{t.console.noActions}</div> : null}
            <ul className="cq-steps">
              {a.actions.map((x, i) => (
                <li key={`${i}:${x.at}`} data-testid="alert-action" data-kind={x.kind}>
                  <span className="cq-when">{clock.time(x.at, now, true)}</span>
                  <span className="cq-what">{t.console.actionKind[x.kind]}</span>
                  <span className="cq-who">{x.by}</span>
                  <span className="cq-stepnote">{systemNote(x.result, lang)}</span>
                </li>
              ))}
            </ul>
          </section>
          <section>
            <h4>{t.risk.reasons}</h4>
            <ul className="cq-reasons">
              {a.reasons.length === 0 ? <li className="console-note">{t.risk.noReasons}</li> : null}
              {a.reasons.map((r) => (
                <li key={r.feature} data-testid="risk-reason" data-feature={r.feature}>
                  <span>{reasonText(r, lang)}</span>
                  <span className="cq-weight">+{r.weight.toFixed(2)}</span>
                </li>
              ))}
            </ul>
          </section>
          <section>
            <h4>{t.risk.atRisk}</h4>
            <table className="cq-atrisk">
              <tbody>
                {a.atRisk.slice(0, 10).map((c) => (
                  <tr key={c.customer} data-testid="at-risk-customer">
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
            <div className="cq-model">
              {t.console.outage} <span className="mono">{a.outageId}</span> · {a.modelVersion}
            </div>
          </section>
        </div>
      ) : null}
    </article>
  );
}
