import { useMemo } from 'react';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale, pickName } from '../i18n.ts';
import type { ConnStatus } from '../store.ts';

/** Seconds without any message after which connected data counts as stale. */
export const STALE_AFTER_S = 15;

export interface HeaderProps {
  t: Dict;
  lang: Lang;
  networkName: string | null;
  conn: ConnStatus;
  lastMessageAt: number | null;
  nowClient: number;
  nowServer: number;
  onToggleLang: () => void;
}

export function Header({ t, lang, networkName, conn, lastMessageAt, nowClient, nowServer, onToggleLang }: HeaderProps) {
  const loc = numberLocale(lang);
  const dateFmt = useMemo(() => new Intl.DateTimeFormat(loc, { weekday: 'short' }), [loc]);
  const timeFmt = useMemo(() => new Intl.DateTimeFormat(loc, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }), [loc]);

  const age = lastMessageAt === null ? null : Math.max(0, Math.floor((nowClient - lastMessageAt) / 1000));
  const stale = conn === 'connected' && (age === null || age >= STALE_AFTER_S);
  const state = conn !== 'connected' ? conn : stale ? 'stale' : 'connected';
  const cls = state === 'connected' ? 'ok' : state === 'connecting' ? 'info' : 'warn';

  return (
    <header className="wall-header">
      <div className="brand">
        <span className="product">{t.product}</span>
        <span className="centre">{t.centre}</span>
      </div>
      <div className="network-name" data-testid="network-name">
        {networkName ? pickName(networkName, lang) : ''}
      </div>
      <div className="header-right">
        <div className={`conn conn-${cls}`} data-testid="connection" data-state={state} data-age={age ?? ''}>
          <i className="conn-dot" />
          <span className="conn-text">{t.conn[state]}</span>
          {age !== null ? <span className="conn-age">{t.age(age)}</span> : null}
        </div>
        <div className="clock" data-testid="clock">
          <span className="clock-date">{`${isoDate(nowServer)} ${dateFmt.format(nowServer)}`}</span>
          <span className="clock-time">{timeFmt.format(nowServer)}</span>
        </div>
        <button type="button" className="lang-toggle" onClick={onToggleLang} title={t.toggleTitle} data-testid="lang-toggle">
          {t.toggleLabel}
        </button>
      </div>
    </header>
  );
}

/** Local date as YYYY-MM-DD (the same in both languages). */
function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
