// Starts the whole server side in order — embedded database and broker when no real ones are
// configured, migrations, the core, the HTTP app — and stops it in reverse order.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { buildApp } from './app.ts';
import { campaign } from './cluster.ts';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Server } from 'socket.io';
import { REALTIME_PATH, type Channel, type ClientToServerEvents, type ServerToClientEvents, type Snapshot } from '@gridwatch/shared';
import { keyName } from './auth.ts';
import { prometheusText } from './metrics.ts';
import { originAllowed, type InterServerEvents } from './realtime/hub.ts';
import type { Config } from './config.ts';
import { Core, type Logger } from './core.ts';
import { migrate } from './db/migrate.ts';
import { createPool, type Pool } from './db/pool.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded/broker.ts';
import { contactsWithoutOrder } from './db/orders.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/pglite.ts';
import { bootstrapUsers } from './auth.ts';
import { EarlyWarning } from './earlyWarning.ts';
import { WorkOrders } from './workOrders.ts';

/** `username password` per line, one per grid team leader, in DATA_DIR (mode 600). */
export const TEAM_PASSWORDS_FILE = 'team-passwords.txt';

export interface System {
  config: Config;
  /** The HTTP app: the full one when active, the standby's small one in a cluster standby. */
  app: FastifyInstance;
  core: Core;
  /** The early warning and the work orders run on the active instance only (null on a standby). */
  warning: EarlyWarning;
  orders: WorkOrders;
  /** single: no cluster; active / standby: a cluster member with or without the leader lock. */
  role(): 'single' | 'active' | 'standby';
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

export interface SystemOptions {
  httpLogger?: boolean;
  /** A cluster member that loses the leader lock must stop at once; by default the process exits. */
  onLeadershipLost?: (reason: string) => void;
}

export async function startSystem(input: Config, log: Logger = consoleLogger, opts: SystemOptions = {}): Promise<System> {
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
      broker = await startEmbeddedBroker(config.host, config.mqttPort, {
        passwordFile: config.mqttPasswordFile, aclFile: config.mqttAclFile, topicPrefix: config.topicPrefix, log,
      });
      cleanup.push(() => broker!.close());
      config = { ...config, mqttUrl: broker.url };
      log.info(
        broker.secured
          ? `embedded MQTT broker (aedes) listening on ${config.host}:${broker.port}; clients sign in (${config.mqttPasswordFile}, ACL ${config.mqttAclFile})`
          : `embedded MQTT broker (aedes) listening on 127.0.0.1:${broker.port}, open to local clients (set MQTT_PASSWORD_FILE to require sign-in and listen on ${config.host})`,
      );
    }
    const pool = createPool(config.databaseUrl!, database !== null ? 1 : config.databasePoolMax);
    cleanup.push(() => pool.end());
    const migrated = await migrate(pool, log.info);
    log.info(`database ready${migrated.timescaledb ? ` (TimescaleDB ${migrated.timescaledb})` : ' (plain PostgreSQL)'}`);
    const core = await Core.start({ config, pool, timescaledb: migrated.timescaledb, log, cluster: config.clusterGroup });
    cleanup.push(() => core.close());
    const embedded = { database: database !== null, broker: broker !== null };
    if (config.clusterGroup) return await startClusterMember(config, core, pool, log, opts, embedded, cleanup, closeAll);
    const active = await startActive(config, core, pool, log, opts, cleanup, broker);
    core.openIngest();
    return {
      config: { ...config, port: active.port },
      app: active.app,
      core,
      warning: active.warning,
      orders: active.orders,
      role: () => 'single',
      pool,
      url: `http://127.0.0.1:${active.port}`,
      embedded,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * A cluster member: ingests its share of the readings at once and, until it holds the leader
 * lock, answers HTTP as a standby (health and metrics; 503 for the rest, so a load balancer
 * routes the wall and console to the active instance by `GET /api/active`). Once elected it
 * rebuilds the engine from the database and starts everything else on the same port.
 */
async function startClusterMember(
  config: Config, core: Core, pool: Pool, log: Logger, opts: SystemOptions, embedded: System['embedded'], cleanup: (() => Promise<void>)[], closeAll: () => Promise<void>,
): Promise<System> {
  const app = await standbyApp(config, core, pool);
  let stopStandby: (() => Promise<void>) | null = () => app.close().then(() => undefined);
  cleanup.push(async () => stopStandby?.());
  await listen(app, config);
  const port = portOf(app, config);
  const system: System = {
    config: { ...config, port },
    app,
    core,
    warning: null as unknown as EarlyWarning,
    orders: null as unknown as WorkOrders,
    role: () => (core.isActive() ? 'active' : 'standby'),
    pool,
    url: `http://127.0.0.1:${port}`,
    embedded,
    close: closeAll,
  };
  const leadership = campaign({
    databaseUrl: config.databaseUrl!,
    log,
    onElected: async () => {
      await stopStandby?.();
      stopStandby = null;
      await core.activate();
      const active = await startActive({ ...config, port }, core, pool, log, opts, cleanup);
      Object.assign(system, { app: active.app, warning: active.warning, orders: active.orders });
      core.openIngest();
    },
    onLost: opts.onLeadershipLost ?? ((reason) => {
      log.error(`cluster: lost the leader lock (${reason}); exiting so that a standby takes over cleanly`);
      process.exit(70);
    }),
  });
  // Released first on shutdown, so a standby takes over while this one drains.
  cleanup.push(() => leadership.close());
  log.info(`cluster "${config.clusterGroup}": standing by for the leader lock; ingesting a share of the readings`);
  return system;
}

async function standbyApp(config: Config, core: Core, pool: Pool): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  // Walls may hold their socket on a standby too: what the active instance broadcasts arrives
  // through the PostgreSQL adapter, and a wall's snapshot is asked of the active instance.
  const io = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents>(app.server, {
    path: REALTIME_PATH, serveClient: false, cors: { origin: config.corsOrigins.length ? config.corsOrigins : false }, pingInterval: 10_000, pingTimeout: 10_000, adapter: createAdapter(pool),
    // As on the active instance (realtime/hub.ts): browsers from other sites are refused, and a
    // client's messages are small.
    allowRequest: (req, done) => done(null, originAllowed(req.headers.origin, req.headers.host, config.corsOrigins)),
    maxHttpBufferSize: 64 * 1024,
  });
  io.on('gw:snapshot', (ack) => ack(null));
  if (config.wallTokens.length) {
    io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (keyName(config.wallTokens, typeof token === 'string' ? token : undefined) !== null) next();
      else next(new Error('unauthorized: open the wall with its token (?token=)'));
    });
  }
  const fromActive = () =>
    new Promise<Snapshot | null>((resolve) => {
      // Every other instance answers (standbys with null) or the adapter's request timeout (5 s) passes.
      io.serverSideEmit('gw:snapshot', (_err: Error | null, replies: (Snapshot | null)[]) => resolve(replies?.find((r) => r !== null) ?? null));
    });
  // Right after start this instance may not have heard the active one's heartbeat yet (5 s apart).
  const snapshotSoon = async (): Promise<Snapshot | null> => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const snapshot = await fromActive();
      if (snapshot || socketsClosed) return snapshot;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    return null;
  };
  let socketsClosed = false;
  io.on('connection', (socket) => {
    void snapshotSoon().then((snapshot) => {
      // No active instance answered: the wall shows it is disconnected and tries again.
      if (snapshot) socket.emit('snapshot', snapshot);
      else socket.disconnect(true);
    });
    // One snapshot request in flight per wall: each goes to every instance of the cluster.
    let asking = false;
    socket.on('snapshot:get', (_req, ack) => {
      if (typeof ack !== 'function') return;
      if (asking) return ack({ error: 'a snapshot request is already under way' });
      asking = true;
      void fromActive()
        .then((snapshot) => ack(snapshot ? { data: snapshot } : { error: 'no active instance answered' }))
        .finally(() => (asking = false));
    });
  });
  app.addHook('preClose', async () => {
    socketsClosed = true;
    io.disconnectSockets(true);
    io.engine.close();
    await io.of('/').adapter.close();
  });
  app.get('/api/health', async (_req, reply) => {
    const health = await core.health();
    return reply.status(health.status === 'ok' ? 200 : 503).send(health);
  });
  app.get('/api/active', async (_req, reply) => reply.status(503).send({ active: false }));
  // What a standby does: store its share of the readings.
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(prometheusText([
    ['gridwatch_readings_stored_total', 'Readings newly stored since start', 'counter', core.metrics.readingsStored],
    ['gridwatch_ingest_buffered_rows', 'Rows waiting to be written', 'gauge', core.bufferedRows()],
    ['gridwatch_ingest_unacked_messages', 'MQTT messages taken and not yet acknowledged (their rows not yet committed)', 'gauge', core.unackedMessages()],
    ['gridwatch_mqtt_connected', 'Ingest MQTT connection up', 'gauge', core.mqttConnected() ? 1 : 0],
    ['gridwatch_cluster_active', 'This instance holds the leader lock', 'gauge', 0],
  ])));
  app.setNotFoundHandler((_req, reply) => reply.status(503).send({ error: `standby: this GridWatch instance of cluster "${config.clusterGroup}" does not hold the leader lock; use the active instance` }));
  return app;
}

async function listen(app: FastifyInstance, config: Config): Promise<void> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`port ${config.port} is already in use: stop the other process or set PORT`);
    throw err;
  }
}

function portOf(app: FastifyInstance, config: Config): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : config.port;
}

/** The early warning, the work orders, the console users and the full HTTP app. */
async function startActive(config: Config, core: Core, pool: Pool, log: Logger, opts: SystemOptions, cleanup: (() => Promise<void>)[], broker: EmbeddedBroker | null = null) {
  {
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
    // A contact committed just before a kill may have no order yet: take it again (it joins or
    // opens one; a contact is never in two).
    const orphans = await contactsWithoutOrder(pool, Date.now() - config.maxPastAgeS * 1000);
    let retaken = 0;
    for (const c of orphans) {
      const r = await orders.intake(c).catch((err: Error) => ({ order: null, error: err.message }));
      if (r.order) retaken++;
    }
    if (retaken) log.warn(`work orders: ${retaken} contact(s) stored before the restart had no order; they have one now`);
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
    const app = await buildApp({ config, core, warning, orders, pool, logger: opts.httpLogger ?? true, ...(broker ? { brokerStats: () => broker.stats() } : {}) });
    cleanup.push(() => app.close());
    await listen(app, config);
    return { app, warning, orders, port: portOf(app, config) };
  }
}
