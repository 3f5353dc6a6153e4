// Scale-out: several GridWatch instances on one broker and one database. Every instance ingests a
// share of the readings (an MQTT shared subscription); exactly one — the holder of a PostgreSQL
// advisory lock — is active: it runs the outage engine on the event stream, the early warning
// and the work orders, and serves the wall and console. The others stand by and take over when
// the active one dies (its session ends, so its lock is released), rebuilding state from the
// database and resuming the engine's persistent MQTT session, whose unacknowledged messages the
// broker still holds.
import pg from 'pg';

/** The advisory lock key: a fixed 64-bit number ('GRIDWTCH' in ASCII, minus the top bit). */
export const LEADER_LOCK_KEY = '5156955394128725064';

export interface Leadership {
  leading(): boolean;
  /** Gives up: stops campaigning and, if leading, releases the lock by closing its session. */
  close(): Promise<void>;
}

export interface CampaignOptions {
  databaseUrl: string;
  log: { info(m: string): void; warn(m: string): void };
  /** Called once, when this instance takes the lock. */
  onElected: () => Promise<void>;
  /**
   * Called once if the lock's session is lost while leading: another instance may already lead,
   * so this one must stop acting at once (the server exits and is restarted as a standby).
   */
  onLost: (reason: string) => void;
  /** How often a standby tries for the lock, and the leader checks its session. */
  intervalMs?: number;
}

export function campaign(o: CampaignOptions): Leadership {
  const every = o.intervalMs ?? 2_000;
  let client: pg.Client | null = null;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let lost = false;

  const loseLeadership = (reason: string) => {
    if (!leading || lost) return;
    lost = true;
    leading = false;
    o.onLost(reason);
  };

  const dropClient = () => {
    const c = client;
    client = null;
    if (c) void c.end().catch(() => {});
  };

  const next = (fn: () => Promise<void>) => {
    if (stopped) return;
    timer = setTimeout(() => void fn(), every);
  };

  const check = async () => {
    try {
      await withTimeout(client!.query('SELECT 1'), every * 2, 'the lock session did not answer');
      next(check);
    } catch (err) {
      dropClient();
      loseLeadership((err as Error).message);
    }
  };

  const attempt = async () => {
    try {
      if (!client) {
        const c = new pg.Client({ connectionString: o.databaseUrl, application_name: 'gridwatch-leader' });
        c.on('error', (err) => {
          if (client === c) dropClient();
          loseLeadership(err.message);
        });
        client = c;
        await c.connect();
      }
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int8) AS ok', [LEADER_LOCK_KEY]);
      if (stopped) return;
      if (r.rows[0]?.ok) {
        leading = true;
        o.log.info('cluster: this instance holds the leader lock and becomes active');
        await o.onElected();
        next(check);
      } else next(attempt);
    } catch (err) {
      if (leading) return loseLeadership((err as Error).message);
      o.log.warn(`cluster: could not try for the leader lock: ${(err as Error).message}`);
      dropClient();
      next(attempt);
    }
  };

  void attempt();
  return {
    leading: () => leading,
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      leading = false;
      const c = client;
      client = null;
      if (c) await c.end().catch(() => {});
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(t));
}
