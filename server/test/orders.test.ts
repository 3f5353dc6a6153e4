// The work-order desk over one scripted day on a hand-made network, with every KPI checked against
// figures worked out by hand (the comments give the working).
import { describe, expect, it } from 'vitest';
import { indexNetwork, needsAttention, type ConsoleUser, type NetworkFile, type OrderDto, type OutageDto } from '@gridwatch/shared';
import { classifyContact } from '../src/orders/classify.ts';
import { OrderError, parseLimits, WorkOrderDesk, type ContactIn } from '../src/orders/desk.ts';
import { serviceEvents, serviceHours, serviceKpis, serviceKpisBy } from '../src/orders/kpis.ts';

const DAY0 = Date.parse('2026-06-01T00:00:00Z');
const MIN = 60_000;
const t = (hhmm: string) => DAY0 + Number(hhmm.slice(0, 2)) * 60 * MIN + Number(hhmm.slice(3, 5)) * MIN;

// Two teams, three grids; station areas T1, T2 (urban, team A), T3 (rural) and T4 (remote, team B).
// Ten customers: T1 has C1–C4, T2 C5–C7, T3 C8–C9, T4 C10.
function network(): NetworkFile {
  const areas: [string, string, 'urban' | 'rural' | 'remote', number][] = [['T1', 'G1', 'urban', 4], ['T2', 'G1', 'urban', 3], ['T3', 'G2', 'rural', 2], ['T4', 'G3', 'remote', 1]];
  let n = 0;
  return {
    format: 'gridwatch-network/1',
    id: 'fixture',
    name: 'fixture',
    centre: [120, 37],
    substations: [{ id: 'S1', name: 'S1', lon: 120, lat: 37 }],
    feeders: [{ id: 'F1', substation: 'S1', name: 'F1', paths: [] }],
    devices: [{ id: 'B1', feeder: 'F1', kind: 'breaker', parent: null, fci: false, lon: 120, lat: 37 }],
    teams: [{ id: 'A', name: 'Team A' }, { id: 'B', name: 'Team B' }],
    grids: [{ id: 'G1', name: 'G1', team: 'A' }, { id: 'G2', name: 'G2', team: 'B' }, { id: 'G3', name: 'G3', team: 'B' }],
    transformers: areas.map(([id, grid, zone]) => ({ id, name: id, feeder: 'F1', device: 'B1', grid, concentrator: `D${id}`, zone, kva: 100, lon: 120, lat: 37 })),
    customers: areas.flatMap(([tr, , , k]) =>
      Array.from({ length: k }, () => {
        n++;
        return { id: `C${n}`, meter: `M${n}`, transformer: tr, type: 'residential' as const, sensitive: false, channel: 'hotline', lon: 120, lat: 37 };
      }),
    ),
  };
}

function outage(id: string, transformer: string, startedAt: number, restoredAt: number | null = null): OutageDto {
  return {
    id, status: restoredAt === null ? 'confirmed' : 'restored', level: 'transformer', device: transformer, feeder: 'F1', transformers: [transformer], customers: 4,
    startedAt, detectedAt: startedAt + MIN, restoredAt, lon: 120, lat: 37, evidence: [], parentId: null, etr: null, faultSection: null, steps: [], restored: [],
  };
}

const officer: ConsoleUser = { username: 'officer', displayName: 'o', role: 'officer' };
const teamA: ConsoleUser = { username: 'team-A', displayName: 'a', role: 'team', team: 'A' };
const teamB: ConsoleUser = { username: 'team-B', displayName: 'b', role: 'team', team: 'B' };

function day() {
  const index = indexNetwork(network());
  let now = DAY0;
  // An alert on O1 was raised at 08:06; nothing warned about O2.
  const desk = new WorkOrderDesk({ index, now: () => now, warned: (outageId, _c, at) => outageId === 'O1' && at >= t('08:06') });
  // History: C10 complained 40 days ago; C3 (station area T1) 20 days ago.
  desk.load([], [
    { order: 'WO-old-1', customer: 'C10', transformer: 'T4', at: t('08:00') - 40 * 86_400_000 },
    { order: 'WO-old-2', customer: 'C3', transformer: 'T1', at: t('08:00') - 20 * 86_400_000 },
  ]);
  // The clock moves in minutes; supervision runs every minute as the server's timer would.
  const until = (hhmm: string) => {
    const end = t(hhmm);
    while (now + MIN <= end) {
      now += MIN;
      desk.tick();
    }
    now = end;
  };
  const contact = (id: string, hhmm: string, customer: string, channel: ContactIn['channel'], category: string, type: ContactIn['type'], text: string | null = null, facts = {}) => {
    until(hhmm);
    return desk.intake({ id, at: now, customer, channel, category, type, text }, facts);
  };
  const act = (id: string, hhmm: string, user: ConsoleUser, action: Parameters<WorkOrderDesk['act']>[1]) => {
    until(hhmm);
    return desk.act(id, action, user);
  };

  until('08:01');
  desk.outagesChanged([outage('O1', 'T1', t('08:00'))]);
  const k1 = contact('k1', '08:05', 'C1', 'hotline', 'outage', 'report');
  const k2 = contact('k2', '08:07', 'C2', 'app', 'outage', 'complaint');
  const k3 = contact('k3', '08:10', 'C1', 'wechat', 'unclassified', null, '还是没电，我要投诉！');
  const redelivered = contact('k2', '08:11', 'C2', 'app', 'outage', 'complaint');
  const unknown = contact('kx', '08:11', 'C99', 'hotline', 'outage', 'report');
  const k4 = contact('k4', '08:12', 'C8', 'hall', 'billing', 'enquiry');
  // C5's meter read at 07:55 and 08:10 (221 V): its station area T2 is live.
  const k5 = contact('k5', '08:15', 'C5', 'hotline', 'outage', 'report', null, { readings: [{ at: t('08:10'), v: 221 }, { at: t('07:55'), v: 220 }] });
  const k6 = contact('k6', '08:20', 'C10', 'app', 'voltage', 'complaint', null, { voltage: { readings: 96, outside: 10, min: 190, max: 230, lo: 198, hi: 235.4 } });
  const denied = (() => {
    try {
      act('WO-k1', '08:20', teamB, { action: 'accept' });
    } catch (err) {
      return err as OrderError;
    }
  })();
  act('WO-k1', '08:20', teamA, { action: 'accept' });
  act('WO-k6', '08:30', officer, { action: 'transfer', team: 'A' });
  act('WO-k6', '08:35', teamA, { action: 'accept' });
  act('WO-k1', '08:40', teamA, { action: 'on-site' });
  until('09:00');
  desk.outagesChanged([outage('O1', 'T1', t('08:00'), t('09:00'))]);
  act('WO-k4', '09:00', teamB, { action: 'accept' });
  act('WO-k5', '09:10', teamA, { action: 'resolve' });
  act('WO-k5', '09:20', officer, { action: 'callback-1', solved: true });
  act('WO-k5', '09:25', officer, { action: 'callback-2', score: 4 });
  act('WO-k1', '09:30', officer, { action: 'callback-1', solved: true });
  act('WO-k6', '09:30', teamA, { action: 'on-site' });
  act('WO-k1', '09:35', officer, { action: 'callback-2', score: 5 });
  const k7 = contact('k7', '10:00', 'C9', 'hotline', 'other', 'enquiry', 'My bill is much higher than last month.');
  act('WO-k4', '10:00', teamB, { action: 'resolve' });
  // C9 and C8 call about no power before the engine has found the outage (no readings either).
  const k8 = contact('k8', '10:30', 'C9', 'hotline', 'outage', 'report');
  const k10 = contact('k10', '10:30', 'C8', 'hall', 'outage', 'report');
  until('10:31');
  desk.outagesChanged([outage('O2', 'T3', t('10:28'))]);
  const k9 = contact('k9', '10:33', 'C8', 'app', 'outage', 'complaint');
  act('WO-k4', '11:00', officer, { action: 'callback-1', solved: false });
  until('11:00');
  desk.outagesChanged([outage('O2', 'T3', t('10:28'), t('11:00'))]);
  act('WO-k4', '12:00', teamB, { action: 'resolve' });
  act('WO-k4', '13:00', officer, { action: 'callback-1', solved: true });
  act('WO-k4', '13:05', officer, { action: 'callback-2', score: 3 });
  until('14:00');
  return { desk, index, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, redelivered, unknown, denied };
}

describe('classification', () => {
  it('takes a known category under its names, and reads the text when the category says nothing', () => {
    expect(classifyContact({ category: '停电', type: 'report' })).toMatchObject({ category: 'outage', by: 'category' });
    expect(classifyContact({ category: 'unclassified', text: '最近电压不稳，灯光闪' })).toMatchObject({ category: 'voltage', by: 'keywords', type: 'report' });
    expect(classifyContact({ category: 'other', text: 'The staff member was rude and hung up on me' })).toMatchObject({ category: 'attitude', by: 'keywords' });
    expect(classifyContact({ category: '', text: '请问这个月电费为什么这么高？' })).toMatchObject({ category: 'billing', type: 'enquiry' });
    expect(classifyContact({ category: 'unclassified', text: 'hello' })).toMatchObject({ category: 'other', by: 'default' });
    expect(classifyContact({ category: 'outage', type: 'report', text: '我要投诉' }).type).toBe('report');
    expect(classifyContact({ category: 'outage', text: '我要投诉' }).type).toBe('complaint');
  });
});

describe('a day of work orders', () => {
  const d = day();
  const get = (id: string) => d.desk.get(id)!;

  it('merges the contacts of one outage into one order and dispatches it to the owning team', () => {
    expect(d.k1.created).toBe(true);
    expect(d.k2.created).toBe(false);
    expect(d.k3.order?.id).toBe('WO-k1');
    const o = get('WO-k1');
    expect(o).toMatchObject({ outageId: 'O1', team: 'A', zone: 'urban', dueStep: 'on-site', limitMin: 45, contacts: 3, customers: 2, complaint: true });
    expect(o.triage).toMatchObject({ result: 'outage', crew: true });
    expect(o.contactList.map((c) => [c.id, c.channel, c.category, c.type, c.warned])).toEqual([
      ['k1', 'hotline', 'outage', 'report', false],
      ['k2', 'app', 'outage', 'complaint', true],
      ['k3', 'wechat', 'outage', 'complaint', true],
    ]);
    expect(d.redelivered).toMatchObject({ duplicate: true, created: false });
    expect(d.unknown.rejected).toMatch(/unknown customer C99/);
  });

  it('triages against live data: customer-side, voltage confirmed, unverified then linked', () => {
    expect(get('WO-k5').triage).toMatchObject({ result: 'customer-side', crew: false });
    expect(get('WO-k5').dueStep).toBe('resolved');
    expect(get('WO-k6').triage.result).toBe('voltage-confirmed');
    expect(get('WO-k6')).toMatchObject({ zone: 'remote', limitMin: 120, dueStep: 'on-site' });
    expect(get('WO-k8').steps[0]!.note).toMatch(/triage: unverified/);
    // O2 was found after C9 and C8 called: the first order took the outage, the second merged in.
    expect(get('WO-k8')).toMatchObject({ outageId: 'O2', contacts: 3, customers: 2 });
    expect(get('WO-k8').triage).toMatchObject({ result: 'outage', crew: true });
    expect(get('WO-k10')).toMatchObject({ mergedInto: 'WO-k8', status: 'closed' });
    expect(d.k9.order?.id).toBe('WO-k8');
    expect(get('WO-k8').status).toBe('resolved');
    expect(get('WO-k8').steps.find((s) => s.kind === 'resolved')).toMatchObject({ by: 'system', at: t('11:00') });
  });

  it('classifies by keywords when the category is generic', () => {
    expect(get('WO-k7').category).toBe('billing');
    expect(get('WO-k7').limitMin).toBe(1440);
  });

  it('records every step with who and when, resolves on restoration and closes after two callbacks', () => {
    const o = get('WO-k1');
    expect(o.steps.filter((s) => s.kind !== 'contact').map((s) => [s.kind, s.by, s.at])).toEqual([
      ['created', 'system', t('08:05')],
      ['dispatched', 'system', t('08:05')],
      ['accepted', 'team-A', t('08:20')],
      // 50% of 45 min from 08:05 without a crew on site.
      ['escalated', 'system', t('08:27') + 30_000],
      ['on-site', 'team-A', t('08:40')],
      ['resolved', 'system', t('09:00')],
      ['callback-1', 'officer', t('09:30')],
      ['callback-2', 'officer', t('09:35')],
      ['closed', 'system', t('09:35')],
    ]);
    expect(o).toMatchObject({ status: 'closed', solved: true, score: 5, overdue: false, supervision: 'team-leader' });
  });

  it('reopens on a failed callback with a new time limit', () => {
    const o = get('WO-k4');
    expect(o).toMatchObject({ status: 'closed', reopened: 1, score: 3, resolvedAt: t('12:00') });
    expect(o.deadline).toBe(t('11:00') + 1440 * MIN);
    expect(o.steps.map((s) => s.kind)).toContain('reopened');
  });

  it('escalates an ignored order at 50%, 80% and 100% of its limit and flags it overdue', () => {
    const steps = get('WO-k5').steps.filter((s) => s.kind === 'escalated' || s.kind === 'overdue');
    // Limit 45 min from 08:15: 50% at 08:37:30, 80% at 08:51, 100% at 09:00.
    expect(steps.map((s) => [s.kind, s.at])).toEqual([
      ['escalated', t('08:37') + 30_000],
      ['escalated', t('08:51')],
      ['escalated', t('09:00')],
      ['overdue', t('09:00')],
    ]);
    expect(get('WO-k5')).toMatchObject({ supervision: 'company', overdue: true });
    // The voltage order's crew arrived at 09:30, after 50% (09:20) of its 120 min: team leader only.
    expect(get('WO-k6')).toMatchObject({ supervision: 'team-leader', overdue: false, transfers: 1, team: 'A' });
  });

  it('checks roles: a team works only its own orders, callbacks belong to the centre', () => {
    expect(d.denied).toBeInstanceOf(OrderError);
    expect(d.denied?.status).toBe(403);
    expect(() => d.desk.act('WO-k7', { action: 'callback-1', solved: true }, teamB)).toThrow(/officer/);
    expect(() => d.desk.act('WO-k7', { action: 'callback-2', score: 5 }, officer)).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => d.desk.act('WO-k5', { action: 'on-site' }, teamA)).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => d.desk.act('nope', { action: 'accept' }, officer)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('flags repeat complaints by customer and by station area within 30/60/90 days', () => {
    expect(get('WO-k6').repeatCustomer).toBe(60); // C10 complained 40 days before
    expect(get('WO-k1')).toMatchObject({ repeatCustomer: null, repeatArea: 30 }); // C3 of T1, 20 days before
    expect(get('WO-k8')).toMatchObject({ repeatCustomer: null, repeatArea: null });
  });

  it('computes every KPI of the day as worked out by hand', () => {
    const k = serviceKpis(d.desk.list(), DAY0, DAY0 + 86_400_000, { by: 'company', id: null }, 10);
    // Orders: k1, k4, k5, k6, k7, k8 (k10 merged into k8). Contacts: 10, of which complaints k2, k3, k6, k9.
    expect(k).toMatchObject({ orders: 6, contacts: 10, complaints: 4, complaintsPer10k: 4000, openOrders: 3, closedOrders: 3, overdueOrders: 1 });
    expect(k.overdueRate).toBeCloseTo(1 / 6, 10);
    // Closed: k1 (C1 called twice), k4 (reopened), k5 (solved at first contact).
    expect(k.firstContactResolution).toBeCloseTo(1 / 3, 10);
    // Scores 5, 3, 4.
    expect(k.satisfactionMean).toBe(4);
    expect(k.satisfied).toBeCloseTo(2 / 3, 10);
    // Of the four complaints only k6 (C10, within 60 days) repeats a customer's complaint.
    expect(k.repeatComplaintRate).toBe(0.25);
    expect(k.channelMix).toEqual({ hotline: 4, app: 3, wechat: 1, hall: 2 });
    // Outage complaints k2, k3 (after O1's alert) and k9 (O2, no warning).
    expect(k.outageComplaints).toBe(3);
    expect(k.warnedShare).toBeCloseTo(2 / 3, 10);
    // Orders by first channel: hotline k1, k5, k7, k8; app k6 (transferred); hall k4.
    expect(k.channels.hotline).toEqual({ contacts: 4, orders: 4, dispatchAccuracy: 1, handlingMinMedian: 55 });
    expect(k.channels.app).toEqual({ contacts: 3, orders: 1, dispatchAccuracy: 0, handlingMinMedian: null });
    expect(k.channels.hall).toEqual({ contacts: 2, orders: 1, dispatchAccuracy: 1, handlingMinMedian: 228 });
    expect(k.channels.wechat).toEqual({ contacts: 1, orders: 0, dispatchAccuracy: null, handlingMinMedian: null });
  });

  it('gives the wall its hourly trend: contacts per channel, and time limits ended and missed per hour', () => {
    const hours = serviceHours(d.desk.list(), t('14:00'));
    expect(hours).toHaveLength(24);
    expect(hours[0]!.hour).toBe(t('14:00') - 23 * 3_600_000);
    expect(hours[23]!.hour).toBe(t('14:00'));
    const at = (hh: string) => hours.find((h) => h.hour === t(hh))!;
    // 08h: k1 and k5 by hotline, k2 and k6 by app, k3 by WeChat, k4 at the hall (k2's redelivery once).
    expect(at('08:00').contacts).toEqual({ hotline: 2, app: 2, wechat: 1, hall: 1 });
    // 10h: k7 and k8 by hotline, k9 by app, k10 at the hall (k10's order merged into k8's: counted once).
    expect(at('10:00').contacts).toEqual({ hotline: 2, app: 1, wechat: 0, hall: 1 });
    // Limits ended by 14:00: k1 08:50 (on site 08:40), k5 09:00 (resolved 09:10: missed),
    // k6 10:20 (remote, 120 min; on site 09:30), k8 12:00 (rural, 90 min; resolved by restoration 11:00).
    // k4 (24 h, reopened at 11:00) and k7 (72 h) are not due yet.
    expect(hours.filter((h) => h.due > 0).map((h) => [new Date(h.hour).toISOString().slice(11, 13), h.due, h.missed])).toEqual([
      ['08', 1, 0],
      ['09', 1, 1],
      ['10', 1, 0],
      ['12', 1, 0],
    ]);
  });

  it('lists escalations and missed limits for the ticker, newest first, with the level reached', () => {
    const events = serviceEvents(d.desk.list(), DAY0);
    // k1: 50% of 45 min from 08:05 at 08:27:30, on site at 08:40 before 80%. k5: all three levels and
    // overdue (45 min from 08:15). k6: 50% of 120 min from 08:20 at 09:20, on site at 09:30.
    expect(events.map((e) => [e.orderId, e.kind, e.level, e.at])).toEqual([
      ['WO-k6', 'escalated', 'team-leader', t('09:20')],
      ['WO-k5', 'escalated', 'company', t('09:00')],
      ['WO-k5', 'overdue', 'company', t('09:00')],
      ['WO-k5', 'escalated', 'department', t('08:51')],
      ['WO-k5', 'escalated', 'team-leader', t('08:37') + 30_000],
      ['WO-k1', 'escalated', 'team-leader', t('08:27') + 30_000],
    ]);
    expect(events[0]).toMatchObject({ category: 'voltage', team: 'A', grid: 'G3' });
    // At 14:00 k6 (on site, still under the team leader's supervision) needs attention; k5 and k1 are closed.
    expect(events.map((e) => [e.orderId, e.live])).toEqual([['WO-k6', true], ['WO-k5', false], ['WO-k5', false], ['WO-k5', false], ['WO-k5', false], ['WO-k1', false]]);
    expect(serviceEvents(d.desk.list(), t('09:00'), 2).map((e) => e.at)).toEqual([t('09:20'), t('09:00')]);
  });

  it('breaks the KPIs down per team and grid with each one’s customers', () => {
    const byTeam = serviceKpisBy(d.desk.list(), DAY0, DAY0 + 86_400_000, 'team', d.index);
    expect(byTeam.map((r) => [r.scope.id, r.orders, r.complaints, r.customersServed])).toEqual([['A', 3, 3, 7], ['B', 3, 1, 3]]);
    expect(byTeam[0]!.complaintsPer10k).toBeCloseTo((3 / 7) * 10_000, 6);
    const byGrid = serviceKpisBy(d.desk.list(), DAY0, DAY0 + 86_400_000, 'grid', d.index);
    expect(byGrid.map((r) => [r.scope.id, r.orders, r.customersServed])).toEqual([['G1', 2, 7], ['G2', 3, 2], ['G3', 1, 1]]);
    // Nothing happened yesterday.
    expect(serviceKpis(d.desk.list(), DAY0 - 86_400_000, DAY0, { by: 'company', id: null }, 10)).toMatchObject({ orders: 0, overdueRate: null, firstContactResolution: null });
  });

  it('hands out each change once, and restores from what it handed out', () => {
    const changed = d.desk.drainChanges();
    expect(changed.map((o) => o.id).sort()).toEqual(['WO-k1', 'WO-k10', 'WO-k4', 'WO-k5', 'WO-k6', 'WO-k7', 'WO-k8']);
    expect(d.desk.drainChanges()).toEqual([]);
    const again = new WorkOrderDesk({ index: d.index, now: () => t('14:00') });
    again.load(changed as OrderDto[], []);
    expect(again.hasContact('k9')).toBe(true);
    expect(again.intake({ id: 'k9', at: t('14:00'), customer: 'C8', channel: 'app', category: 'outage' }).duplicate).toBe(true);
  });
});

describe('time limits', () => {
  it('reads ORDER_LIMITS_MIN over the defaults and rejects nonsense', () => {
    const l = parseLimits('outage=30/60/90, billing=720');
    expect(l.outage).toEqual({ urban: 30, rural: 60, remote: 90 });
    expect(l.billing).toEqual({ urban: 720, rural: 720, remote: 720 });
    expect(l.voltage).toEqual({ urban: 45, rural: 90, remote: 120 });
    expect(() => parseLimits('outages=30')).toThrow(/not category=minutes/);
    expect(() => parseLimits('outage=30/60')).toThrow(/three/);
  });
});

describe('edge cases of the desk', () => {
  const setup = () => {
    const index = indexNetwork(network());
    let now = t('10:00');
    const desk = new WorkOrderDesk({ index, now: () => now });
    const at = (hhmm: string) => {
      now = t(hhmm);
      desk.tick();
    };
    const live = { readings: [{ at: t('09:55'), v: 221 }, { at: t('09:40'), v: 220 }] };
    return { desk, at, live, now: () => now };
  };

  it('does not let a resolved order take over an outage found later: the outage gets its own order and crew', () => {
    const { desk, at, live } = setup();
    desk.intake({ id: 'c5', at: t('10:00'), customer: 'C5', channel: 'hotline', category: 'outage', type: 'report' }, live);
    expect(desk.get('WO-c5')!.triage.result).toBe('customer-side');
    at('10:20');
    desk.act('WO-c5', { action: 'resolve' }, teamA);
    at('10:30');
    desk.outagesChanged([{ ...outage('O7', 'T2', t('10:25')), customers: 3 }]);
    expect(desk.get('WO-c5')).toMatchObject({ status: 'resolved', outageId: null });
    const r = desk.intake({ id: 'c6', at: t('10:32'), customer: 'C6', channel: 'app', category: 'outage', type: 'complaint' });
    expect(r.created).toBe(true);
    expect(r.order).toMatchObject({ outageId: 'O7', triage: { result: 'outage', crew: true }, dueStep: 'on-site' });
  });

  it('keeps the dispatch time when reclassifying, and sets crew and due step for the new category', () => {
    const { desk, at } = setup();
    desk.intake({ id: 'b1', at: t('10:00'), customer: 'C1', channel: 'hall', category: 'billing', type: 'enquiry' });
    at('10:05');
    const o = desk.act('WO-b1', { action: 'reclassify', category: 'outage' }, officer);
    expect(o).toMatchObject({ limitMin: 45, deadline: t('10:45'), dueStep: 'on-site', reclassified: true });
    expect(o.triage.crew).toBe(true);
    const back = desk.act('WO-b1', { action: 'reclassify', category: 'billing' }, officer);
    expect(back).toMatchObject({ limitMin: 1440, deadline: t('10:00') + 1440 * MIN });
  });

  it('merges a customer-side order once, even when its outage is later nested in the grid outage', () => {
    const { desk, at } = setup();
    const cs = (id: string, meter: string): OutageDto => ({ ...outage(id, 'T1', t('09:58')), status: 'customer-side', level: 'meter', device: meter, customers: 1 });
    desk.outagesChanged([cs('CS1', 'M1'), cs('CS3', 'M3')]);
    desk.intake({ id: 'x1', at: t('10:00'), customer: 'C1', channel: 'hotline', category: 'outage', type: 'report' });
    desk.intake({ id: 'x3', at: t('10:01'), customer: 'C3', channel: 'hotline', category: 'outage', type: 'report' });
    expect(desk.get('WO-x3')!.triage.result).toBe('customer-side');
    at('10:02');
    // The station area turns out dark: the first order takes the outage, the second merges in.
    desk.outagesChanged([outage('O1', 'T1', t('09:58'))]);
    expect(desk.get('WO-x1')).toMatchObject({ outageId: 'O1', triage: { result: 'outage', crew: true } });
    expect(desk.get('WO-x3')!.mergedInto).toBe('WO-x1');
    // The engine then nests the customer-side outages in O1: nothing is merged a second time.
    at('10:04');
    desk.outagesChanged([{ ...cs('CS1', 'M1'), parentId: 'O1', restoredAt: t('10:04') }, { ...cs('CS3', 'M3'), parentId: 'O1', restoredAt: t('10:04') }]);
    expect(desk.get('WO-x1')!.contactList.map((c) => c.id)).toEqual(['x1', 'x3']);
  });

  it('does not resolve a reopened order again from a restoration that came before the reopen', () => {
    const { desk, at } = setup();
    desk.outagesChanged([outage('O1', 'T1', t('09:50'))]);
    desk.intake({ id: 'r1', at: t('10:00'), customer: 'C1', channel: 'hotline', category: 'outage', type: 'report' });
    at('10:30');
    const restored = outage('O1', 'T1', t('09:50'), t('10:30'));
    desk.outagesChanged([restored]);
    at('10:50');
    desk.act('WO-r1', { action: 'callback-1', solved: false }, officer);
    at('10:51');
    desk.outagesChanged([restored]);
    expect(desk.get('WO-r1')).toMatchObject({ status: 'dispatched', reopened: 1, deadline: t('10:50') + 45 * MIN });
    // The new limit is missed too: recorded again, and the order is back on the attention list.
    at('11:40');
    expect(desk.get('WO-r1')!.steps.filter((x) => x.kind === 'overdue')).toHaveLength(1);
    expect(needsAttention(desk.get('WO-r1')!)).toBe(true);
  });

  it('re-dispatches a transferred order to the new team from the moment of the transfer', () => {
    const { desk, at } = setup();
    desk.intake({ id: 'v1', at: t('10:00'), customer: 'C10', channel: 'app', category: 'voltage', type: 'report' }, { voltage: { readings: 4, outside: 2, min: 190, max: 221, lo: 198, hi: 235.4 } });
    at('10:05');
    desk.act('WO-v1', { action: 'accept' }, teamB);
    at('10:10');
    const o = desk.act('WO-v1', { action: 'transfer', team: 'A' }, officer);
    expect(o).toMatchObject({ status: 'dispatched', statusAt: t('10:10'), team: 'A', transfers: 1 });
    expect(() => desk.act('WO-v1', { action: 'accept' }, teamB)).toThrow(expect.objectContaining({ status: 403 }));
  });
});
