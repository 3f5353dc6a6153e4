import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { DICTS, langFromSearch, type Lang } from './i18n.ts';
import { WallStore, connectWall } from './store.ts';
import { serverNow } from './state.ts';
import { Header } from './components/Header.tsx';
import { KpiPanel } from './components/KpiPanel.tsx';
import { MapView } from './components/MapView.tsx';
import { OutageList } from './components/OutageList.tsx';

function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return now;
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
        <KpiPanel kpis={data.kpis} history={data.kpiHistory} t={t} lang={lang} />
        <MapView
          version={data.network?.version ?? null}
          nowServer={Math.floor(nowServer / 5000) * 5000}
          counts={data.network?.counts ?? null}
          outages={data.outages}
          t={t}
          lang={lang}
        />
        <OutageList outages={data.outages} nowServer={nowServer} t={t} lang={lang} />
      </main>
    </div>
  );
}
