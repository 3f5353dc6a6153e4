import { describe, expect, it } from 'vitest';
import { DICTS } from '../i18n.ts';
import { alert } from '../testing.ts';
import { ApiError, atLeast, describeError, parseSession } from './api.ts';
import { consoleQueue, matches, mergeAlerts, needsHistory } from './queue.ts';

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

  it('orders roles as the server does', () => {
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
