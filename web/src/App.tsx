import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { OutageDto } from '@gridwatch/shared';
import { DICTS, langFromSearch, type Lang } from './i18n.ts';
import { WallStore, connectWall } from './store.ts';
import { hasAlarm, serverNow } from './state.ts';
import { Header } from './components/Header.tsx';
import { KpiPanel } from './components/KpiPanel.tsx';
import { MapView } from './components/MapView.tsx';
import { OutageList } from './components/OutageList.tsx';
import { OutageDetail } from './components/OutageDetail.tsx';
import { DETAIL_CYCLE_MS, detailOrder, nextInCycle, shownInCycle } from './detail.ts';

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
  const [lang, setLang] = useState<Lang>(() => langFromSearch(window.location.search));
  const t = DICTS[lang];
  const now = useNow(1000);

  useEffect(() => connectWall(store), [store]);

  useEffect(() => {
    document.documentElement.lang = t.htmlLang;
    document.title = `${t.product} · ${t.centre}`;
  }, [t]);

  const toggleLang = useCallback(() => {
    setLang((l) => {
      const next: Lang = l === 'en' ? 'zh-CN' : 'en';
      const url = new URL(window.location.href);
      if (next === 'en') url.searchParams.set('lang', 'en');
      else url.searchParams.delete('lang');
      window.history.replaceState(null, '', url);
      return next;
    });
  }, []);

  const { data } = view;
  const nowServer = serverNow(data, now);
  const cycle = useDetailCycle(data.outages);
  const alarm = useMemo(() => hasAlarm(data.outages.values()), [data.outages]);

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
        <KpiPanel kpis={data.kpis} alarm={alarm} history={data.kpiHistory} t={t} lang={lang} />
        <MapView
          version={data.network?.version ?? null}
          nowServer={Math.floor(nowServer / 5000) * 5000}
          counts={data.network?.counts ?? null}
          outages={data.outages}
          focusId={cycle.shown}
          t={t}
          lang={lang}
        />
        <div className="side-column">
          <OutageList outages={data.outages} nowServer={nowServer} focusId={cycle.shown} alarm={alarm} t={t} lang={lang} />
          <OutageDetail
            outages={data.outages}
            shownId={cycle.shown}
            position={cycle.position}
            cycleLength={cycle.length}
            step={cycle.step}
            nowServer={nowServer}
            t={t}
            lang={lang}
          />
        </div>
      </main>
    </div>
  );
}
