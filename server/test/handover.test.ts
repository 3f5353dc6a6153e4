// The handover summary over a hand-made shift: every figure checked against what the history
// below says (the comments give the working). The shift is 08:00–16:00 local time at UTC+8,
// i.e. 00:00–08:00 UTC of 2026-11-27 (T0 = 08:00 local).
import { describe, expect, it } from 'vitest';
import type { AlertDto, AlertStep, OrderContact, OrderDto, OrderStep, OutageDto } from '@gridwatch/shared';
import { alertAt, customersOutAt, orderAt, parseShiftHours, shiftWindow, summariseHandover, type HandoverData, type HandoverNotice } from '../src/handover.ts';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.parse('2026-11-27T00:00:00Z');
/** T0 + h hours + m minutes. */
const at = (h: number, m = 0) => T0 + h * H + m * MIN;
const FROM = at(0);
const TO = at(8);

function outage(id: string, patch: Partial<OutageDto>): OutageDto {
  return {
    id, status: 'confirmed', level: 'transformer', device: `D-${id}`, feeder: 'F1', transformers: [`T-${id}`], customers: 10,
    startedAt: at(1), detectedAt: at(1, 1), restoredAt: null, lon: 120, lat: 37, evidence: [], parentId: null, etr: null,
    faultSection: null, steps: [], restored: [], ...patch,
  };
}

function alert(outageId: string, raisedAt: number, steps: (Omit<AlertStep, 'by'> & { by?: string })[], patch: Partial<AlertDto> = {}): AlertDto {
  const all = [{ at: raisedAt, status: 'open', by: 'system' } as AlertStep, ...steps.map((s) => ({ by: 'system', ...s }) as AlertStep)];
  const last = all[all.length - 1]!;
  return {
    id: `al-${outageId}`, outageId, status: 'open', severity: 'warning', raisedAt, updatedAt: last.at, probability: 0.7, expected: 1.5, customers: 10,
    reasons: [], atRisk: [], suggested: [], escalation: 'officer', flooded: false, steps: all, actions: [], priority: false, modelVersion: 'prior', ...patch,
  };
}

function contact(id: string, atMs: number, patch: Partial<OrderContact> = {}): OrderContact {
  return { id, at: atMs, customer: `CU-${id}`, channel: 'hotline', type: 'report', category: 'outage', text: null, warned: false, repeatCustomer: null, ...patch };
}

function order(id: string, createdAt: number, steps: [OrderStep['kind'], number, string?, string?][], patch: Partial<OrderDto> = {}): OrderDto {
  const list: OrderStep[] = [['created', createdAt] as const, ...steps].map(([kind, atMs, note, by]) => ({ kind, at: atMs, by: by ?? 'system', ...(note ? { note } : {}) }));
  const contactList = patch.contactList ?? [];
  return {
    id, category: 'outage', status: 'dispatched', createdAt, updatedAt: Math.max(...list.map((s) => s.at)), statusAt: createdAt, channel: 'hotline', customer: 'CU-x',
    customers: new Set(contactList.map((c) => c.customer)).size, contacts: contactList.length, complaint: contactList.some((c) => c.type === 'complaint'),
    transformer: 'T1', grid: 'G1', team: 'A', zone: 'urban', outageId: null, triage: { result: 'none', crew: false, outageId: null, note: '' }, dueStep: 'resolved',
    limitMin: 1440, deadline: createdAt + 1440 * MIN, supervision: 'none', overdue: false, reopened: 0, transfers: 0, reclassified: false, repeatCustomer: null,
    repeatArea: null, solved: null, score: null, resolvedAt: null, closedAt: null, mergedInto: null, contactList, steps: list, ...patch,
  };
}

/** The history as the database holds it six hours into the shift (14:00 local). */
function history(): HandoverData {
  const outages: OutageDto[] = [
    // O1 was out when the shift began (carried in) and came back at 09:00: restored in the shift.
    outage('O1', { status: 'restored', customers: 120, transformers: ['T1', 'T2', 'T3'], startedAt: at(-2), restoredAt: at(1) }),
    // O2: 300 customers from 09:00, 100 back at 11:00, ETR 13:00 already passed at 14:00.
    outage('O2', { status: 'restoring', level: 'device', device: 'FUSE-2', customers: 300, startedAt: at(1), steps: [{ at: at(3), customers: 100 }], etr: at(5) }),
    // O3: a momentary (2 minutes).
    outage('O3', { status: 'momentary', customers: 40, startedAt: at(2), restoredAt: at(2, 2) }),
    // O4: 80 customers 10:30–12:00.
    outage('O4', { status: 'restored', customers: 80, startedAt: at(2, 30), restoredAt: at(4) }),
    // O5: one customer's own installation, still out.
    outage('O5', { status: 'customer-side', level: 'meter', customers: 1, startedAt: at(4) }),
    // O6: nested in O2 (what a partial restoration left dark): never counted on its own.
    outage('O6', { parentId: 'O2', customers: 200, startedAt: at(3) }),
    // O7: a day before: nothing to do with this shift.
    outage('O7', { status: 'restored', startedAt: at(-30), restoredAt: at(-29) }),
    // O8: planned work 13:00–15:00, still under way, its time not passed.
    outage('O8', { status: 'planned', customers: 50, startedAt: at(5), etr: at(7) }),
  ];
  const alerts: AlertDto[] = [
    // On O1, raised and acknowledged before the shift, resolved by the system at 09:00.
    alert('O1', at(-1, -30), [{ at: at(-1, -20), status: 'acknowledged', by: 'night-officer' }, { at: at(1), status: 'resolved', note: 'outage restored' }], { status: 'resolved' }),
    // On O2: raised 09:01 as a warning, acknowledged 09:03 (2 min), notice 09:04, high from 09:20.
    alert(
      'O2',
      at(1, 1),
      [
        { at: at(1, 3), status: 'acknowledged', by: 'officer' },
        { at: at(1, 4), status: 'action', by: 'officer', note: 'notify: notice to 300 customers' },
        { at: at(1, 4), status: 'actioned', by: 'officer' },
        { at: at(1, 20), status: 'severity', note: 'warning → high' },
      ],
      { status: 'actioned', severity: 'high', customers: 300, actions: [{ kind: 'notify', at: at(1, 4), by: 'officer', result: 'notice to 300 customers' }] },
    ),
    // On O4: raised 10:31, nobody acknowledged it: shift lead at 10:36, manager at 10:46; resolved with the outage at 12:00.
    alert(
      'O4',
      at(2, 31),
      [
        { at: at(2, 36), status: 'escalated', note: 'not acknowledged after 5 min: shift-lead' },
        { at: at(2, 46), status: 'escalated', note: 'not acknowledged after 15 min: manager' },
        { at: at(4), status: 'resolved', note: 'outage restored' },
      ],
      { status: 'resolved', severity: 'critical', escalation: 'manager', customers: 80 },
    ),
  ];
  const notices: HandoverNotice[] = [
    { id: 'N0', outageId: 'O1', sentAt: at(-1), sentBy: 'night-officer', customers: 120, mqtt: 'ok', webhook: 'ok' },
    { id: 'N1', outageId: 'O2', sentAt: at(1, 4), sentBy: 'officer', customers: 300, mqtt: 'ok', webhook: 'not configured' },
    // The system's update of the restoration time; its MQTT publish failed.
    { id: 'N2', outageId: 'O2', sentAt: at(4, 55), sentBy: 'system', customers: 200, mqtt: 'failed: broker down', webhook: 'not configured' },
  ];
  const orders: OrderDto[] = [
    // W1: O2's order: a report, then two complaints after the alert (one a repeat within 30 days); the crew on site.
    order(
      'W1',
      at(1, 2),
      [['dispatched', at(1, 2)], ['contact', at(2)], ['contact', at(2, 10)], ['accepted', at(1, 10), undefined, 'team-A'], ['on-site', at(1, 40), undefined, 'team-A']],
      {
        status: 'on-site', outageId: 'O2', dueStep: 'on-site', limitMin: 45, deadline: at(1, 47),
        contactList: [
          contact('c1', at(1, 2)),
          contact('c2', at(2), { type: 'complaint', warned: true }),
          contact('c3', at(2, 10), { type: 'complaint', channel: 'wechat', warned: true, repeatCustomer: 30 }),
        ],
      },
    ),
    // W2: a billing enquiry at 08:30, a day to answer it.
    order('W2', at(0, 30), [['dispatched', at(0, 30)]], { category: 'billing', contactList: [contact('c8', at(0, 30), { type: 'enquiry', category: 'billing' })] }),
    // W3: a voltage complaint from 07:40 (before the shift), 45 min to get a crew there: escalated
    // 08:02:30 (team leader, in the shift), 08:16 (department), overdue and company at 08:25.
    order(
      'W3',
      at(0, -20),
      [
        ['dispatched', at(0, -20)],
        ['escalated', at(0, 2.5), 'team-leader: on-site not reached at 50% of 45 min'],
        ['escalated', at(0, 16), 'department: on-site not reached at 80% of 45 min'],
        ['escalated', at(0, 25), 'company: on-site not reached at 100% of 45 min'],
        ['overdue', at(0, 25), 'on-site not reached within 45 min'],
      ],
      {
        category: 'voltage', channel: 'hall', dueStep: 'on-site', limitMin: 45, deadline: at(0, 25), supervision: 'company', overdue: true,
        contactList: [contact('c4', at(0, -20), { type: 'complaint', channel: 'hall', category: 'voltage' })],
      },
    ),
    // W4: an attitude complaint by app at 10:00, resolved 11:00, called back and closed 11:20.
    order(
      'W4',
      at(2),
      [['dispatched', at(2)], ['resolved', at(3), undefined, 'team-A'], ['callback-1', at(3, 10), 'problem solved', 'officer'], ['callback-2', at(3, 20), 'satisfaction 5/5', 'officer'], ['closed', at(3, 20)]],
      { category: 'attitude', channel: 'app', status: 'closed', closedAt: at(3, 20), resolvedAt: at(3), solved: true, score: 5, contactList: [contact('c5', at(2), { type: 'complaint', channel: 'app', category: 'attitude' })] },
    ),
    // W5: resolved 11:30, the callback at 12:00 found it not solved: reopened.
    order(
      'W5',
      at(3),
      [['dispatched', at(3)], ['resolved', at(3, 30), undefined, 'team-A'], ['callback-1', at(4), 'problem not solved', 'officer'], ['reopened', at(4), 'reopened after a failed callback', 'officer'], ['dispatched', at(4)]],
      { category: 'other', reopened: 1, contactList: [contact('c6', at(3), { type: 'enquiry', category: 'other' })] },
    ),
    // W6: merged into W1 (its contact moved there): not counted.
    order('W6', at(1, 5), [['closed', at(1, 6), 'merged into W1: same outage']], { status: 'closed', mergedInto: 'W1', contactList: [contact('c7', at(1, 5))] }),
    // W7: closed the evening before.
    order('W7', at(-10), [['closed', at(-9)]], { status: 'closed', closedAt: at(-9) }),
  ];
  return { outages, alerts, notices, orders };
}

describe('the handover summary of a shift under way', () => {
  const s = summariseHandover(history(), { from: FROM, to: TO, now: at(6), shift: 'current', shiftMinutes: [0, 480, 960] });

  it('says which window it covers', () => {
    expect(s.from).toBe(FROM);
    expect(s.to).toBe(TO);
    expect(s.asOf).toBe(at(6));
    expect(s.shiftHours).toEqual(['00:00', '08:00', '16:00']);
  });

  it('counts the outages', () => {
    const o = s.outages;
    // Started in the shift (roots, not momentary): O2, O4, O5, O8; 300 + 80 + 1 + 50 customers.
    expect(o.started).toBe(4);
    expect(o.customers).toBe(431);
    expect([o.planned, o.customerSide, o.momentary]).toEqual([1, 1, 1]);
    // Restored in the shift: O1 (120) and O4 (80). Carried in: O1.
    expect([o.restored, o.customersRestored, o.carriedIn]).toEqual([2, 200, 1]);
    // Open now: O2 (200 still out), O8 (50), O5 (1).
    expect(o.openCount).toBe(3);
    expect(o.customersOut).toBe(251);
    expect(o.open.map((x) => `${x.id}:${x.customersOut}`)).toEqual(['O2:200', 'O8:50', 'O5:1']);
    expect(o.largest.map((x) => x.id)).toEqual(['O2', 'O4', 'O8', 'O5']);
    const o2 = o.open[0]!;
    expect(o2).toMatchObject({ device: 'FUSE-2', etr: at(5), etrPassed: true, notices: 2, alert: { id: 'al-O2', status: 'actioned', severity: 'high', escalation: 'officer' } });
    expect(o.open[1]).toMatchObject({ id: 'O8', etrPassed: false, alert: null, notices: 0 });
    expect(o.largest[1]).toMatchObject({ id: 'O4', restoredAt: at(4), customersOut: 80 });
  });

  it('counts the alerts', () => {
    const a = s.alerts;
    // Raised in the shift: on O2 (high by now) and O4 (critical).
    expect(a.raised).toBe(2);
    expect(a.bySeverity).toEqual({ warning: 0, high: 1, critical: 1 });
    expect([a.acknowledged, a.actioned, a.actions.notify, a.actions['call-list']]).toEqual([1, 1, 1, 0]);
    expect([a.escalatedShiftLead, a.escalatedManager]).toEqual([1, 1]);
    // Resolved: O1's (raised the night before) and O4's, both by the system.
    expect([a.resolved, a.resolvedBySystem]).toEqual([2, 2]);
    // O2's was acknowledged after 2 minutes; O4's never.
    expect(a.responseMedianMin).toBe(2);
    expect(a.open.map((x) => `${x.id}:${x.status}:${x.device}`)).toEqual(['al-O2:actioned:FUSE-2']);
    expect(a.open[0]).toMatchObject({ etr: at(5), etrPassed: true, actions: ['notify'] });
  });

  it('counts the notices', () => {
    // N1 and N2 (N0 went out the night before); 300 + 200 recipients; N2 was the system's update and its push failed.
    expect(s.notices).toEqual({ sent: 2, customers: 500, outages: 1, updates: 1, failed: 1 });
  });

  it('counts the work orders', () => {
    const w = s.orders;
    // Created in the shift: W1, W2, W4, W5 (W3 came at 07:40; W6 was merged).
    expect(w.created).toBe(4);
    expect(w.byCategory).toEqual({ outage: 1, voltage: 0, billing: 1, attitude: 1, other: 1 });
    expect([w.resolved, w.closed, w.overdue, w.reopened]).toEqual([2, 1, 1, 1]);
    expect(w.escalated).toEqual({ 'team-leader': 1, department: 1, company: 1 });
    expect(w.open).toEqual({ 'on-site': 1, dispatched: 3 });
    expect(w.openTotal).toBe(4);
    expect(w.attention.map((x) => x.id)).toEqual(['W3']);
    expect(w.attentionTotal).toBe(1);
    expect('steps' in w.attention[0]!).toBe(false);
  });

  it('counts the contacts and complaints', () => {
    // c1, c2, c3 (W1), c8 (W2), c5 (W4), c6 (W5); c4 came before the shift, c7 is W6's (merged).
    expect(s.complaints).toEqual({
      contacts: 6,
      byChannel: { hotline: 4, app: 1, wechat: 1, hall: 0 },
      complaints: 3,
      outageComplaints: 2,
      warned: 2,
      repeat: 1,
    });
  });

  it('lists what to hand over: the open alert, then the order under company supervision', () => {
    // O2 has its alert; O5 is customer-side (its order carries it); O8 is planned and on time.
    expect(s.items.map((i) => `${i.kind}:${i.kind === 'alert' ? i.alert.id : i.kind === 'outage' ? i.outage.id : i.order.id}`)).toEqual(['alert:al-O2', 'order:W3']);
    expect(s.itemsTotal).toBe(2);
    expect(s.items.map((i) => i.reasons)).toEqual([['not-resolved', 'etr-passed'], ['overdue', 'supervision-company']]);
  });

  it('hands over an outage past its restoration time that has no alert', () => {
    const h = history();
    const o8 = h.outages.find((o) => o.id === 'O8')!;
    o8.etr = at(5, 30);
    const x = summariseHandover(h, { from: FROM, to: TO, now: at(6) });
    expect(x.items.map((i) => i.kind)).toEqual(['alert', 'outage', 'order']);
    expect(x.items[1]!.reasons).toEqual(['still-out', 'etr-passed']);
    expect(x.shift).toBeNull();
    expect(x.shiftHours).toBeNull();
  });
});

describe('the handover of a shift that is over', () => {
  // Four hours after the shift ended: O2 came back at 17:00, its alert resolved with it; W1 was
  // resolved at 17:00; W3's crew arrived at 16:30. The shift's figures and its open items stay as
  // they were at 16:00.
  function later(): HandoverData {
    const h = history();
    const o2 = h.outages.find((o) => o.id === 'O2')!;
    Object.assign(o2, { status: 'restored', restoredAt: at(9), etr: null, steps: [...o2.steps, { at: at(9), customers: 200 }] });
    const a2 = h.alerts.find((a) => a.id === 'al-O2')!;
    a2.steps.push({ at: at(9), status: 'resolved', by: 'system', note: 'outage restored' });
    Object.assign(a2, { status: 'resolved', updatedAt: at(9) });
    const w1 = h.orders.find((o) => o.id === 'W1')!;
    w1.steps.push({ kind: 'resolved', at: at(9), by: 'system' });
    Object.assign(w1, { status: 'resolved', updatedAt: at(9), resolvedAt: at(9) });
    const w3 = h.orders.find((o) => o.id === 'W3')!;
    w3.steps.push({ kind: 'on-site', at: at(8, 30), by: 'team-B' });
    Object.assign(w3, { status: 'on-site', updatedAt: at(8, 30) });
    return h;
  }

  const before = summariseHandover(history(), { from: FROM, to: TO, now: at(6), shift: 'previous' });
  const s = summariseHandover(later(), { from: FROM, to: TO, now: at(12), shift: 'previous' });

  it('keeps the figures of the shift', () => {
    expect(s.asOf).toBe(TO);
    expect(s.complaints).toEqual(before.complaints);
    expect(s.notices).toEqual(before.notices);
    expect({ ...s.orders, attention: s.orders.attention.map((o) => o.id) }).toEqual({ ...before.orders, attention: before.orders.attention.map((o) => o.id) });
    const { open: _a, ...alertFigures } = s.alerts;
    const { open: _b, ...alertFiguresBefore } = before.alerts;
    expect(alertFigures).toEqual(alertFiguresBefore);
  });

  it('shows what was open at 16:00, as it stood then', () => {
    expect(s.outages.openCount).toBe(3);
    expect(s.outages.customersOut).toBe(251);
    // O2 was restoring at 16:00 (stored as restored now); its ETR is gone with the restoration.
    expect(s.outages.open[0]).toMatchObject({ id: 'O2', status: 'restoring', customersOut: 200, restoredAt: null, etr: null, alert: { status: 'actioned' } });
    expect(s.alerts.open.map((a) => `${a.id}:${a.status}`)).toEqual(['al-O2:actioned']);
    expect(s.orders.attention.map((o) => `${o.id}:${o.status}:${o.supervision}`)).toEqual(['W3:dispatched:company']);
    expect(s.orders.open).toEqual({ 'on-site': 1, dispatched: 3 });
    // By 16:00 the planned work on O8 had overrun its 15:00 end: handed over too.
    expect(s.items.map((i) => `${i.kind}:${i.kind === 'outage' ? i.outage.id : ''}`)).toEqual(['alert:', 'outage:O8', 'order:']);
  });
});

describe('state at an instant', () => {
  const h = history();
  it('replays an order to an earlier moment', () => {
    const w5 = h.orders.find((o) => o.id === 'W5')!;
    expect(orderAt(w5, at(3, 45))).toMatchObject({ status: 'resolved', resolvedAt: at(3, 30) });
    expect(orderAt(w5, at(5))).toBe(w5);
    expect(orderAt(w5, at(2))).toBeNull();
    const w4 = h.orders.find((o) => o.id === 'W4')!;
    expect(orderAt(w4, at(3, 15))?.status).toBe('callback-1');
    const w3 = h.orders.find((o) => o.id === 'W3')!;
    expect(orderAt(w3, at(0, 20))).toMatchObject({ supervision: 'department', overdue: false });
  });

  it('replays an alert to an earlier moment', () => {
    const a2 = h.alerts.find((a) => a.id === 'al-O2')!;
    expect(alertAt(a2, at(1, 2))).toMatchObject({ status: 'open', severity: 'warning', actions: [] });
    expect(alertAt(a2, at(1, 10))).toMatchObject({ status: 'actioned', severity: 'warning' });
    const a4 = h.alerts.find((a) => a.id === 'al-O4')!;
    expect(alertAt(a4, at(2, 40))).toMatchObject({ status: 'open', escalation: 'shift-lead', severity: 'critical' });
  });

  it('counts the customers still out', () => {
    const o2 = h.outages.find((o) => o.id === 'O2')!;
    expect(customersOutAt(o2, at(2))).toBe(300);
    expect(customersOutAt(o2, at(4))).toBe(200);
  });
});

describe('shifts', () => {
  const utc8 = 8 * H;
  it('reads SHIFT_HOURS', () => {
    expect(parseShiftHours('08:00,16:00,00:00')).toEqual([0, 480, 960]);
    expect(parseShiftHours('8:30, 20:30')).toEqual([510, 1230]);
    expect(parseShiftHours('24:00')).toEqual([0]);
    expect(parseShiftHours('')).toBeNull();
    expect(parseShiftHours('none')).toBeNull();
    expect(() => parseShiftHours('8h')).toThrow(/SHIFT_HOURS/);
    expect(() => parseShiftHours('25:00')).toThrow(/SHIFT_HOURS/);
  });

  it('finds the current and previous shift in local time', () => {
    const shifts = [0, 480, 960];
    // 14:00 local (06:00 UTC): the day shift 08:00–16:00, the night shift 00:00–08:00 before it.
    expect(shiftWindow(at(6), 'current', shifts, utc8)).toEqual({ from: FROM, to: TO });
    expect(shiftWindow(at(6), 'previous', shifts, utc8)).toEqual({ from: at(-8), to: FROM });
    // 07:59 local: still the night shift, which began at midnight local (16:00 UTC the day before).
    expect(shiftWindow(at(0, -1), 'current', shifts, utc8)).toEqual({ from: at(-8), to: FROM });
    // Exactly at a change the new shift has begun.
    expect(shiftWindow(FROM, 'current', shifts, utc8)).toEqual({ from: FROM, to: TO });
    // Two shifts a day, 08:30 and 20:30: at 03:00 local the night shift began 20:30 the day before.
    expect(shiftWindow(at(-5), 'current', [510, 1230], utc8)).toEqual({ from: at(-11, -30), to: at(0, 30) });
    expect(shiftWindow(at(-5), 'previous', [510, 1230], utc8)).toEqual({ from: at(-23, -30), to: at(-11, -30) });
  });

  it('uses the last 8 hours without shift times', () => {
    expect(shiftWindow(at(6), 'current', null, utc8)).toEqual({ from: at(-2), to: at(6) });
    expect(shiftWindow(at(6), 'previous', null, utc8)).toEqual({ from: at(-10), to: at(-2) });
  });
});
