import { memo, useMemo } from 'react';
import type { ServiceSummary } from '@gridwatch/shared';
import type { Dict, Lang } from '../i18n.ts';
import { numberLocale } from '../i18n.ts';
import { openCount, orderMark } from '../orders.ts';
import { middleEllipsis } from '../detail.ts';
import { Deadline, SupervisionBadge } from './orderBits.tsx';
import { useRowCapacity } from './useRowCapacity.ts';
import { ServiceTrend } from './ServiceTrend.tsx';

/** Row height in rem; keep in step with .svc-row in styles.css. */
const ROW_REM = 2.45;
/** Characters of an order id that fit its column. */
const ID_CHARS = 14;

export interface ServicePanelProps {
  /** Null from a server without work orders. */
  service: ServiceSummary | null;
  nowServer: number;
  t: Dict;
  lang: Lang;
}

type Figure = { key: Exclude<keyof Dict['service']['hints'], 'openOrders'>; value: number | null; kind: 'rate' | 'share' | 'score'; warn?: boolean };

/**
 * The wall's work orders (服务工单), read-only: today's service KPIs, contacts by channel, and the
 * open orders that are overdue or escalated (most urgent first; red when overdue now or under
 * company supervision, amber when escalated). Neutral unless something is abnormal.
 */
export const ServicePanel = memo(function ServicePanel({ service, nowServer, t, lang }: ServicePanelProps) {
  const [body, capacity] = useRowCapacity(ROW_REM, 3);
  const nf = useMemo(() => new Intl.NumberFormat(numberLocale(lang), { maximumFractionDigits: 0 }), [lang]);
  const nf1 = useMemo(() => new Intl.NumberFormat(numberLocale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 }), [lang]);
  const s = t.service;
  const k = service?.today;

  const format = (f: Figure): string => {
    if (f.value === null || !Number.isFinite(f.value)) return t.noData;
    if (f.kind === 'share') return `${Math.round(f.value * 100)}%`;
    return f.kind === 'score' || f.value < 100 ? nf1.format(f.value) : nf.format(f.value);
  };
  const figures: Figure[] = k
    ? [
        { key: 'complaintsPer10k', value: k.complaintsPer10k, kind: 'rate' },
        { key: 'overdueRate', value: k.overdueRate, kind: 'share', warn: k.overdueOrders > 0 },
        { key: 'firstContactResolution', value: k.firstContactResolution, kind: 'share' },
        { key: 'satisfaction', value: k.satisfactionMean, kind: 'score' },
        { key: 'repeatRate', value: k.repeatComplaintRate, kind: 'share' },
        { key: 'warnedShare', value: k.warnedShare, kind: 'share' },
      ]
    : [];
  const openNow = service ? openCount(service) : null;

  const attention = service?.attention ?? [];
  // Room for one row only: that row, without the "n more" line (the count is in the heading).
  const overflow = attention.length > capacity && capacity > 1;
  const shown = overflow ? attention.slice(0, capacity - 1) : attention.slice(0, Math.max(1, capacity));

  return (
    <section className="panel svc-panel" data-testid="service-panel" data-open={openNow ?? ''} data-attention={attention.length}>
      <header className="panel-title">
        <span>{s.title}</span>
        <span className="panel-count" data-testid="service-open" title={s.hints.openOrders}>
          {openNow === null ? t.noData : s.open(nf.format(openNow))}
        </span>
      </header>
      <dl className="svc-figures">
        {figures.map((f) => (
          <div key={f.key} className={`svc-fig${f.warn ? ' warn' : ''}`} data-testid={`service-${f.key}`} data-value={f.value ?? ''}>
            <dt title={s.hints[f.key]}>{s[f.key]}</dt>
            <dd>{format(f)}</dd>
          </div>
        ))}
      </dl>
      <ServiceTrend hours={service?.hours ?? []} today={k?.channelMix ?? null} format={(n) => nf.format(n)} none={t.noData} t={t} />
      <div className="svc-sub">
        <span>{s.attention}</span>
        {attention.length > 0 ? <span className="svc-sub-n">{nf.format(attention.length)}</span> : null}
      </div>
      <div className="svc-body" ref={body} data-testid="service-attention">
        {service && attention.length === 0 ? <div className="svc-none">{s.noAttention}</div> : null}
        {shown.map((o) => (
          <div key={o.id} className={`svc-row mark-${orderMark(o, nowServer)}`} data-testid="attention-row" data-order-id={o.id} data-supervision={o.supervision} data-overdue={o.overdue}>
            <SupervisionBadge level={o.supervision} t={t} short />
            <span className="svc-what">
              <span className="svc-id" title={o.id}>
                {middleEllipsis(o.id, ID_CHARS)}
              </span>
              <span className="svc-cat">{t.orders.category[o.category]}</span>
            </span>
            <Deadline order={o} nowServer={nowServer} t={t} />
          </div>
        ))}
        {overflow ? <div className="svc-more">{s.more(attention.length - shown.length)}</div> : null}
      </div>
    </section>
  );
});
