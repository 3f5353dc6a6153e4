import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { OutageDto } from '@gridwatch/shared';
import type { Dict } from './i18n.ts';
import { useLang } from './lang.ts';
import { WallStore, connectWall } from './store.ts';
import { activeAlertsByOutage, hasAlarm, serverNow } from './state.ts';
import { Header } from './components/Header.tsx';
import { AlertPanel } from './components/AlertPanel.tsx';
import { KpiPanel } from './components/KpiPanel.tsx';
import { ServicePanel } from './components/ServicePanel.tsx';
import { Ticker } from './components/Ticker.tsx';
import { MapView } from './components/MapView.tsx';
import { OutageList } from './components/OutageList.tsx';
import { OutageDetail } from './components/OutageDetail.tsx';
import { DETAIL_CYCLE_MS, detailOrder, nextInCycle, shownInCycle } from './detail.ts';

const wallTitle = (t: Dict) => `${t.product} · ${t.centre}`;

function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return now;
}

/** The detail's cycle: every DETAIL_CYCLE_MS the next of the largest active outages. */
function useDetailCycle(outages: ReadonlyMap<string, OutageDto>) {
  const order = useMemo(() => detailOrder(outages.values()), [outages]);
  const orderRef = useRef(order);
  orderRef.current = order;
  const [current, setCurrent] = useState<string | null>(null);
  const [step, setStep] = useState(0);
  useEffect(() => {
    const id = setInterval(() => {
      setCurrent((prev) => nextInCycle(orderRef.current, shownInCycle(orderRef.current, prev)));
      setStep((n) => n + 1);
    }, DETAIL_CYCLE_MS);
    return () => clearInterval(id);
  }, []);
  const shown = shownInCycle(order, current);
  return { shown, position: shown === null ? 0 : order.indexOf(shown) + 1, length: order.length, step };
}

export function App({ store }: { store: WallStore }) {
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const { lang, t, toggle: toggleLang } = useLang(wallTitle);
  const now = useNow(1000);

  useEffect(() => connectWall(store), [store]);

  const { data } = view;
  const nowServer = serverNow(data, now);
  const cycle = useDetailCycle(data.outages);
  const alarm = useMemo(() => hasAlarm(data.outages.values()), [data.outages]);
  const alertsByOutage = useMemo(() => activeAlertsByOutage(data.alerts.values()), [data.alerts]);
  const threshold = data.risk?.threshold ?? null;

  return (
    <div className="wall" data-lang={lang}>
      <Header
        t={t}
        lang={lang}
        networkName={data.network?.name ?? null}
        conn={view.conn}
        lastMessageAt={view.lastMessageAt}
        nowClient={now}
        nowServer={nowServer}
        onToggleLang={toggleLang}
      />
      <main className="wall-body">
        <div className="left-column">
          <KpiPanel
            kpis={data.kpis}
            alarm={alarm}
            history={data.kpiHistory}
            complaintHours={data.complaintHours}
            nowServer={Math.floor(nowServer / 60_000) * 60_000}
            t={t}
            lang={lang}
          />
          <ServicePanel service={data.service} nowServer={Math.floor(nowServer / 10_000) * 10_000} t={t} lang={lang} />
        </div>
        <div className="centre-column">
          <MapView
            version={data.network?.version ?? null}
            nowServer={Math.floor(nowServer / 5000) * 5000}
            counts={data.network?.counts ?? null}
            outages={data.outages}
            focusId={cycle.shown}
            risks={data.risks}
            alertsByOutage={alertsByOutage}
            threshold={threshold}
            t={t}
            lang={lang}
          />
          <AlertPanel alerts={data.alerts} outages={data.outages} risk={data.risk} t={t} lang={lang} />
        </div>
        <div className="side-column">
          <OutageList
            outages={data.outages}
            nowServer={nowServer}
            focusId={cycle.shown}
            alarm={alarm}
            risks={data.risks}
            alertsByOutage={alertsByOutage}
            threshold={threshold}
            t={t}
            lang={lang}
          />
          <OutageDetail
            outages={data.outages}
            shownId={cycle.shown}
            position={cycle.position}
            cycleLength={cycle.length}
            step={cycle.step}
            nowServer={nowServer}
            risks={data.risks}
            alertsByOutage={alertsByOutage}
            threshold={threshold}
            t={t}
            lang={lang}
          />
        </div>
      </main>
      <Ticker alerts={data.alerts} outages={data.outages} service={data.service} nowServer={Math.floor(nowServer / 60_000) * 60_000} t={t} lang={lang} />
    </div>
  );
}
