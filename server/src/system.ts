// Starts the whole server side in order — embedded database and broker when no real ones are
// configured, migrations, the core, the HTTP app — and stops it in reverse order.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { Core, type Logger } from './core.ts';
import { migrate } from './db/migrate.ts';
import { createPool, type Pool } from './db/pool.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded/broker.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/pglite.ts';
import { bootstrapUsers } from './auth.ts';
import { EarlyWarning } from './earlyWarning.ts';
import { WorkOrders } from './workOrders.ts';
import type { Channel } from '@gridwatch/shared';

/** `username password` per line, one per grid team leader, in DATA_DIR (mode 600). */
export const TEAM_PASSWORDS_FILE = 'team-passwords.txt';

export interface System {
  config: Config;
  app: FastifyInstance;
  core: Core;
  warning: EarlyWarning;
  orders: WorkOrders;
  pool: Pool;
  /** http://host:port the app listens on */
  url: string;
  embedded: { database: boolean; broker: boolean };
  close(): Promise<void>;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(`${new Date().toISOString()} info  ${m}`),
  warn: (m) => console.warn(`${new Date().toISOString()} warn  ${m}`),
  error: (m) => console.error(`${new Date().toISOString()} error ${m}`),
};

export async function startSystem(input: Config, log: Logger = consoleLogger, opts: { httpLogger?: boolean } = {}): Promise<System> {
  const cleanup: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch((err) => log.error(`shutdown: ${(err as Error).message}`));
  };
  try {
    let database: EmbeddedDatabase | null = null;
    let broker: EmbeddedBroker | null = null;
    let config = input;
    if (!config.databaseUrl) {
      database = await startEmbeddedDatabase(path.join(config.dataDir, 'pglite'));
      cleanup.push(() => database!.close());
      config = { ...config, databaseUrl: database.url };
      log.info(`embedded PostgreSQL (PGlite) at ${config.dataDir}/pglite, serving ${database.url}`);
    }
    if (!config.mqttUrl) {
      broker = await startEmbeddedBroker(config.host, config.mqttPort);
      cleanup.push(() => broker!.close());
      config = { ...config, mqttUrl: broker.url };
      log.info(`embedded MQTT broker (aedes) listening on ${config.host}:${broker.port}`);
    }
    const pool = createPool(config.databaseUrl!, database !== null ? 1 : config.databasePoolMax);
    cleanup.push(() => pool.end());
    const migrated = await migrate(pool, log.info);
    log.info(`database ready${migrated.timescaledb ? ` (TimescaleDB ${migrated.timescaledb})` : ' (plain PostgreSQL)'}`);
    const core = await Core.start({ config, pool, timescaledb: migrated.timescaledb, log });
    cleanup.push(() => core.close());
    const warning = await EarlyWarning.start({
      config,
      pool,
      index: core.index,
      log,
      now: Date.now,
      outages: () => core.engine.active(),
      publish: (topic, payload) => core.publish(topic, payload),
    });
    cleanup.push(() => warning.close());
    core.onOutagesStored((outages) => warning.outagesChanged(outages));
    core.onContact((c) => warning.contact({ id: c.id, customer: c.customer, at: c.ts, category: c.category, type: c.type }));
    const orders = await WorkOrders.start({
      config,
      pool,
      index: core.index,
      log,
      now: Date.now,
      outages: () => core.engine.current(),
      warned: (outageId, customer, at, since) => warning.warnedBefore(outageId, customer, at, since),
    });
    cleanup.push(() => orders.close());
    core.onOutagesStored((outages) => orders.outagesChanged(outages));
    core.onContact((c) => {
      orders
        .intake({ id: c.id, at: c.ts, customer: c.customer, channel: c.channel as Channel, category: c.category, type: c.type, text: c.text })
        .catch((err: Error) => log.warn(`work order for contact ${c.id}: ${err.message}`));
    });
    const passwordFile = path.join(config.dataDir, 'console-password.txt');
    const users = await bootstrapUsers(pool, config.consolePassword, core.index.network.teams, config.teamPassword);
    if (users.teamPasswords.length) {
      mkdirSync(config.dataDir, { recursive: true });
      const file = path.join(config.dataDir, TEAM_PASSWORDS_FILE);
      writeFileSync(file, users.teamPasswords.map(([u, pw]) => `${u} ${pw}`).join('\n') + '\n', { mode: 0o600 });
      log.info(`team leaders' passwords (one per team) are in ${file}`);
    }
    if (users.created.length) {
      let where = config.consolePassword ? 'CONSOLE_PASSWORD' : passwordFile;
      if (users.password) {
        // A generated password goes to a file only the operator can read, never to the log.
        mkdirSync(config.dataDir, { recursive: true });
        writeFileSync(passwordFile, `${users.password}\n`, { mode: 0o600 });
      }
      if (users.teamPasswords.length === 0 && config.teamPassword) where += '; team leaders: TEAM_PASSWORD';
      log.info(`console users created (${users.created.join(', ')}); the centre's password is in ${where}`);
    }
    const app = await buildApp({ config, core, warning, orders, pool, logger: opts.httpLogger ?? true });
    cleanup.push(() => app.close());
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`port ${config.port} is already in use: stop the other process or set PORT`);
      throw err;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    return {
      config: { ...config, port },
      app,
      core,
      warning,
      orders,
      pool,
      url: `http://127.0.0.1:${port}`,
      embedded: { database: database !== null, broker: broker !== null },
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
