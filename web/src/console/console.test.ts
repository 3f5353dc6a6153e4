import { describe, expect, it } from 'vitest';
import { DICTS } from '../i18n.ts';
import { alert, order } from '../testing.ts';
import { ApiError, atLeast, describeError, describeOrderError, parseSession } from './api.ts';
import { consoleQueue, matches, mergeAlerts, needsHistory } from './queue.ts';
import { DEFAULT_ORDER_FILTER, applyLiveOrders, matchesOrder, nextAction, orderQuery, possibleNow, rightTo, type OrderFilter } from './orders.ts';

const zh = DICTS['zh-CN'];
const en = DICTS.en;

describe('session', () => {
  const good = { token: 'x.y', expiresAt: 2_000, user: { username: 'officer', displayName: '值班员 / Duty officer', role: 'officer' } };

  it('reads a stored session while it is valid', () => {
    expect(parseSession(JSON.stringify(good), 1_000)?.user.role).toBe('officer');
    expect(parseSession(JSON.stringify(good), 2_000)).toBeNull();
  });

  it('rejects anything malformed', () => {
    expect(parseSession(null, 0)).toBeNull();
    expect(parseSession('not json', 0)).toBeNull();
    expect(parseSession(JSON.stringify({ ...good, token: 1 }), 0)).toBeNull();
    expect(parseSession(JSON.stringify({ ...good, user: { ...good.user, role: 'root' } }), 0)).toBeNull();
  });

  it('keeps the team of a team leader', () => {
    const team = { ...good, user: { username: 'team-T1', displayName: 'Team 1', role: 'team', team: 'T1' } };
    expect(parseSession(JSON.stringify(team), 1_000)?.user).toEqual({ username: 'team-T1', displayName: 'Team 1', role: 'team', team: 'T1' });
    expect(parseSession(JSON.stringify(good), 1_000)?.user.team).toBeUndefined();
  });

  it('orders roles as the server does', () => {
    expect(atLeast('team', 'officer')).toBe(false);
    expect(atLeast('team', 'wall')).toBe(true);
    expect(atLeast('officer', 'shift-lead')).toBe(false);
    expect(atLeast('manager', 'shift-lead')).toBe(true);
    expect(atLeast('shift-lead', 'shift-lead')).toBe(true);
  });
});

describe('API errors in words', () => {
  it('says which role an action needs', () => {
    expect(describeError(new ApiError(403, 'raising crew priority needs the shift-lead role or higher'), en, 'crew-priority')).toBe(
      'Not allowed: raising crew priority needs the shift-lead role or higher',
    );
    expect(describeError(new ApiError(403, 'raising crew priority needs the shift-lead role or higher'), zh, 'crew-priority')).toContain('值班长');
    expect(describeError(new ApiError(403, 'needs the officer role or higher; you are wall'), zh, 'notify')).toBe('权限不足：需要值班员及以上角色');
  });

  it('tells a wrong password from an expired session, and explains conflicts', () => {
    expect(describeError(new ApiError(401, 'wrong username or password'), en, 'login')).toBe('Wrong username or password');
    expect(describeError(new ApiError(401, 'sign in first'), en, 'notify')).toBe(en.console.sessionExpired);
    expect(describeError(new ApiError(409, 'alert al-1 is acknowledged, not open'), en, 'acknowledge')).toContain('alert al-1 is acknowledged, not open');
    expect(describeError(new ApiError(0, 'Failed to fetch'), zh)).toBe(zh.console.errors.network);
    expect(describeError(new ApiError(500, 'internal error'), en)).toBe('Error (HTTP 500): internal error');
  });
});

describe('the queue', () => {
  it('merges live and fetched alerts, keeping the latest copy', () => {
    const m = mergeAlerts([alert('a', { status: 'resolved', updatedAt: 5 }), alert('b', { updatedAt: 1 })], [alert('a', { status: 'actioned', updatedAt: 3 })]);
    expect(m.get('al-a')!.status).toBe('resolved');
    expect(m.size).toBe(2);
  });

  it('filters by status and severity, newest first', () => {
    const list = [
      alert('old', { raisedAt: 1, severity: 'high' }),
      alert('new', { raisedAt: 3, status: 'acknowledged' }),
      alert('done', { raisedAt: 2, status: 'resolved', severity: 'critical' }),
    ];
    expect(consoleQueue(list, 'active', 'all').map((a) => a.outageId)).toEqual(['new', 'old']);
    expect(consoleQueue(list, 'all', 'all').map((a) => a.outageId)).toEqual(['new', 'done', 'old']);
    expect(consoleQueue(list, 'resolved', 'all').map((a) => a.outageId)).toEqual(['done']);
    expect(consoleQueue(list, 'all', 'high').map((a) => a.outageId)).toEqual(['old']);
    expect(matches(list[1]!, 'acknowledged', 'warning')).toBe(true);
    expect(needsHistory('active')).toBe(false);
    expect(needsHistory('resolved')).toBe(true);
  });
});

describe('work-order errors in words', () => {
  it('explains the desk\'s refusals', () => {
    expect(describeOrderError(new ApiError(403, 'callback-1 needs the role officer'), zh)).toBe('权限不足：需要值班员及以上角色');
    expect(describeOrderError(new ApiError(403, 'accept needs the role team or officer'), en)).toBe('Not allowed: needs the grid team leader role or higher');
    expect(describeOrderError(new ApiError(403, 'order WO-1 belongs to team T2, not to T1'), zh)).toBe(zh.console.errors.ownTeam);
    expect(describeOrderError(new ApiError(409, 'cannot accept order WO-1 while it is accepted: only a dispatched order is accepted'), en)).toContain('only a dispatched order is accepted');
    expect(describeOrderError(new ApiError(400, 'body/score must be <= 5'), en)).toBe('Bad request: body/score must be <= 5');
    expect(describeOrderError(new ApiError(404, 'no work order WO-9'), en)).toBe('Not found: no work order WO-9');
    expect(describeOrderError(new ApiError(403, 'something else'), en)).toBe('Not allowed: something else');
  });
});

describe('the work-order list', () => {
  const f = (patch: Partial<OrderFilter> = {}): OrderFilter => ({ ...DEFAULT_ORDER_FILTER, ...patch });

  it('asks the server with the filter', () => {
    expect(orderQuery(f())).toBe('status=open&limit=200');
    expect(orderQuery(f({ status: 'all', category: 'billing', team: 'T1', channel: 'app', list: 'repeat' }))).toBe('category=billing&team=T1&channel=app&list=repeat&limit=200');
  });

  it('tests live copies with the same conditions as the server', () => {
    expect(matchesOrder(order('a'), f())).toBe(true);
    expect(matchesOrder(order('a', { status: 'closed' }), f())).toBe(false);
    expect(matchesOrder(order('a', { status: 'closed' }), f({ status: 'all' }))).toBe(true);
    expect(matchesOrder(order('a', { status: 'closed', mergedInto: 'b' }), f({ status: 'all' }))).toBe(false);
    expect(matchesOrder(order('a'), f({ status: 'accepted' }))).toBe(false);
    expect(matchesOrder(order('a'), f({ category: 'billing' }))).toBe(false);
    expect(matchesOrder(order('a'), f({ team: 'T2' }))).toBe(false);
    expect(matchesOrder(order('a'), f({ channel: 'hall' }))).toBe(false);
    // A team leader sees the own team only, whatever the filter says.
    expect(matchesOrder(order('a'), f(), 'T2')).toBe(false);
    expect(matchesOrder(order('a', { repeatArea: 60 }), f({ list: 'repeat' }))).toBe(true);
    expect(matchesOrder(order('a'), f({ list: 'repeat' }))).toBe(false);
    expect(matchesOrder(order('a', { reopened: 1 }), f({ list: 'abnormal' }))).toBe(true);
    expect(matchesOrder(order('a', { overdue: true }), f({ list: 'abnormal' }))).toBe(true);
    expect(matchesOrder(order('a', { score: 3 }), f({ list: 'low-satisfaction' }))).toBe(true);
    expect(matchesOrder(order('a', { score: 4 }), f({ list: 'low-satisfaction' }))).toBe(false);
  });

  it('applies order:changed: new matching orders in (newest first), changed ones updated, others out', () => {
    const s0 = { orders: [order('b', { createdAt: 2 }), order('a', { createdAt: 1 })], total: 7 };
    const s1 = applyLiveOrders(s0, [order('c', { createdAt: 3 }), order('a', { createdAt: 1, status: 'closed', updatedAt: 2_000_000 }), order('x', { team: 'T9' })], f(), 'T1');
    expect(s1.orders.map((o) => o.id)).toEqual(['c', 'b']);
    expect(s1.total).toBe(7);
    const s2 = applyLiveOrders(s1, [order('b', { createdAt: 2, status: 'accepted', updatedAt: 2_000_000 })], f(), null);
    expect(s2.orders[1]!.status).toBe('accepted');
    expect(applyLiveOrders(s2, [order('z', { status: 'closed' })], f(), null)).toBe(s2);
  });
});

describe('work-order steps', () => {
  const officer = { role: 'officer' as const };
  const leader = { role: 'team' as const, team: 'T1' };

  it('lets a team leader work the own team\'s orders and the centre do the rest', () => {
    expect(rightTo(leader, order('a'), 'accept')).toBe('ok');
    expect(rightTo(leader, order('a'), 'note')).toBe('ok');
    expect(rightTo(leader, order('a', { team: 'T2' }), 'resolve')).toBe('own-team');
    expect(rightTo(leader, order('a'), 'callback-1')).toBe('needs-officer');
    expect(rightTo(leader, order('a'), 'transfer')).toBe('needs-officer');
    expect(rightTo(officer, order('a', { team: 'T2' }), 'accept')).toBe('ok');
    expect(rightTo({ role: 'manager' }, order('a'), 'reclassify')).toBe('ok');
    expect(rightTo({ role: 'wall' }, order('a'), 'note')).toBe('read-only');
  });

  it('knows which step the order\'s state allows, and the next one', () => {
    const crew = order('a');
    const desk = order('b', { dueStep: 'resolved', triage: { ...crew.triage, crew: false } });
    expect(possibleNow(crew, 'accept')).toBe(true);
    expect(possibleNow(crew, 'on-site')).toBe(true);
    expect(possibleNow(desk, 'on-site')).toBe(false);
    expect(possibleNow({ ...crew, status: 'accepted' }, 'accept')).toBe(false);
    expect(possibleNow({ ...crew, status: 'on-site' }, 'resolve')).toBe(true);
    expect(possibleNow({ ...crew, status: 'resolved' }, 'resolve')).toBe(false);
    expect(possibleNow({ ...crew, status: 'resolved' }, 'callback-1')).toBe(true);
    expect(possibleNow({ ...crew, status: 'callback-1' }, 'callback-2')).toBe(true);
    expect(possibleNow({ ...crew, status: 'closed' }, 'transfer')).toBe(false);
    expect(possibleNow({ ...crew, status: 'closed' }, 'note')).toBe(true);
    expect(nextAction(crew)).toBe('accept');
    expect(nextAction({ ...crew, status: 'accepted' })).toBe('on-site');
    expect(nextAction({ ...desk, status: 'accepted' })).toBe('resolve');
    expect(nextAction({ ...crew, status: 'resolved' })).toBe('callback-1');
    expect(nextAction({ ...crew, status: 'closed' })).toBeNull();
  });
});
