import { useCallback, useEffect, useState } from 'react';
import { DICTS, langFromSearch, type Dict, type Lang } from './i18n.ts';

/** The page's language (from `?lang=`), a toggle that keeps the URL in step, and its strings. */
export function useLang(title: (t: Dict) => string): { lang: Lang; t: Dict; toggle: () => void } {
  const [lang, setLang] = useState<Lang>(() => langFromSearch(window.location.search));
  const t = DICTS[lang];
  useEffect(() => {
    document.documentElement.lang = t.htmlLang;
    document.title = title(t);
  }, [t, title]);
  const toggle = useCallback(() => {
    setLang((l) => {
      const next: Lang = l === 'en' ? 'zh-CN' : 'en';
      const url = new URL(window.location.href);
      if (next === 'en') url.searchParams.set('lang', 'en');
      else url.searchParams.delete('lang');
      window.history.replaceState(null, '', url);
      return next;
    });
  }, []);
  return { lang, t, toggle };
}
