// The console's work orders (工单): a filtered list (live: `order:changed` from the same socket as
// the alerts, refetched after a reconnect) beside the selected order's detail (timeline, triage,
// contacts, callbacks, the customer's earlier orders) and the steps the signed-in user may take.
// Buttons a role may not use are disabled with the reason; the server's 4xx answers are shown.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CHANNELS, ORDER_CATEGORIES, ORDER_LISTS, ORDER_STATUSES } from '@gridwatch/shared';
import type { OrderAction, OrderActionName, OrderBrief, OrderCategory, OrderDetail, OrderDto } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale, orderNote, pickName } from '../i18n.ts';
import type { WallStore, ConnStatus } from '../store.ts';
import { orderMark, toBrief } from '../orders.ts';
import { useClock } from '../components/time.ts';
import { Deadline, OrderFlags, SupervisionBadge } from '../components/orderBits.tsx';
import { ApiError, describeError, describeOrderError, getOrder, listOrders, orderAction, type Session, type Team } from './api.ts';
import { DEFAULT_ORDER_FILTER, applyLiveOrders, matchesOrder, nextAction, orderQuery, possibleNow, rightTo, type OrderFilter, type OrderListState, type Right } from './orders.ts';

export interface OrdersViewProps {
  store: WallStore;
  session: Session;
  conn: ConnStatus;
  /** Teams by id (GET /api/teams), for names, the filter and transfers. */
  teams: ReadonlyMap<string, Team>;
  nowServer: number;
  onExpired: () => void;
  /** Opens the outage detail pane. */
  onOpenOutage: (id: string) => void;
  /** An order to select (from the outage pane or the handover); `n` changes with every request. */
  focus: { id: string; n: number } | null;
  t: Dict;
  lang: Lang;
}

/** Local date and time, "11-27 08:53": orders and contacts span days. */
export function useDateTime(lang: Lang): (ms: number) => string {
  return useMemo(() => {
    const f = new Intl.DateTimeFormat(numberLocale(lang), { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
    return (ms: number) => f.format(ms);
  }, [lang]);
}

export function OrdersView({ store, session, conn, teams, nowServer, onExpired, onOpenOutage, focus, t, lang }: OrdersViewProps) {
  const w = t.console.wo;
  const ownTeam = session.user.role === 'team' ? (session.user.team ?? '') : null;
  const [filter, setFilter] = useState<OrderFilter>(() => ({ ...DEFAULT_ORDER_FILTER, team: ownTeam ?? '' }));
  const [list, setList] = useState<OrderListState>({ orders: [], total: 0 });
  const [loading, setLoading] = useState(false);
  // Errors are kept as they came and worded at render (in the language shown then).
  const [listError, setListError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<OrderDetail | null>(null);
  const [detailError, setDetailError] = useState<unknown>(null);
  /** Bumped to refetch: the list after a reconnect, the detail when its order changed. */
  const [listKey, setListKey] = useState(0);
  const [detailKey, setDetailKey] = useState(0);

  const onExpiredRef = useRef(onExpired);
  onExpiredRef.current = onExpired;
  const fail = useCallback((err: unknown, set: (err: unknown) => void) => {
    if ((err as Error).name === 'AbortError') return;
    if (err instanceof ApiError && err.status === 401) onExpiredRef.current();
    else set(err);
  }, []);

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    setListError(null);
    listOrders(session.token, orderQuery(filter), ac.signal)
      .then((r) => setList({ orders: r.orders, total: r.total }))
      .catch((err: unknown) => fail(err, setListError))
      .finally(() => setLoading(false));
    return () => ac.abort();
  }, [filter, session.token, listKey, fail]);

  // After a reconnect the socket may have missed changes: fetch the list again.
  const wasConnected = useRef(conn === 'connected');
  useEffect(() => {
    if (conn === 'connected' && !wasConnected.current) setListKey((k) => k + 1);
    wasConnected.current = conn === 'connected';
  }, [conn]);

  // Live: changed orders enter, leave or update the list; the open detail is fetched again.
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  useEffect(
    () =>
      store.onOrders((changed) => {
        setList((s) => applyLiveOrders(s, changed, filterRef.current, ownTeam));
        if (changed.some((o) => o.id === selectedRef.current)) setDetailKey((k) => k + 1);
      }),
    [store, ownTeam],
  );

  useEffect(() => {
    if (!selected) {
      setDetail(null);
      return;
    }
    const ac = new AbortController();
    setDetailError(null);
    getOrder(session.token, selected, ac.signal)
      .then((d) => setDetail(d))
      .catch((err: unknown) => fail(err, setDetailError));
    return () => ac.abort();
  }, [selected, detailKey, session.token, fail]);

  const select = useCallback((id: string) => {
    setSelected(id);
    setDetail((d) => (d?.order.id === id ? d : null));
  }, []);
  useEffect(() => {
    if (focus) select(focus.id);
  }, [focus, select]);

  /** An action's answer: shown at once, in the detail and (through the store) the list and the wall state. */
  const changed = useCallback(
    (order: OrderDto) => {
      setDetail((d) => (d && d.order.id === order.id ? { ...d, order } : d));
      store.ordersChanged([toBrief(order)], false);
    },
    [store],
  );

  const set = <K extends keyof OrderFilter>(key: K, value: OrderFilter[K]) => setFilter((f) => ({ ...f, [key]: value }));
  const teamName = useCallback((id: string | null) => (id === null ? t.noData : pickName(teams.get(id)?.name ?? id, lang)), [teams, lang, t]);
  const sortedTeams = useMemo(() => [...teams.values()].sort((a, b) => a.id.localeCompare(b.id)), [teams]);
  const shown = useMemo(() => list.orders.filter((o) => matchesOrder(o, filter, ownTeam)), [list, filter, ownTeam]);

  return (
    <>
      <div className="console-toolbar" data-testid="order-toolbar">
        <h2>{w.title}</h2>
        <FilterSelect label={w.filters.status} testId="order-filter-status" value={filter.status} onChange={(v) => set('status', v as OrderFilter['status'])}
          options={[['open', w.filters.open], ...ORDER_STATUSES.map((s) => [s, t.orders.status[s]] as const), ['all', w.filters.all]]} />
        <FilterSelect label={w.filters.category} testId="order-filter-category" value={filter.category} onChange={(v) => set('category', v as OrderFilter['category'])}
          options={[['all', w.filters.any], ...ORDER_CATEGORIES.map((c) => [c, t.orders.category[c]] as const)]} />
        <FilterSelect label={w.filters.team} testId="order-filter-team" value={filter.team} onChange={(v) => set('team', v)} disabled={ownTeam !== null}
          options={[['', w.filters.any], ...sortedTeams.map((x) => [x.id, pickName(x.name, lang)] as const), ...(ownTeam && !teams.has(ownTeam) ? [[ownTeam, ownTeam] as const] : [])]} />
        <FilterSelect label={w.filters.channel} testId="order-filter-channel" value={filter.channel} onChange={(v) => set('channel', v as OrderFilter['channel'])}
          options={[['all', w.filters.any], ...CHANNELS.map((c) => [c, t.orders.channel[c]] as const)]} />
        <FilterSelect label={w.filters.list} testId="order-filter-list" value={filter.list} onChange={(v) => set('list', v as OrderFilter['list'])}
          options={[['none', w.filters.noList], ...ORDER_LISTS.map((l) => [l, t.orders.list[l]] as const)]} />
        <span className="console-count" data-testid="order-count">
          {w.count(shown.length, list.total)}
        </span>
      </div>
      {listError ? (
        <div className="console-error" role="alert" data-testid="order-list-error">
          {describeError(listError, t)}
        </div>
      ) : null}
      <div className="wo-layout">
        <OrderTable orders={shown} loading={loading} selected={selected} onSelect={select} nowServer={nowServer} teamName={teamName} t={t} lang={lang} />
        <section className="wo-detail" data-testid="order-detail" data-order-id={detail?.order.id ?? ''}>
          {detailError ? (
            <div className="console-error" role="alert">
              {describeError(detailError, t)}
            </div>
          ) : null}
          {!selected ? <div className="console-empty">{w.select}</div> : null}
          {selected && !detail && !detailError ? <div className="console-note">{w.loadingDetail}</div> : null}
          {detail ? (
            <OrderDetailView
              key={detail.order.id}
              detail={detail}
              session={session}
              teams={sortedTeams}
              teamName={teamName}
              nowServer={nowServer}
              onChanged={changed}
              onSelect={select}
              onOpenOutage={onOpenOutage}
              onExpired={onExpired}
              t={t}
              lang={lang}
            />
          ) : null}
        </section>
      </div>
    </>
  );
}

interface OrderTableProps {
  orders: readonly OrderBrief[];
  loading: boolean;
  selected: string | null;
  onSelect: (id: string) => void;
  nowServer: number;
  teamName: (id: string | null) => string;
  t: Dict;
  lang: Lang;
}

function OrderTable({ orders, loading, selected, onSelect, nowServer, teamName, t, lang }: OrderTableProps) {
  const w = t.console.wo;
  const clock = useClock(lang);
  return (
    <div className="wo-list">
      <table className="wo-table" data-testid="order-list">
        <thead>
          <tr>
            <th>{w.head.id}</th>
            <th>{w.head.category}</th>
            <th>{w.head.status}</th>
            <th>{w.head.channel}</th>
            <th className="num">{w.head.customers}</th>
            <th>{w.head.created}</th>
            <th>{w.head.deadline}</th>
            <th>{w.head.supervision}</th>
            <th>{w.head.flags}</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => (
            <tr
              key={o.id}
              className={`wo-row mark-${orderMark(o, nowServer)}${o.id === selected ? ' selected' : ''}${o.status === 'closed' ? ' closed' : ''}`}
              onClick={() => onSelect(o.id)}
              aria-selected={o.id === selected}
              data-testid="order-row"
              data-order-id={o.id}
              data-status={o.status}
            >
              <td>
                {/* A button for the keyboard; its click reaches the row's handler. */}
                <button type="button" className="wo-id" title={`${teamName(o.team)} · ${o.transformer ?? ''}`}>
                  {o.id}
                </button>
              </td>
              <td>{t.orders.category[o.category]}</td>
              <td className={`wo-status st-${o.status}`}>{t.orders.status[o.status]}</td>
              <td className="dim">{t.orders.channelShort[o.channel]}</td>
              <td className="num">{o.customers}</td>
              <td className="dim">{clock.time(o.createdAt, nowServer, false)}</td>
              <td>
                <Deadline order={o} nowServer={nowServer} t={t} />
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
      {orders.length === 0 ? <div className="console-empty">{loading ? w.loading : w.empty}</div> : null}
    </div>
  );
}

interface OrderDetailViewProps {
  detail: OrderDetail;
  session: Session;
  teams: readonly Team[];
  teamName: (id: string | null) => string;
  nowServer: number;
  onChanged: (order: OrderDto) => void;
  onSelect: (id: string) => void;
  onOpenOutage: (id: string) => void;
  onExpired: () => void;
  t: Dict;
  lang: Lang;
}

function OrderDetailView({ detail, session, teams, teamName, nowServer, onChanged, onSelect, onOpenOutage, onExpired, t, lang }: OrderDetailViewProps) {
  const { order: o, customerHistory, outage } = detail;
  const w = t.console.wo;
  const dt = useDateTime(lang);
  const repeat = o.repeatCustomer ?? o.repeatArea;
  const who = (by: string) => (by === 'system' ? w.system : by);
  const f = w.facts;
  const facts: [string, string][] = [
    [f.customer, o.customer],
    [f.contacts, `${o.contacts} · ${t.alerts.customers(String(o.customers))}`],
    [f.team, teamName(o.team)],
    [f.grid, o.grid ?? t.noData],
    [f.transformer, o.transformer ?? t.noData],
    [f.zone, o.zone ? t.orders.zone[o.zone] : t.noData],
    [f.created, dt(o.createdAt)],
    [f.updated, dt(o.updatedAt)],
    [f.deadline, w.limit(t.orders.dueStep[o.dueStep], t.orders.minutes(o.limitMin), dt(o.deadline))],
  ];

  return (
    <article className={`wo-card mark-${orderMark(o, nowServer)}`} data-status={o.status}>
      <header className="wo-head">
        <span className="wo-title mono">{o.id}</span>
        <span className="wo-cat">{t.orders.category[o.category]}</span>
        <span className={`wo-status st-${o.status}`} data-testid="order-status">
          {t.orders.status[o.status]}
        </span>
        {o.supervision !== 'none' ? <SupervisionBadge level={o.supervision} t={t} /> : null}
        <Deadline order={o} nowServer={nowServer} t={t} />
        <span className="wo-channel dim">{t.orders.channel[o.channel]}</span>
        <OrderFlags order={o} t={t} />
      </header>

      <dl className="wo-facts">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className={k === f.customer || k === f.grid || k === f.transformer ? 'mono' : undefined}>{v}</dd>
          </div>
        ))}
        <div className="wide">
          <dt>{f.outage}</dt>
          <dd data-testid="order-outage" data-outage-id={o.outageId ?? ''}>
            <span className="mono">{o.outageId ?? t.noData}</span>
            {outage ? (
              <span className="dim">
                {' '}
                · <span className="mono">{outage.device}</span> · {t.status[outage.status]} · {t.alerts.customers(String(outage.customers))}
              </span>
            ) : null}
            {o.outageId ? (
              <button type="button" className="btn small wo-outage-open" onClick={() => onOpenOutage(o.outageId!)} title={t.console.outagePane.openTitle} data-testid="order-outage-open">
                {t.console.outagePane.open}
              </button>
            ) : null}
          </dd>
        </div>
      </dl>

      <section className="wo-section" data-testid="order-triage" data-result={o.triage.result}>
        <h4>{w.triage}</h4>
        <div className="wo-triage">
          <span className="wo-triage-result">{t.orders.triage[o.triage.result]}</span>
          <span className="dim">{o.triage.crew ? t.orders.crew : t.orders.noCrew}</span>
          {repeat !== null ? <span className="dim">{t.orders.repeatWithin(repeat)}</span> : null}
        </div>
        {o.triage.note ? <div className="wo-triage-note">{o.triage.note}</div> : null}
      </section>

      <OrderActions order={o} session={session} teams={teams} onChanged={onChanged} onExpired={onExpired} t={t} lang={lang} />

      <section className="wo-section">
        <h4>{w.timeline}</h4>
        <ol className="cq-steps wo-steps">
          {o.steps.map((s, i) => (
            <li key={`${i}:${s.at}`} data-testid="order-step" data-kind={s.kind}>
              <span className="cq-when">{dt(s.at)}</span>
              <span className={`cq-what step-${s.kind}`}>{t.orders.stepKind[s.kind]}</span>
              <span className="cq-who">{who(s.by)}</span>
              {s.note ? <span className="cq-stepnote">{orderNote(s.note, lang)}</span> : null}
            </li>
          ))}
        </ol>
      </section>

      <section className="wo-section">
        <h4>{w.callbacks}</h4>
        <div className="wo-callbacks" data-testid="order-callbacks">
          <span>
            <span className="dim">{w.callback1}</span> {o.solved === null ? <span className="dim">{w.notYet}</span> : t.orders.solved(o.solved)}
          </span>
          <span>
            <span className="dim">{w.callback2}</span> {o.score === null ? <span className="dim">{w.notYet}</span> : t.orders.score(o.score)}
          </span>
        </div>
      </section>

      <section className="wo-section">
        <h4>
          {w.contacts} ({o.contactList.length})
        </h4>
        <table className="wo-subtable" data-testid="order-contacts">
          <thead>
            <tr>
              <th>{w.contactHead.at}</th>
              <th>{w.contactHead.customer}</th>
              <th>{w.contactHead.channel}</th>
              <th>{w.contactHead.type}</th>
              <th>{w.contactHead.warned}</th>
              <th>{w.contactHead.repeat}</th>
              <th>{w.contactHead.text}</th>
            </tr>
          </thead>
          <tbody>
            {o.contactList.map((c) => (
              <tr key={c.id} data-testid="order-contact" data-type={c.type}>
                <td className="dim">{dt(c.at)}</td>
                <td className="mono">{c.customer}</td>
                <td>{t.orders.channelShort[c.channel]}</td>
                <td className={c.type === 'complaint' ? 'strong' : undefined}>{t.orders.contactType[c.type]}</td>
                <td>{c.warned ? t.orders.warned : t.noData}</td>
                <td>{c.repeatCustomer !== null ? t.orders.repeatWithin(c.repeatCustomer) : t.noData}</td>
                <td className="wo-text">{c.text ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="wo-section">
        <h4>{w.history}</h4>
        {customerHistory.length === 0 ? (
          <div className="console-note">{w.noHistory}</div>
        ) : (
          <table className="wo-subtable" data-testid="order-history">
            <tbody>
              {customerHistory.map((h) => (
                <tr key={h.id} data-testid="order-history-row" data-order-id={h.id}>
                  <td className="dim">{dt(h.createdAt)}</td>
                  <td>
                    <button type="button" className="wo-id" onClick={() => onSelect(h.id)}>
                      {h.id}
                    </button>
                  </td>
                  <td>{t.orders.category[h.category]}</td>
                  <td>{t.orders.status[h.status]}</td>
                  <td>{h.score !== null ? t.orders.score(h.score) : h.solved !== null ? t.orders.solved(h.solved) : ''}</td>
                  <td>
                    <OrderFlags order={h} t={t} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </article>
  );
}

interface OrderActionsProps {
  order: OrderDto;
  session: Session;
  teams: readonly Team[];
  onChanged: (order: OrderDto) => void;
  onExpired: () => void;
  t: Dict;
  lang: Lang;
}

/** The steps on an order, each enabled only when the user's role and the order's state allow it. */
function OrderActions({ order: o, session, teams, onChanged, onExpired, t, lang }: OrderActionsProps) {
  const w = t.console.wo;
  const [busy, setBusy] = useState<OrderActionName | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [toTeam, setToTeam] = useState(() => teams.find((x) => x.id !== o.team)?.id ?? '');
  const [toCategory, setToCategory] = useState<OrderCategory>(() => ORDER_CATEGORIES.find((c) => c !== o.category)!);
  const next = nextAction(o);
  const text = note.trim() || undefined;

  const run = (action: OrderAction) => {
    if (busy) return;
    setBusy(action.action);
    setError(null);
    setDone(null);
    orderAction(session.token, o.id, action)
      .then((r) => {
        onChanged(r.order);
        setNote('');
        setDone(action.action === 'callback-1' ? w.callback1Done(action.solved) : action.action === 'callback-2' ? w.callback2Done(action.score) : w.done(w.actions[action.action]));
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) onExpired();
        else setError(describeOrderError(err, t));
      })
      .finally(() => setBusy(null));
  };

  /** Why a button is disabled, or null when it may be pressed. */
  const blocked = (action: OrderActionName, extra: string | null = null): string | null => {
    const right: Right = rightTo(session.user, o, action);
    if (right === 'read-only') return w.readOnly;
    if (right === 'needs-officer') return w.needsOfficer;
    if (right === 'own-team') return w.needsOwnTeam;
    if (!possibleNow(o, action)) return w.notNow(t.orders.status[o.status]);
    return extra;
  };

  const button = (action: OrderActionName, body: OrderAction, label: string, extra: string | null = null, testid: string = action) => {
    const why = blocked(action, extra);
    return (
      <span className="wo-btn-wrap" title={why ?? undefined} key={testid}>
        <button
          type="button"
          className={`btn${action === next && why === null ? ' primary' : ''}`}
          disabled={busy !== null || why !== null}
          onClick={() => run(body)}
          data-testid={`order-action-${testid}`}
        >
          {label}
        </button>
      </span>
    );
  };

  const withNote = <T extends object>(body: T): T & { note?: string } => (text ? { ...body, note: text } : body);

  return (
    <section className="wo-section wo-actions" data-testid="order-actions">
      <input className="cq-note wo-note" value={note} placeholder={w.notePlaceholder} title={w.noteHint} onChange={(e) => setNote(e.target.value)} maxLength={500} data-testid="order-note" />
      <div className="wo-action-row">
        {button('accept', { action: 'accept' }, w.actions.accept)}
        {button('on-site', { action: 'on-site' }, w.actions['on-site'])}
        {button('resolve', withNote({ action: 'resolve' as const }), w.actions.resolve)}
        {button('note', { action: 'note', note: text ?? '' }, w.actions.note, text ? null : w.noteRequired)}
      </div>
      <div className="wo-action-row">
        <span className="wo-action-label">{w.actions['callback-1']}</span>
        {button('callback-1', withNote({ action: 'callback-1' as const, solved: true }), w.solvedYes, null, 'callback-1-yes')}
        {button('callback-1', withNote({ action: 'callback-1' as const, solved: false }), w.solvedNo, null, 'callback-1-no')}
        <span className="wo-action-label" title={w.scoreTitle}>
          {w.actions['callback-2']}
        </span>
        {[1, 2, 3, 4, 5].map((n) => button('callback-2', withNote({ action: 'callback-2' as const, score: n }), String(n), null, `callback-2-${n}`))}
      </div>
      <div className="wo-action-row">
        <span className="wo-group">
          <label className="wo-inline">
            <span>{w.transferTo}</span>
            <select value={toTeam} onChange={(e) => setToTeam(e.target.value)} data-testid="order-transfer-team">
              {teams.map((x) => (
                <option key={x.id} value={x.id}>
                  {pickName(x.name, lang)}
                </option>
              ))}
            </select>
          </label>
          {button('transfer', withNote({ action: 'transfer' as const, team: toTeam }), w.actions.transfer, toTeam && toTeam !== o.team ? null : w.sameTeam)}
        </span>
        <span className="wo-group">
          <label className="wo-inline">
            <span>{w.reclassifyTo}</span>
            <select value={toCategory} onChange={(e) => setToCategory(e.target.value as OrderCategory)} data-testid="order-reclassify-category">
              {ORDER_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t.orders.category[c]}
                </option>
              ))}
            </select>
          </label>
          {button('reclassify', { action: 'reclassify', category: toCategory }, w.actions.reclassify, toCategory !== o.category ? null : w.sameCategory)}
        </span>
      </div>
      {error ? (
        <div className="console-error" role="alert" data-testid="order-error">
          {error}
        </div>
      ) : null}
      {done && !error ? (
        <div className="console-done" data-testid="order-done">
          {done}
        </div>
      ) : null}
    </section>
  );
}

/** One labelled filter of the toolbar: options as [value, label] pairs. */
function FilterSelect(p: { label: string; testId: string; value: string; onChange: (value: string) => void; options: readonly (readonly [string, string])[]; disabled?: boolean }) {
  return (
    <label>
      <span>{p.label}</span>
      <select value={p.value} onChange={(e) => p.onChange(e.target.value)} disabled={p.disabled} data-testid={p.testId}>
        {p.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
