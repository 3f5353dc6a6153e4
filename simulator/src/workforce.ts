// The people who work GridWatch's orders, simulated: grid team leaders accept, travel, arrive and
// resolve; the centre calls customers back twice. They act only through GridWatch's HTTP API,
// signed in as `team-<id>` and `officer`, as the teams' mobile app and the callback desk would.
// One order in ten is left alone until it runs past its time limit, so supervision has work.
import type { OrderAction, OrderBrief } from '@gridwatch/shared';

const MIN = 60_000;

/** A deterministic share in [0, 1) for an order and a purpose (same answer on every poll). */
function share(seed: number, ...parts: (string | number)[]): number {
  let h = 2166136261 ^ seed;
  for (const ch of parts.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 2 ** 32;
}

const between = (u: number, lo: number, hi: number) => (lo + u * (hi - lo)) * MIN;
const TRAVEL_MIN: Record<string, [number, number]> = { urban: [10, 35], rural: [25, 75], remote: [40, 110] };

export interface WorkforceStep {
  action: OrderAction;
  /** Who does it: the order's team leader, or the centre's officer. */
  as: 'team' | 'officer';
}

/**
 * What the workforce does next with an order at `now`, or null when nothing is due yet. Delays
 * count from the moment the order entered its status.
 */
export function nextStep(o: OrderBrief, now: number, seed = 1): WorkforceStep | null {
  const u = (what: string) => share(seed, o.id, o.reopened, what);
  const since = now - o.statusAt;
  const neglected = u('neglect') < 0.1;
  const stall = neglected ? o.limitMin * 1.15 * MIN : 0;
  switch (o.status) {
    case 'dispatched':
      return since >= stall + between(u('accept'), 2, 10) ? { action: { action: 'accept' }, as: 'team' } : null;
    case 'accepted': {
      if (o.triage.crew) {
        const [lo, hi] = TRAVEL_MIN[o.zone ?? 'urban']!;
        return since >= between(u('travel'), lo, hi) ? { action: { action: 'on-site' }, as: 'team' } : null;
      }
      const work = o.category === 'outage' || o.category === 'voltage' ? between(u('work'), 10, 40) : between(u('work'), 30, 300);
      return since >= work ? { action: { action: 'resolve', note: 'handled with the customer' }, as: 'team' } : null;
    }
    case 'on-site':
      // Outage orders are resolved when the power is back; a crew resolves what it fixes itself,
      // and a reopened outage order (the power came back before the customer said it is not solved).
      if ((o.triage.result === 'outage' || o.triage.result === 'planned') && o.reopened === 0) return null;
      return since >= between(u('repair'), 15, 90) ? { action: { action: 'resolve', note: 'fixed on site' }, as: 'team' } : null;
    case 'resolved':
      if (since < between(u('callback-1'), 10, 40)) return null;
      return { action: { action: 'callback-1', solved: u('solved') < 0.93 }, as: 'officer' };
    case 'callback-1': {
      if (since < between(u('callback-2'), 1, 5)) return null;
      const s = u('score');
      const score = s < 0.7 ? 5 : s < 0.9 ? 4 : s < 0.96 ? 3 : s < 0.99 ? 2 : 1;
      return { action: { action: 'callback-2', score }, as: 'officer' };
    }
    default:
      return null;
  }
}

export interface WorkforceOptions {
  /** GridWatch's base URL, e.g. http://127.0.0.1:3000 */
  api: string;
  /** The centre's (officer's) password. */
  password: string;
  /** Team leaders' passwords by username, or one for all. */
  teamPasswords: ReadonlyMap<string, string> | string;
  seed?: number;
  pollMs?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Polls the open orders and works them through the API until aborted. */
export async function runWorkforce(o: WorkforceOptions): Promise<void> {
  const tokens = new Map<string, string>();
  const log = o.log ?? (() => {});
  const login = async (username: string): Promise<string> => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const password = username === 'officer' ? o.password : typeof o.teamPasswords === 'string' ? o.teamPasswords : o.teamPasswords.get(username);
    if (!password) throw new Error(`no password for ${username}`);
    const res = await fetch(`${o.api}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (!res.ok) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
    const token = ((await res.json()) as { token: string }).token;
    tokens.set(username, token);
    return token;
  };
  const call = async (username: string, url: string, body?: unknown) => {
    const res = await fetch(`${o.api}${url}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${await login(username)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 401) tokens.delete(username);
    return res;
  };
  let done = 0;
  while (!o.signal?.aborted) {
    try {
      const res = await call('officer', '/api/orders?status=open&limit=1000');
      if (res.ok) {
        const { orders } = (await res.json()) as { orders: OrderBrief[] };
        for (const order of orders) {
          const step = nextStep(order, Date.now(), o.seed);
          if (!step || (step.as === 'team' && !order.team)) continue;
          const who = step.as === 'team' ? `team-${order.team}` : 'officer';
          const r = await call(who, `/api/orders/${encodeURIComponent(order.id)}/actions`, step.action);
          if (r.ok) done++;
          else if (r.status !== 409) log(`workforce: ${step.action.action} on ${order.id} as ${who}: ${r.status} ${await r.text()}`);
        }
      } else log(`workforce: listing orders: ${res.status}`);
    } catch (err) {
      log(`workforce: ${(err as Error).message}`);
    }
    // One abort listener per wait, removed when the wait ends (else one more every poll).
    await new Promise<void>((r) => {
      const wake = () => {
        clearTimeout(t);
        o.signal?.removeEventListener('abort', wake);
        r();
      };
      const t = setTimeout(wake, o.pollMs ?? 15_000);
      o.signal?.addEventListener('abort', wake, { once: true });
    });
  }
  log(`workforce: stopped after ${done} steps`);
}
