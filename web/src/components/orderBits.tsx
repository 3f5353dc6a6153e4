// Small pieces of a work order shown alike on the wall and in the console: the supervision level
// (三级督办), the time limit (left / overdue / met) and the flags.
import type { OrderBrief, SupervisionLevel } from '@gridwatch/shared';
import type { Dict } from '../i18n.ts';
import { deadlineState, spanMinutes } from '../orders.ts';

/** Team leader amber outline, department amber, company red; a dash when not escalated. `short`: the wall's words. */
export function SupervisionBadge({ level, t, short = false }: { level: SupervisionLevel; t: Dict; short?: boolean }) {
  if (level === 'none') return <span className="sup-none">{t.noData}</span>;
  return (
    <span className={`sup-badge sup-${level}`} data-testid="order-supervision" data-level={level} title={t.orders.supervision[level]}>
      {(short ? t.orders.supervisionShort : t.orders.supervision)[level]}
    </span>
  );
}

/** The time limit in words: "剩 20分钟" (amber when close), "超时 1小时5分" (red), or met on time / late. */
export function Deadline({ order, nowServer, t }: { order: OrderBrief; nowServer: number; t: Dict }) {
  const d = deadlineState(order, nowServer);
  const w = t.orders;
  if (d.kind === 'met') return <span className={`dl dl-met${d.late ? ' late' : ''}`}>{d.late ? w.metLate : w.met}</span>;
  const span = w.minutes(spanMinutes(d.ms));
  return (
    <span className={`dl ${d.kind === 'overdue' ? 'dl-overdue' : d.soon ? 'dl-soon' : 'dl-left'}`} data-testid="order-deadline" data-state={d.kind}>
      {d.kind === 'overdue' ? w.overdueBy(span) : w.timeLeft(span)}
    </span>
  );
}

/** Repeat, reopened, complaint, transferred, reclassified: neutral tags (the row's edge carries the alarm). */
export function OrderFlags({ order: o, t }: { order: OrderBrief; t: Dict }) {
  const w = t.orders;
  const repeat = o.repeatCustomer ?? o.repeatArea;
  const flags: [string, string][] = [];
  if (o.complaint) flags.push(['complaint', w.complaint]);
  if (repeat !== null) flags.push(['repeat', w.repeatWithin(repeat)]);
  if (o.reopened > 0) flags.push(['reopened', w.reopened(o.reopened)]);
  if (o.transfers > 0) flags.push(['transferred', w.transferred(o.transfers)]);
  if (o.reclassified) flags.push(['reclassified', w.reclassified]);
  return (
    <span className="order-flags">
      {flags.map(([k, label]) => (
        <span key={k} className={`flag flag-${k}`} data-flag={k}>
          {label}
        </span>
      ))}
    </span>
  );
}
