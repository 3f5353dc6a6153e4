import { useMemo } from 'react';
import type { Lang } from '../i18n.ts';
import { DICTS, numberLocale } from '../i18n.ts';
import { dayOffset } from '../detail.ts';

export interface Clock {
  /** Local time of day, hh:mm (or hh:mm:ss), marked "+1" etc. when not on the day of `now`. */
  time: (ms: number, now: number, seconds: boolean) => string;
}

export function useClock(lang: Lang): Clock {
  return useMemo(() => {
    const loc = numberLocale(lang);
    const hm = new Intl.DateTimeFormat(loc, { hour: '2-digit', minute: '2-digit', hour12: false });
    const hms = new Intl.DateTimeFormat(loc, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
    const mark = DICTS[lang].detail.dayMark;
    return {
      time: (ms, now, seconds) => {
        const s = (seconds ? hms : hm).format(ms);
        const d = dayOffset(ms, now);
        return d === 0 ? s : `${s} ${mark(d)}`;
      },
    };
  }, [lang]);
}
