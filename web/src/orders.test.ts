import { describe, expect, it } from 'vitest';
import { order, orderDto } from './testing.ts';
import { compareUrgency, deadlineState, dueReached, isOrderOpen, isOverdue, needsAttention, openCount, orderMark, spanMinutes, toBrief, upsertOrders } from './orders.ts';

const MIN = 60_000;
// order(): dispatched, due on site at 2,600,000 with a 45 min limit.
const DEADLINE = 2_600_000;

describe('time limits', () => {
  it('counts down to the deadline, amber in the last fifth of the limit', () => {
    expect(deadlineState(order('a'), DEADLINE - 30 * MIN)).toEqual({ kind: 'left', ms: 30 * MIN, soon: false });
    expect(deadlineState(order('a'), DEADLINE - 8 * MIN)).toEqual({ kind: 'left', ms: 8 * MIN, soon: true });
  });

  it('is overdue once the deadline has passed without the due step', () => {
    expect(deadlineState(order('a'), DEADLINE + 5 * MIN)).toEqual({ kind: 'overdue', ms: 5 * MIN });
    expect(isOverdue(order('a'), DEADLINE + 1)).toBe(true);
    // Flagged by the server and still open: overdue even if the clock says otherwise.
    expect(isOverdue(order('a', { overdue: true }), 0)).toBe(true);
    expect(isOverdue(order('a', { overdue: true, status: 'closed' }), DEADLINE + 1)).toBe(false);
  });

  it('is met once the order reaches its due step (late if it missed the limit)', () => {
    expect(dueReached(order('a', { status: 'on-site' }))).toBe(true);
    expect(dueReached(order('a', { status: 'accepted' }))).toBe(false);
    expect(dueReached(order('a', { status: 'on-site', dueStep: 'resolved' }))).toBe(false);
    expect(deadlineState(order('a', { status: 'resolved' }), DEADLINE + MIN)).toEqual({ kind: 'met', late: false });
    expect(deadlineState(order('a', { status: 'on-site', overdue: true }), DEADLINE + MIN)).toEqual({ kind: 'met', late: true });
  });

  it('never says 0 minutes', () => {
    expect(spanMinutes(10_000)).toBe(1);
    expect(spanMinutes(90 * MIN + 59_000)).toBe(90);
  });
});

describe('attention', () => {
  it('wants open orders that are overdue or escalated', () => {
    expect(needsAttention(order('a'))).toBe(false);
    expect(needsAttention(order('a', { overdue: true }))).toBe(true);
    expect(needsAttention(order('a', { supervision: 'team-leader' }))).toBe(true);
    expect(needsAttention(order('a', { supervision: 'company', status: 'closed' }))).toBe(false);
    expect(isOrderOpen(order('a', { status: 'callback-1' }))).toBe(true);
  });

  it('orders by supervision level, then deadline, as the server does', () => {
    const list = [order('late', { supervision: 'team-leader', deadline: 1 }), order('co', { supervision: 'company', deadline: 9 }), order('tl', { supervision: 'team-leader', deadline: 5 })];
    expect(list.sort(compareUrgency).map((o) => o.id)).toEqual(['co', 'late', 'tl']);
  });

  it('marks rows: red overdue or company supervision, amber escalated or close, grey otherwise', () => {
    expect(orderMark(order('a'), DEADLINE - 30 * MIN)).toBe('normal');
    expect(orderMark(order('a'), DEADLINE - 5 * MIN)).toBe('warn');
    expect(orderMark(order('a'), DEADLINE + MIN)).toBe('alarm');
    expect(orderMark(order('a', { supervision: 'department' }), 0)).toBe('warn');
    expect(orderMark(order('a', { supervision: 'company' }), 0)).toBe('alarm');
    expect(orderMark(order('a', { status: 'on-site', overdue: true }), DEADLINE + MIN)).toBe('warn');
    expect(orderMark(order('a', { status: 'closed', supervision: 'company' }), DEADLINE + MIN)).toBe('normal');
  });
});

describe('lists', () => {
  it('upserts by id, ignoring older copies, and drops what no longer belongs', () => {
    const held = [order('a', { updatedAt: 5 }), order('b', { updatedAt: 5 })];
    const r = upsertOrders(held, [order('a', { updatedAt: 4, status: 'closed' }), order('b', { updatedAt: 6, status: 'closed' }), order('c', { updatedAt: 6 })], (o) => o.status !== 'closed');
    expect(r.list.map((o) => o.id)).toEqual(['a', 'c']);
    expect(r.list[0]!.status).toBe('dispatched');
    expect(r).toMatchObject({ added: 1, removed: 1 });
  });

  it('counts the open orders of the summary', () => {
    expect(openCount({ open: { dispatched: 3, resolved: 1 } })).toBe(4);
    expect(openCount({ open: {} })).toBe(0);
  });

  it('makes the list form of an order', () => {
    const b = toBrief(orderDto('a'));
    expect(b).toEqual(order('a'));
    expect('steps' in b).toBe(false);
  });
});
