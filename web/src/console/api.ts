// The console's side of the HTTP API: sign-in, the bearer token kept in sessionStorage, alert
// and work-order actions, and API errors in the console's words. The pure parts are unit-tested
// (console.test.ts).
import type {
  AuditEntry, AlertActionKind, AlertActionResult, AlertDto, CallListEntry, ConsoleUser, HandoverShift, HandoverSummary, NoticeRecord, OrderAction, OrderBrief, OrderDetail, OrderDto, OutageDto, OutageRisk,
} from '@gridwatch/shared';
import type { Dict, Role } from '../i18n.ts';
import { ROLES } from '../i18n.ts';

export interface Session {
  token: string;
  expiresAt: number;
  user: ConsoleUser;
}

export type { ConsoleUser, CallListEntry };
/** A notice as `POST /api/alerts/:id/actions {kind:'notify'}` returns it. */
export type NoticeResult = NoticeRecord;
export type ActionResult = AlertActionResult;

export const SESSION_KEY = 'gridwatch.console.session';

/** The stored session if it is well-formed and not expired (`now` in ms). */
export function parseSession(raw: string | null, now: number): Session | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== 'string' || typeof s.expiresAt !== 'number' || s.expiresAt <= now) return null;
    const u = s.user;
    if (!u || typeof u.username !== 'string' || typeof u.displayName !== 'string' || !ROLES.includes(u.role)) return null;
    const user: ConsoleUser = { username: u.username, displayName: u.displayName, role: u.role };
    if (typeof u.team === 'string') user.team = u.team;
    return { token: s.token, expiresAt: s.expiresAt, user };
  } catch {
    return null;
  }
}

export function loadSession(now = Date.now()): Session | null {
  try {
    const s = parseSession(sessionStorage.getItem(SESSION_KEY), now);
    if (!s) sessionStorage.removeItem(SESSION_KEY);
    return s;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  try {
    if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* storage unavailable: the session lasts as long as the page */
  }
}

export const atLeast = (role: Role, needed: Role) => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** An HTTP error answer (`{error}`), or status 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: 'GET' | 'POST', path: string, opts: { token?: string | null; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        // Reads without a token of their own go with the session (needed when WALL_TOKENS is set).
        ...((opts.token ?? loadSession()?.token) ? { authorization: `Bearer ${opts.token ?? loadSession()!.token}` } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, (err as Error).message);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: the status says enough */
  }
  if (!res.ok) {
    const msg = json && typeof json === 'object' && 'error' in json && typeof json.error === 'string' ? json.error : text.slice(0, 200) || res.statusText;
    throw new ApiError(res.status, msg);
  }
  return json as T;
}

export const signIn = (username: string, password: string) => api<Session>('POST', '/api/login', { body: { username, password } });
export const me = (token: string) => api<ConsoleUser>('GET', '/api/me', { token });
export const listAlerts = (status: 'active' | 'all', signal?: AbortSignal) => api<{ alerts: AlertDto[] }>('GET', `/api/alerts?status=${status}&limit=500`, { signal });
export const acknowledge = (token: string, id: string, note?: string) =>
  api<AlertDto>('POST', `/api/alerts/${encodeURIComponent(id)}/acknowledge`, { token, body: note ? { note } : {} });
export const resolve = (token: string, id: string, note?: string) => api<AlertDto>('POST', `/api/alerts/${encodeURIComponent(id)}/resolve`, { token, body: note ? { note } : {} });
export const act = (token: string, id: string, kind: AlertActionKind) => api<ActionResult>('POST', `/api/alerts/${encodeURIComponent(id)}/actions`, { token, body: { kind } });

export interface Team {
  id: string;
  name: string;
}
/** `query`: from orders.ts `orderQuery`. */
export const listOrders = (token: string, query: string, signal?: AbortSignal) => api<{ orders: OrderBrief[]; total: number }>('GET', `/api/orders?${query}`, { token, signal });
export const getOrder = (token: string, id: string, signal?: AbortSignal) => api<OrderDetail>('GET', `/api/orders/${encodeURIComponent(id)}`, { token, signal });
export const orderAction = (token: string, id: string, action: OrderAction) => api<{ order: OrderDto }>('POST', `/api/orders/${encodeURIComponent(id)}/actions`, { token, body: action });
export const listTeams = (signal?: AbortSignal) => api<{ teams: Team[] }>('GET', '/api/teams', { signal });

/** A notice as `GET /api/notices` lists it: its recipients counted, not named. */
export type NoticeBrief = Omit<NoticeRecord, 'customers'> & { customers: number };
// The outage, its risk and its notices can be read without signing in (the wall does); the
// console sends its token all the same, for a GridWatch that wants one on every read.
export const getOutage = (token: string, id: string, signal?: AbortSignal) => api<OutageDto>('GET', `/api/outages/${encodeURIComponent(id)}`, { token, signal });
/** The open outage's complaint risk; null when it has none (restored, nested or not scored yet: 404). */
export const getOutageRisk = (token: string, id: string, signal?: AbortSignal) =>
  api<OutageRisk>('GET', `/api/outages/${encodeURIComponent(id)}/risk`, { token, signal }).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
export const listNotices = (token: string, outageId: string, signal?: AbortSignal) =>
  api<{ notices: NoticeBrief[] }>('GET', `/api/notices?outage=${encodeURIComponent(outageId)}&limit=100`, { token, signal });
export const listOutageOrders = (token: string, outageId: string, signal?: AbortSignal) =>
  api<{ orders: OrderBrief[]; total: number }>('GET', `/api/orders?outage=${encodeURIComponent(outageId)}&limit=100`, { token, signal });
export const getAudit = (token: string, actor: string | null, signal?: AbortSignal) =>
  api<{ entries: AuditEntry[] }>('GET', `/api/audit?limit=200${actor ? `&actor=${encodeURIComponent(actor)}` : ''}`, { token, signal });
export const getHandover = (token: string, shift: HandoverShift, signal?: AbortSignal) => api<HandoverSummary>('GET', `/api/handover?shift=${shift}`, { token, signal });

/** What went wrong, in the console's language; `action` tells which button was pressed. */
export function describeError(err: unknown, t: Dict, action?: AlertActionKind | 'acknowledge' | 'resolve' | 'login'): string {
  const e = t.console.errors;
  if (!(err instanceof ApiError)) return e.other(0, err instanceof Error ? err.message : String(err));
  if (err.status === 0) return e.network;
  if (err.status === 401) return action === 'login' ? e.wrongPassword : t.console.sessionExpired;
  if (err.status === 403) {
    if (action === 'crew-priority') return e.crewPriority;
    const role = /needs the ([\w-]+) role/.exec(err.message)?.[1];
    return role && (ROLES as readonly string[]).includes(role) ? e.needsRole(t.console.roles[role as Role]) : e.forbidden(err.message);
  }
  if (err.status === 404) return e.notFound(err.message);
  if (err.status === 409) return e.conflict(err.message);
  return e.other(err.status, err.message);
}

/**
 * A work-order action's error in the console's words: the desk's 403s (the role, or another
 * team's order), 409 (not allowed in the order's state, with the server's reason) and 400.
 */
export function describeOrderError(err: unknown, t: Dict): string {
  const e = t.console.errors;
  if (err instanceof ApiError) {
    if (err.status === 403 && /belongs to team/.test(err.message)) return e.ownTeam;
    const needs = err.status === 403 ? /needs the role (team or officer|officer)\b/.exec(err.message)?.[1] : undefined;
    if (needs) return e.needsRole(t.console.roles[needs === 'officer' ? 'officer' : 'team']);
    if (err.status === 409) return e.orderConflict(err.message);
    if (err.status === 400) return e.badRequest(err.message);
  }
  return describeError(err, t);
}
