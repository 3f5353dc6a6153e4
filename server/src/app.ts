// The HTTP face of GridWatch: the JSON API, Prometheus metrics, the built wall as static files,
// and the realtime hub on the same port. Tests build it with `buildApp` and use `app.inject`
// or a real listening port; `app.close()` is the whole shutdown of this layer.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  ALERT_ACTIONS, CHANNELS, HANDOVER_SHIFTS, ORDER_CATEGORIES, ORDER_LISTS, ORDER_STATUSES, OrderAction, type AlertActionKind, type HandoverShift, type Snapshot, type WallConfig,
} from '@gridwatch/shared';
import { atLeast, findUser, keyName, Tokens, type Role, type User } from './auth.ts';
import type { Config } from './config.ts';
import type { Core } from './core.ts';
import { getAlert, listAlerts, listModels, listNotices } from './db/risk.ts';
import type { EarlyWarning } from './earlyWarning.ts';
import { AlertError } from './risk/alerts.ts';
import { getOutage, listOutages, type OutageFilter } from './db/outages.ts';
import type { Pool } from './db/pool.ts';
import { prometheusText, type MetricLine } from './metrics.ts';
import { EncodedBody, MAP_AREAS_MAX_IDS, MAP_AREAS_URL, mapAreas, mapNetwork, pickEncoding } from './mapData.ts';
import { createAdapter } from '@socket.io/postgres-adapter';
import { RealtimeHub } from './realtime/hub.ts';
import { brief, OrderError, publicBrief } from './orders/desk.ts';
import type { OrderQuery } from './db/orders.ts';
import { NotStoredError, type WorkOrders } from './workOrders.ts';
import { loadHandoverData } from './db/handover.ts';
import { HANDOVER_MAX_MS, shiftWindow, summariseHandover } from './handover.ts';
import { listAudit } from './db/audit.ts';
import { registerSecurity } from './security.ts';
import type { BrokerSecurityStats } from './embedded/broker.ts';

export interface AppOptions {
  config: Config;
  core: Core;
  warning: EarlyWarning;
  orders: WorkOrders;
  pool: Pool;
  logger?: boolean;
  /** The embedded broker's refusals, for /metrics (none with a real broker: it has its own). */
  brokerStats?: () => BrokerSecurityStats;
}

declare module 'fastify' {
  interface FastifyInstance {
    hub: RealtimeHub;
    /** Every route as registered (method, URL pattern): tests check each write checks the role. */
    routeList: readonly { method: string; url: string }[];
  }
  interface FastifyRequest {
    user: User | null;
  }
}

const OutageQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('restored'), Type.Literal('all')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

const Id = Type.String({ minLength: 1, maxLength: 200 });
const Note = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export async function buildApp({ config, core, warning, orders, pool, logger = true, brokerStats }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Request logging stays off unless LOG_LEVEL=debug: the console is for what an operator needs.
    logger: logger
      ? {
          level: config.logLevel === 'debug' || config.logLevel === 'trace' ? config.logLevel : 'warn',
          // Wall links carry their token in the query (?token=): never in a log line.
          serializers: { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }) },
        }
      : false,
    // A hop count is accepted at run time (Fastify's docs), though its types list only the others.
    trustProxy: config.trustProxy as boolean,
    bodyLimit: 256 * 1024,
    // Wall screens hold sockets open for weeks; do not let a stuck client pin shutdown.
    forceCloseConnections: true,
  });

  const routeList: { method: string; url: string }[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routeList.push({ method, url: r.url });
  });

  app.setErrorHandler((err: { statusCode?: number; message: string; validation?: unknown }, request, reply) => {
    // PostgreSQL text cannot hold NUL (22021): a \u0000 in an id or a name is the client's mistake.
    if ((err as { code?: string }).code === '22021') return void reply.status(400).send({ error: 'text must not contain the NUL character (\\u0000)' });
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) request.log.error(err);
    void reply.status(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });

  // Integrations (hotline system, app back end) sign with a key from INTAKE_API_KEYS.
  const intakeKey = (header: string | undefined): string | null =>
    header?.startsWith('Bearer ') ? keyName(config.intakeApiKeys, header.slice(7).trim()) : null;
  const security = await registerSecurity(app, {
    config,
    pool,
    keyActor: (req) => {
      const name = intakeKey(req.headers.authorization);
      return name === null ? null : `intake:${name}`;
    },
    onError: (message) => app.log.error(message),
  });
  app.addHook('onClose', async () => security.close());

  const riskInfo = () => ({ modelVersion: warning.monitor.currentModel.version, threshold: warning.monitor.threshold });
  const briefs = () => warning.monitor.allRisks().map((r) => ({ outageId: r.outageId, probability: r.probability, expected: r.expected }));
  const snapshot = (seq: number): Snapshot => ({
    seq,
    serverTime: Date.now(),
    network: core.summary,
    outages: core.engine.current(),
    kpis: core.kpis(),
    kpiHistory: [],
    alerts: warning.monitor.alerts.recent(),
    risks: briefs(),
    complaintHours: warning.hourly(),
    risk: riskInfo(),
    service: orders.summary(),
  });
  // Wall tokens: a read-only identity for the screens (role `wall`), compared in constant time.
  const wallUser = (token: string | undefined): User | null => {
    const name = keyName(config.wallTokens, token);
    return name === null ? null : { username: `wall-${name}`, displayName: `wall ${name}`, role: 'wall' };
  };
  const tokens = new Tokens(config.sessionSecret, config.sessionTtlH * 3_600_000);
  const hub = new RealtimeHub({
    server: app.server,
    snapshot,
    kpis: () => core.kpis(),
    corsOrigin: config.corsOrigins.length ? config.corsOrigins : false,
    ...(config.wallTokens.length ? { authorize: (token: string | undefined) => !!token && (wallUser(token) !== null || tokens.verify(token) !== null) } : {}),
    // In a cluster, walls may hold their socket on any instance: broadcasts go through PostgreSQL.
    ...(config.clusterGroup ? { adapter: createAdapter(pool, { errorHandler: (err) => app.log.warn(`socket.io adapter: ${err.message}`) }) } : {}),
    reject: (payload, reason, store) => core.ingest.rejectExternal('socket', payload, reason, store),
  });
  app.decorate('hub', hub);
  core.onOutagesStored((outages) => hub.outagesChanged(outages));
  warning.onAlerts((alerts) => hub.alertsChanged(alerts));
  warning.onRisks((_risks, hourly) => hub.risksUpdated(briefs(), hourly, riskInfo()));
  orders.onOrders((list) => hub.ordersChanged(list.map(publicBrief)));
  orders.onService((service) => hub.serviceUpdated(service));
  app.addHook('preClose', async () => hub.close());

  // ---- sign-in: bearer tokens; writes check the role ----------------------------------------
  app.decorateRequest('user', null);
  const OPEN = new Set(['/api/health', '/api/active', '/api/config', '/api/login']);
  app.addHook('onRequest', async (req, reply) => {
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    req.user = bearer ? (tokens.verify(bearer) ?? wallUser(bearer)) : null;
    // With wall tokens configured, the wall's data is not for anyone who can reach the port.
    if (config.wallTokens.length && !req.user && req.method === 'GET' && req.url.startsWith('/api/') && !OPEN.has(req.url.split('?')[0]!)) {
      return reply.status(401).send({ error: 'this GridWatch needs a wall token (open the wall with ?token=) or a sign-in' });
    }
  });
  const requireRole = (role: Role) => async (req: { user: User | null }, reply: { status: (n: number) => { send: (b: unknown) => unknown } }) => {
    if (!req.user) return reply.status(401).send({ error: 'sign in first (POST /api/login, then Authorization: Bearer <token>)' });
    if (!atLeast(req.user.role, role)) return reply.status(403).send({ error: `needs the ${role} role or higher; you are ${req.user.role}` });
  };
  const LoginBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
  const loginLimit = {
    max: config.loginRatePerMin,
    // Per address and username: guessing one user's password is slow, a centre behind one NAT
    // address still signs in at shift change.
    // Only a string: String() of a deeply nested array overflows the stack (a 500).
    keyGenerator: (req: { ip: string; body?: unknown }) => {
      const username = (req.body as { username?: unknown } | undefined)?.username;
      return `login:${req.ip}:${typeof username === 'string' ? username.toLowerCase().slice(0, 100) : ''}`;
    },
  };
  app.post<{ Body: { username: string; password: string } }>('/api/login', { schema: { body: LoginBody }, config: { rateLimit: loginLimit } }, async (req, reply) => {
    const user = await findUser(pool, req.body.username, req.body.password);
    if (!user) return reply.status(401).send({ error: 'wrong username or password' });
    return { ...tokens.issue(user), user };
  });
  app.get('/api/me', { preValidation: requireRole('wall') }, async (req) => req.user);

  // ---- audit log: who did what (every write, refused ones too) ------------------------------
  const AuditQuerySchema = Type.Object({
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    from: Type.Optional(Type.Integer({ minimum: 0 })),
    to: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  });
  app.get<{ Querystring: { actor?: string; from?: number; to?: number; limit?: number } }>(
    '/api/audit',
    { schema: { querystring: AuditQuerySchema }, preValidation: requireRole('manager') },
    async (req) => {
      await security.audit.flush();
      return { entries: await listAudit(pool, { ...req.query, limit: req.query.limit ?? 200 }) };
    },
  );

  // ---- complaint early warning --------------------------------------------------------------
  const alertError = (reply: { status: (n: number) => { send: (b: unknown) => unknown } }, err: unknown) => {
    if (err instanceof AlertError) return reply.status(err.code === 'not-found' ? 404 : 409).send({ error: err.message });
    throw err;
  };
  const AlertQuery = Type.Object({
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('all')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  });
  app.get<{ Querystring: { status?: 'active' | 'all'; limit?: number } }>('/api/alerts', { schema: { querystring: AlertQuery } }, async (req) => {
    if ((req.query.status ?? 'active') === 'active') return { alerts: warning.activeAlerts() };
    return { alerts: await listAlerts(pool, 'all', req.query.limit ?? 200) };
  });
  app.get<{ Params: { id: string } }>('/api/alerts/:id', { schema: { params: Type.Object({ id: Id }) } }, async (req, reply) => {
    const a = warning.monitor.alerts.get(req.params.id) ?? (await getAlert(pool, req.params.id));
    return a ?? reply.status(404).send({ error: `no alert ${req.params.id}` });
  });
  app.post<{ Params: { id: string }; Body: { note?: string } }>(
    '/api/alerts/:id/acknowledge',
    { schema: { params: Type.Object({ id: Id }), body: Type.Optional(Note) }, preValidation: requireRole('officer') },
    async (req, reply) => {
      try {
        return warning.acknowledge(req.params.id, req.user!.username, req.body?.note);
      } catch (err) {
        return alertError(reply, err);
      }
    },
  );
  app.post<{ Params: { id: string }; Body: { note?: string } }>(
    '/api/alerts/:id/resolve',
    { schema: { params: Type.Object({ id: Id }), body: Type.Optional(Note) }, preValidation: requireRole('officer') },
    async (req, reply) => {
      try {
        return warning.resolve(req.params.id, req.user!.username, req.body?.note);
      } catch (err) {
        return alertError(reply, err);
      }
    },
  );
  const ActionBody = Type.Object(
    { kind: Type.Union(ALERT_ACTIONS.map((k) => Type.Literal(k))), text: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) },
    { additionalProperties: false },
  );
  app.post<{ Params: { id: string }; Body: { kind: AlertActionKind; text?: string } }>(
    '/api/alerts/:id/actions',
    { schema: { params: Type.Object({ id: Id }), body: ActionBody }, preValidation: requireRole('officer') },
    async (req, reply) => {
      // Raising crew priority is the shift lead's call.
      if (req.body.kind === 'crew-priority' && !atLeast(req.user!.role, 'shift-lead')) return reply.status(403).send({ error: 'raising crew priority needs the shift-lead role or higher' });
      try {
        return await warning.act(req.params.id, req.body.kind, req.user!.username, { text: req.body.text });
      } catch (err) {
        return alertError(reply, err);
      }
    },
  );
  app.get<{ Params: { id: string } }>('/api/outages/:id/risk', { schema: { params: Type.Object({ id: Id }) } }, async (req, reply) => {
    const r = warning.monitor.risk(req.params.id);
    return r ?? reply.status(404).send({ error: `no open outage ${req.params.id} with a risk (closed, nested or not scored yet)` });
  });
  app.get<{ Querystring: { outage?: string; limit?: number } }>(
    '/api/notices',
    { schema: { querystring: Type.Object({ outage: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }) } },
    async (req) => ({ notices: await listNotices(pool, req.query.outage ?? null, req.query.limit ?? 100) }),
  );
  app.get('/api/complaints/hourly', async () => ({ hours: warning.hourly() }));
  app.get('/api/risk/model', async () => ({ model: warning.model(), versions: await listModels(pool) }));
  app.post('/api/risk/retrain', { preValidation: requireRole('manager') }, async (req) => ({ model: await warning.retrain(req.user!.username) }));

  // ---- work orders --------------------------------------------------------------------------
  const orderError = (reply: { status: (n: number) => { send: (b: unknown) => unknown } }, err: unknown) => {
    if (err instanceof OrderError) return reply.status(err.status).send({ error: err.message });
    if (err instanceof NotStoredError) return reply.status(503).send({ error: err.message });
    throw err;
  };
  // Integrations sign with an intake key (above); people at the hall counter or in the centre use
  // their console sign-in (officer or above).
  app.post('/api/contacts', async (req, reply) => {
    const source = intakeKey(req.headers.authorization) ?? (req.user && atLeast(req.user.role, 'officer') ? `console:${req.user.username}` : null);
    if (!source) {
      return reply.status(req.user ? 403 : 401).send({ error: req.user ? `entering contacts needs the officer role or higher; you are ${req.user.role}` : 'sign in or send an intake key (Authorization: Bearer <key>)' });
    }
    const row = core.ingest.acceptContact(`http:${source}`, req.body);
    if ('error' in row) return reply.status(400).send({ error: row.error });
    let result;
    try {
      result = await orders.intake({ id: row.id, at: row.ts, customer: row.customer, channel: row.channel as (typeof CHANNELS)[number], category: row.category, type: row.type, text: row.text });
    } catch (err) {
      return orderError(reply, err);
    }
    return reply.status(result.duplicate ? 200 : 201).send({ contact: row.id, duplicate: result.duplicate, created: result.created, order: result.order ? brief(result.order) : null });
  });
  const lit = (xs: readonly string[]) => Type.Union(xs.map((x) => Type.Literal(x)));
  const OrderQuerySchema = Type.Object({
    status: Type.Optional(lit(['open', ...ORDER_STATUSES])),
    category: Type.Optional(lit(ORDER_CATEGORIES)),
    team: Type.Optional(Id),
    grid: Type.Optional(Id),
    channel: Type.Optional(lit(CHANNELS)),
    customer: Type.Optional(Id),
    outage: Type.Optional(Id),
    list: Type.Optional(lit(ORDER_LISTS)),
    from: Type.Optional(Type.Integer({ minimum: 0 })),
    to: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  });
  app.get<{ Querystring: OrderQuery }>('/api/orders', { schema: { querystring: OrderQuerySchema }, preValidation: requireRole('team') }, async (req) => {
    // A team leader sees the team's own orders.
    const q = req.user!.role === 'team' ? { ...req.query, team: req.user!.team ?? '-' } : req.query;
    const r = await orders.list(q);
    return { orders: r.orders.map(brief), total: r.total };
  });
  app.get<{ Params: { id: string } }>('/api/orders/:id', { schema: { params: Type.Object({ id: Id }) }, preValidation: requireRole('team') }, async (req, reply) => {
    const d = await orders.detail(req.params.id);
    const team = req.user!.role === 'team' ? req.user!.team : undefined;
    if (!d || (team !== undefined && d.order.team !== team)) return reply.status(404).send({ error: `no work order ${req.params.id}` });
    // A team leader sees the customer's history with the team only.
    return team === undefined ? d : { ...d, customerHistory: d.customerHistory.filter((h) => h.team === team) };
  });
  app.post<{ Params: { id: string }; Body: OrderAction }>(
    '/api/orders/:id/actions',
    { schema: { params: Type.Object({ id: Id }), body: OrderAction }, preValidation: requireRole('team') },
    async (req, reply) => {
      try {
        return { order: await orders.act(req.params.id, req.body, req.user!) };
      } catch (err) {
        return orderError(reply, err);
      }
    },
  );
  const KpiQuery = Type.Object({
    from: Type.Optional(Type.Integer({ minimum: 0 })),
    to: Type.Optional(Type.Integer({ minimum: 0 })),
    by: Type.Optional(lit(['company', 'grid', 'team', 'channel'])),
  });
  app.get<{ Querystring: { from?: number; to?: number; by?: 'company' | 'grid' | 'team' | 'channel' } }>('/api/kpis/service', { schema: { querystring: KpiQuery } }, async (req, reply) => {
    const to = req.query.to ?? Date.now();
    const from = req.query.from ?? to - 86_400_000;
    if (from >= to) return reply.status(400).send({ error: 'from must be before to' });
    if (to - from > 366 * 86_400_000) return reply.status(400).send({ error: 'at most 366 days at a time' });
    return { rows: await orders.kpis(from, to, req.query.by ?? 'company') };
  });
  app.get('/api/service', async () => orders.summary());

  // ---- handover summary (交接班): the current or previous shift, or any window up to 7 days -----
  const HandoverQuery = Type.Object({
    shift: Type.Optional(lit(HANDOVER_SHIFTS)),
    from: Type.Optional(Type.Integer({ minimum: 0 })),
    to: Type.Optional(Type.Integer({ minimum: 0 })),
  });
  const utcOffsetMs = (config.utcOffsetH ?? Math.round(core.index.network.centre[0] / 15)) * 3_600_000;
  app.get<{ Querystring: { shift?: HandoverShift; from?: number; to?: number } }>(
    '/api/handover',
    { schema: { querystring: HandoverQuery }, preValidation: requireRole('officer') },
    async (req, reply) => {
      const now = Date.now();
      const { from: qFrom, to: qTo } = req.query;
      if ((qFrom === undefined) !== (qTo === undefined)) return reply.status(400).send({ error: 'give both from and to (epoch ms), or neither (a shift)' });
      if (qFrom !== undefined && req.query.shift) return reply.status(400).send({ error: 'give either shift or from and to' });
      const shift = qFrom === undefined ? (req.query.shift ?? 'current') : null;
      const w = shift ? shiftWindow(now, shift, config.shiftMinutes, utcOffsetMs) : { from: qFrom!, to: qTo! };
      if (w.from >= w.to) return reply.status(400).send({ error: 'from must be before to' });
      if (w.to - w.from > HANDOVER_MAX_MS) return reply.status(400).send({ error: 'at most 7 days at a time' });
      const data = await loadHandoverData(pool, w.from, w.to);
      return summariseHandover(data, { from: w.from, to: w.to, now, shift, shiftMinutes: config.shiftMinutes });
    },
  );
  app.get('/api/teams', async () => ({ teams: core.index.network.teams.map((t) => ({ id: t.id, name: t.name })) }));

  app.get('/api/health', async (_req, reply) => {
    const health = await core.health();
    return reply.status(health.status === 'ok' ? 200 : 503).send(health);
  });
  // For a load balancer in front of a cluster: 200 only on the instance that holds the leader lock.
  app.get('/api/active', async (_req, reply) => reply.status(core.isActive() ? 200 : 503).send({ active: core.isActive() }));

  app.get('/api/kpis', async () => core.kpis());

  app.get<{ Querystring: { status?: OutageFilter; limit?: number } }>('/api/outages', { schema: { querystring: OutageQuery } }, async (req) => {
    const outages = await listOutages(pool, req.query.status ?? 'active', req.query.limit ?? 200);
    return { outages };
  });

  app.get<{ Params: { id: string } }>('/api/outages/:id', { schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }) } }, async (req, reply) => {
    const outage = await getOutage(pool, req.params.id);
    if (!outage) return reply.status(404).send({ error: `no outage ${req.params.id}` });
    return outage;
  });

  const ReliabilityQuery = Type.Object({
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    includePlanned: Type.Optional(Type.Boolean()),
  });
  app.get<{ Querystring: { from?: string; to?: string; includePlanned?: boolean } }>('/api/reliability', { schema: { querystring: ReliabilityQuery } }, async (req, reply) => {
    const now = Date.now();
    const to = req.query.to ? Date.parse(req.query.to) : now;
    const d = new Date(to);
    const from = req.query.from ? Date.parse(req.query.from) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    if (!(from < to)) return reply.status(400).send({ error: '`from` must be before `to`' });
    if (to - from > 366 * 86_400_000) return reply.status(400).send({ error: 'period longer than a year; ask per year' });
    return core.reliability(from, to, req.query.includePlanned ?? true);
  });

  app.get('/api/network', async () => core.summary);

  // The map is the largest thing a wall loads: made and compressed once, served as accepted.
  let map: EncodedBody | null = null;
  const sendEncoded = (req: { headers: Record<string, string | string[] | undefined> }, reply: FastifyReply, body: EncodedBody, etag: string | null) => {
    const encoding = pickEncoding(req.headers['accept-encoding'] as string | undefined);
    if (etag) reply.header('etag', etag).header('cache-control', 'no-cache');
    else reply.header('cache-control', 'no-store');
    reply.header('vary', 'accept-encoding').type('application/json');
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.send(body.get(encoding));
  };
  app.get('/api/network/map', async (req, reply) => {
    // Weak: the compressed forms differ in bytes, not in meaning.
    const etag = `W/"${core.summary.version}"`;
    if (matchesEtag(req.headers['if-none-match'], core.summary.version)) return reply.status(304).send();
    map ??= new EncodedBody(JSON.stringify(mapNetwork(core.index, core.summary.version)));
    return sendEncoded(req, reply, map, etag);
  });
  app.get<{ Querystring: { ids: string } }>(
    MAP_AREAS_URL,
    { schema: { querystring: Type.Object({ ids: Type.String({ minLength: 1, maxLength: 200_000 }) }) } },
    async (req, reply) => {
      const ids = req.query.ids.split(',').filter(Boolean);
      if (ids.length > MAP_AREAS_MAX_IDS) return reply.status(400).send({ error: `at most ${MAP_AREAS_MAX_IDS} station areas at a time` });
      const body = new EncodedBody(JSON.stringify(mapAreas(core.index, core.summary.version, ids)));
      return sendEncoded(req, reply, body, null);
    },
  );

  app.get('/api/config', async (): Promise<WallConfig> => ({ tileUrl: config.tileUrl, tileAttribution: config.tileAttribution }));

  app.get('/metrics', async (_req, reply) => {
    const m = core.metrics;
    const k = core.kpis();
    const lines: MetricLine[] = [
      ['gridwatch_mqtt_messages_total', 'MQTT messages received', 'counter', m.messagesReceived],
      ...Object.entries(m.messagesByKind).map(([kind, n]) => (['gridwatch_mqtt_messages_by_kind_total', 'MQTT messages received by topic kind', 'counter', n, { kind }]) as MetricLine),
      ['gridwatch_readings_received_total', 'Valid readings received', 'counter', m.readingsReceived],
      ['gridwatch_readings_stored_total', 'Readings newly stored since start', 'counter', m.readingsStored],
      ['gridwatch_readings_duplicate_total', 'Readings ignored as already stored', 'counter', m.duplicatesIgnored],
      ['gridwatch_dead_letters_total', 'Messages dead-lettered', 'counter', m.deadLetters],
      ...Object.entries(m.deadLettersByReason).map(([reason, n]) => (['gridwatch_dead_letters_by_reason_total', 'Dead letters by reason class', 'counter', n, { reason }]) as MetricLine),
      ['gridwatch_dead_letters_not_stored_total', 'Dead letters counted but not stored (a socket flooding past its budget)', 'counter', m.deadLettersNotStored],
      ['gridwatch_db_write_errors_total', 'Failed database writes (retried)', 'counter', m.dbWriteErrors],
      ['gridwatch_ingest_buffered_rows', 'Rows waiting to be written', 'gauge', core.bufferedRows()],
      ['gridwatch_ingest_backpressure_waits_total', 'Times ingest stopped reading MQTT because buffers were full', 'counter', m.backpressureWaits],
      ['gridwatch_ingest_unacked_messages', 'MQTT messages taken and not yet acknowledged (their rows not yet committed)', 'gauge', core.unackedMessages()],
      ['gridwatch_mqtt_connected', 'Ingest MQTT connection up', 'gauge', core.mqttConnected() ? 1 : 0],
      ['gridwatch_cluster_active', 'This instance holds the leader lock (1 also when not in a cluster)', 'gauge', core.isActive() ? 1 : 0],
      ['gridwatch_outages_active', 'Active outages', 'gauge', k.activeOutages],
      ['gridwatch_customers_out', 'Customers without power', 'gauge', k.customersOut],
      ['gridwatch_realtime_clients', 'Connected Socket.IO clients', 'gauge', hub.clients()],
      ['gridwatch_http_rate_limited_total', 'Requests refused by a rate limit', 'counter', security.rateLimited.login, { limit: 'login' }],
      ['gridwatch_http_rate_limited_total', 'Requests refused by a rate limit', 'counter', security.rateLimited.write, { limit: 'write' }],
      ['gridwatch_audit_buffered_rows', 'Audit log rows waiting to be written', 'gauge', security.audit.size],
      ...(brokerStats ? brokerMetrics(brokerStats()) : []),
      ...processMemory(),
    ];
    return reply.type('text/plain; version=0.0.4').send(prometheusText(lines));
  });

  if (existsSync(path.join(config.webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: config.webDist, wildcard: false });
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
      return reply.status(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` });
    });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/html').send('<h1>GridWatch</h1><p>The wall is not built. Run <code>pnpm build:web</code> (or <code>pnpm start</code>, which builds it).</p>'),
    );
  }
  return app;
}

/** The embedded broker's refusals (Mosquitto logs its own). */
function brokerMetrics(b: BrokerSecurityStats): MetricLine[] {
  const help = 'Embedded MQTT broker: connections and publishes refused, deliveries withheld by the ACL';
  return [
    ['gridwatch_mqtt_broker_refused_total', help, 'counter', b.refusedConnects, { what: 'connect' }],
    ['gridwatch_mqtt_broker_refused_total', help, 'counter', b.deniedPublishes, { what: 'publish-denied' }],
    ['gridwatch_mqtt_broker_refused_total', help, 'counter', b.malformedPublishes, { what: 'publish-malformed' }],
    ['gridwatch_mqtt_broker_refused_total', help, 'counter', b.withheldDeliveries, { what: 'delivery-withheld' }],
  ];
}

/** The process's memory as the usual Prometheus process/Node.js gauges. */
function processMemory(): MetricLine[] {
  const m = process.memoryUsage();
  return [
    ['process_resident_memory_bytes', 'Resident memory size in bytes', 'gauge', m.rss],
    ['nodejs_heap_used_bytes', 'V8 heap used, bytes', 'gauge', m.heapUsed],
    ['nodejs_heap_total_bytes', 'V8 heap allocated, bytes', 'gauge', m.heapTotal],
    ['nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects (ArrayBuffers, including embedded PGlite), bytes', 'gauge', m.external],
  ];
}

/** Whether an If-None-Match header names the map of `version` (weak or strong, as sent before). */
function matchesEtag(header: string | string[] | undefined, version: string): boolean {
  const tags = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes(`"${version}"`) || tags.includes('*');
}

/** A request URL with secrets in its query (wall tokens) blanked, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|key|password|secret)=)[^&#]*/gi, '$1[redacted]');
}
