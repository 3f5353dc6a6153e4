import { describe, expect, it } from 'vitest';
import { auditDetailLine, auditOutcome, auditRoute } from './audit.ts';

describe('audit tab', () => {
  it('fills the route pattern with the ids of the request', () => {
    expect(auditRoute({ action: 'POST /api/alerts/:id/acknowledge', target: '{"id":"al-9"}' })).toBe('POST /api/alerts/al-9/acknowledge');
    expect(auditRoute({ action: 'POST /api/login', target: null })).toBe('POST /api/login');
    // A target cut short by the server leaves the pattern as it is.
    expect(auditRoute({ action: 'POST /api/orders/:id/actions', target: '{"id":"WO-1' })).toBe('POST /api/orders/:id/actions');
  });

  it('tells done, refused and failed writes apart', () => {
    expect([200, 201, 304, 401, 403, 429, 400, 404, 409, 500].map(auditOutcome)).toEqual(['ok', 'ok', 'ok', 'refused', 'refused', 'refused', 'failed', 'failed', 'failed', 'failed']);
  });

  it('shows the body as one short line', () => {
    expect(auditDetailLine({ kind: 'notify', text: 'power back by 15:00' })).toBe('kind=notify text=power back by 15:00');
    expect(auditDetailLine({ username: 'officer', password: '[redacted]' })).toBe('username=officer password=[redacted]');
    expect(auditDetailLine({ action: 'callback-2', score: 5 })).toBe('action=callback-2 score=5');
    expect(auditDetailLine(null)).toBe('');
    expect(auditDetailLine({ note: 'x'.repeat(300) })).toHaveLength(120);
  });
});
