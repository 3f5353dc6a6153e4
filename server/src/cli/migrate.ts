// `pnpm migrate`: applies the SQL migrations to DATABASE_URL and exits.
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';

const config = loadConfig();
if (!config.databaseUrl) {
  console.error('DATABASE_URL is not set (the embedded database is migrated by `pnpm start` itself)');
  process.exit(2);
}
const pool = createPool(config.databaseUrl, 1);
try {
  const r = await migrate(pool, console.log);
  console.log(`${r.applied.length} migration(s) applied; TimescaleDB: ${r.timescaledb ?? 'not installed'}`);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await pool.end();
}
