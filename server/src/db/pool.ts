// The PostgreSQL pool. The embedded PGlite is a single session, so it gets a pool of one.
import pg from 'pg';

// timestamptz and bigint come back as JS values we can use directly.
pg.types.setTypeParser(1184, (v) => new Date(v).getTime()); // timestamptz → epoch ms
pg.types.setTypeParser(20, (v) => Number(v)); // int8 → number (counts stay far below 2^53)

export type Pool = pg.Pool;

export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'gridwatch',
  });
  // An idle client that loses its connection emits here; without a listener the process dies.
  pool.on('error', () => {});
  // So does a client checked out of the pool (a COPY, a transaction, the Socket.IO adapter's
  // LISTEN): pg-pool listens to idle clients only, and a connection lost while one is out (the
  // database restarted, the network cut) would be an uncaught 'error' that ends the process. The
  // query under way fails with the error all the same, and the pool discards the client.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** Runs `work` in one transaction on one client: committed if it resolves, rolled back if not. */
export async function transaction<T>(pool: Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
