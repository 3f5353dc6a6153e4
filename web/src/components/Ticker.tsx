import { memo, useMemo } from 'react';
import type { AlertDto, OutageDto, ServiceSummary } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale } from '../i18n.ts';
import { middleEllipsis } from '../detail.ts';
import { tickerItems, type TickerItem } from '../ticker.ts';
import { useClock } from './time.ts';

export interface TickerProps {
  alerts: ReadonlyMap<string, AlertDto>;
  outages: ReadonlyMap<string, OutageDto>;
  service: ServiceSummary | null;
  /** Server time, coarse (the ticker's window moves by the minute). */
  nowServer: number;
  t: Dict;
  lang: Lang;
}

/**
 * The alert and escalation ticker along the wall's foot (预警督办): the latest alerts raised and
 * escalated and work orders escalated or overdue, newest first, as many whole items as fit on one
 * line. It does not move: a wall read from across the room needs text that stands still. Red and
 * amber only while someone still has to act; handled items stay, grey, until they age out.
 */
export const Ticker = memo(function Ticker({ alerts, outages, service, nowServer, t, lang }: TickerProps) {
  const items = useMemo(() => tickerItems(alerts.values(), outages, service, nowServer), [alerts, outages, service, nowServer]);
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang)), [lang]);
  const clock = useClock(lang);
  const live = items.filter((i) => i.live).length;

  const text = (i: TickerItem): { what: string; where: string } => {
    switch (i.kind) {
      case 'alert-raised':
        return { what: t.ticker.alertRaised(t.ticker.severity[i.severity]), where: [place(i), t.ticker.customers(nf.format(i.customers))].filter(Boolean).join(' · ') };
      case 'alert-escalated':
        return { what: t.ticker.alertEscalated(t.alerts.escalation[i.level]), where: place(i) };
      case 'order-escalated':
        return { what: t.ticker.orderEscalated(t.orders.supervision[i.level]), where: orderPlace(i) };
      case 'order-overdue':
        return { what: t.ticker.orderOverdue, where: orderPlace(i) };
    }
  };
  const place = (i: { device: string | null; feeder: string | null }) => [i.device ? middleEllipsis(i.device, 18) : t.alerts.unknownPlace, i.feeder].filter(Boolean).join(' · ');
  const orderPlace = (i: Extract<TickerItem, { orderId: string }>) => [middleEllipsis(i.orderId, 16), t.orders.category[i.category], i.team ? t.ticker.team(i.team) : null].filter(Boolean).join(' · ');

  return (
    <footer className="ticker" data-testid="ticker" data-items={items.length} data-live={live}>
      <span className={`tk-title${live > 0 ? ' live' : ''}`}>{t.ticker.title}</span>
      <div className="tk-items">
        {items.length === 0 ? <span className="tk-none">{t.ticker.none}</span> : null}
        {items.map((i) => {
          const { what, where } = text(i);
          return (
            <span key={i.key} className={`tk-item tone-${i.tone}`} data-testid="ticker-item" data-kind={i.kind} data-tone={i.tone}>
              <time className="tk-time">{clock.time(i.at, nowServer, false)}</time>
              <span className="tk-what">{what}</span>
              {where ? <span className="tk-where">{where}</span> : null}
            </span>
          );
        })}
      </div>
    </footer>
  );
});
