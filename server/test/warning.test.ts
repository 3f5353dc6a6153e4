// The complaint early warning in the running server: an outage from MQTT is scored, an alert is
// raised and pushed to walls, escalates when nobody acknowledges it, and the officer's actions go
// out for real — a notice on MQTT and to the webhook, recorded per customer — with every write
// signed in and checked by role. Retraining learns from outages and contacts in the database.
import { createServer, type Server } from 'node:http';
import mqtt, { type MqttClient } from 'mqtt';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CODE, generateNetwork, topics, type AlertDto, type NoticeMessage } from '@gridwatch/shared';
import type { Config } from '../src/config.ts';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from './helpers.ts';

let db: TestResource;
let broker: TestResource;
let config: Config;
let system: System;
let client: MqttClient;
let hook: Server;
const hooked: NoticeMessage[] = [];
const notices: { topic: string; body: NoticeMessage }[] = [];

const network = generateNetwork();
// A station area with a sensitive or critical customer, for the call list.
const tf = network.transformers.find((t) => network.customers.some((c) => c.transformer === t.id && (c.sensitive || c.type === 'critical')))!;
const customers = network.customers.filter((c) => c.transformer === tf.id);
const other = network.transformers.find((t) => t.id !== tf.id && t.feeder !== tf.feeder)!;

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooked.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as { port: number }).port;
  db = await testDatabase();
  broker = await testBroker();
  config = await testConfig(db, broker, {
    network: 'demo',
    riskEvalS: 1,
    riskAlertThreshold: 0.01,
    alertEscalateLeadMin: 0.05,
    alertEscalateManagerMin: 0.1,
    consolePassword: 'test-password-1',
    notifyWebhookUrl: `http://127.0.0.1:${port}/notices`,
  });
  system = await startSystem(config, quietLogger, { httpLogger: false });
  await eventually(() => system.core.mqttConnected(), 10_000, 'ingest MQTT connection');
  client = await mqtt.connectAsync(broker.url, { clientId: `${config.mqttClientId}-t` });
  await client.subscribeAsync(`${config.topicPrefix}/notify/#`, { qos: 1 });
  client.on('message', (topic, payload) => notices.push({ topic, body: JSON.parse(payload.toString()) }));
});

afterAll(async () => {
  await client?.endAsync();
  await system?.close();
  await broker?.close();
  await db?.close();
  await new Promise((r) => hook?.close(r));
});

const login = async (username: string, password = 'test-password-1') => {
  const res = await system.app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
  return { status: res.statusCode, token: res.json().token as string | undefined };
};
const post = async (url: string, token: string | null, payload: unknown = {}) =>
  system.app.inject({ method: 'POST', url, payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });

const powerOff = (t: typeof tf, ts: number) =>
  client.publishAsync(topics(config.topicPrefix).meterEvents(t.id), JSON.stringify({ device: t.concentrator, ts: new Date(ts).toISOString(), code: EVENT_CODE.powerOff }), { qos: 1 });

describe('complaint early warning in the server', () => {
  let alert: AlertDto;

  it('signs officers in and refuses writes without a valid token or role', async () => {
    expect((await login('officer', 'wrong')).status).toBe(401);
    expect((await login('nobody')).status).toBe(401);
    const ok = await login('officer');
    expect(ok.status).toBe(200);
    expect((await post('/api/alerts/x/acknowledge', null)).statusCode).toBe(401);
    expect((await post('/api/alerts/x/acknowledge', 'forged.token')).statusCode).toBe(401);
    expect((await post('/api/alerts/x/acknowledge', ok.token!)).statusCode).toBe(404);
    expect((await post('/api/risk/retrain', ok.token!)).statusCode).toBe(403);
    const me = await system.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${ok.token}` } });
    expect(me.json()).toMatchObject({ username: 'officer', role: 'officer' });
  });

  it('raises an alert for a new outage, pushes it to walls, and escalates it while nobody acknowledges', async () => {
    const socket = connect(system.url, { path: '/socket.io', transports: ['websocket'], reconnection: false });
    const pushed: AlertDto[] = [];
    socket.on('alert:changed', (d: { alerts: AlertDto[] }) => pushed.push(...d.alerts));
    await powerOff(tf, Date.now() - 2 * 60_000);
    alert = await eventually(async () => (await system.app.inject({ url: '/api/alerts' })).json().alerts.find((a: AlertDto) => a.customers === customers.length), 15_000, 'alert');
    expect(alert).toMatchObject({ status: 'open', escalation: 'officer', flooded: false });
    expect(alert.probability).toBeGreaterThan(0);
    expect(alert.reasons.length).toBeGreaterThan(0);
    expect(alert.suggested).toContain('notify');
    await eventually(() => pushed.some((a) => a.id === alert.id), 10_000, 'alert pushed to the wall');
    const risk = (await system.app.inject({ url: `/api/outages/${encodeURIComponent(alert.outageId)}/risk` })).json();
    expect(risk).toMatchObject({ outageId: alert.outageId, customers: customers.length });
    expect(risk.atRisk[0].customer).toBeDefined();
    // 3 s without acknowledgement: shift lead; 6 s: manager.
    await eventually(() => pushed.some((a) => a.id === alert.id && a.escalation === 'manager'), 15_000, 'escalation to the manager');
    const steps = system.warning.monitor.alerts.get(alert.id)!.steps.filter((s) => s.status === 'escalated');
    expect(steps.map((s) => s.note)).toEqual([expect.stringContaining('shift-lead'), expect.stringContaining('manager')]);
    socket.close();
  });

  it('takes the officer through acknowledge, notify, call list and resolve; crew priority needs a shift lead', async () => {
    const officer = (await login('officer')).token!;
    const lead = (await login('lead')).token!;
    const ack = await post(`/api/alerts/${alert.id}/acknowledge`, officer, { note: 'looking' });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged' });
    expect((await post(`/api/alerts/${alert.id}/acknowledge`, officer)).statusCode).toBe(409);

    const notify = await post(`/api/alerts/${alert.id}/actions`, officer, { kind: 'notify' });
    expect(notify.statusCode).toBe(200);
    const { notice } = notify.json();
    expect(notice).toMatchObject({ outageId: alert.outageId, mqtt: 'ok', webhook: 'ok', sentBy: 'officer' });
    expect(notice.customers.sort()).toEqual(customers.map((c) => c.id).sort());
    const sent = await eventually(() => notices.find((n) => n.topic === topics(config.topicPrefix).notice(alert.outageId)), 10_000, 'notice on MQTT');
    expect(sent.body.customers).toHaveLength(customers.length);
    expect(sent.body.etr).toBeDefined();
    expect(hooked.map((h) => h.id)).toContain(notice.id);
    const listed = (await system.app.inject({ url: `/api/notices?outage=${encodeURIComponent(alert.outageId)}` })).json();
    expect(listed.notices).toEqual([expect.objectContaining({ id: notice.id, customers: customers.length })]);
    const recipients = await system.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notice_recipients WHERE notice_id = $1', [notice.id]);
    expect(recipients.rows[0]!.n).toBe(customers.length);

    const calls = await post(`/api/alerts/${alert.id}/actions`, officer, { kind: 'call-list' });
    expect(calls.json().callList.length).toBeGreaterThan(0);
    expect(calls.json().callList.every((c: { sensitive: boolean; type: string }) => c.sensitive || c.type === 'critical')).toBe(true);
    expect((await post(`/api/alerts/${alert.id}/actions`, officer, { kind: 'crew-priority' })).statusCode).toBe(403);
    expect((await post(`/api/alerts/${alert.id}/actions`, lead, { kind: 'crew-priority' })).json().alert.priority).toBe(true);
    expect((await post(`/api/alerts/${alert.id}/actions`, lead, { kind: 'nonsense' })).statusCode).toBe(400);

    const resolved = await post(`/api/alerts/${alert.id}/resolve`, lead, { note: 'customers informed' });
    expect(resolved.json()).toMatchObject({ status: 'resolved' });
    const stored = await system.pool.query<{ status: string; doc: AlertDto }>('SELECT status, doc FROM alerts WHERE id = $1', [alert.id]);
    await eventually(async () => (await system.pool.query<{ status: string }>('SELECT status FROM alerts WHERE id = $1', [alert.id])).rows[0]?.status === 'resolved', 5_000, 'stored');
    expect(stored.rows[0]).toBeDefined();
    const who = system.warning.monitor.alerts.get(alert.id)!.steps.map((s) => `${s.status}:${s.by}`);
    expect(who).toEqual(expect.arrayContaining(['acknowledged:officer', 'actioned:officer', 'resolved:lead']));
  });

  it('counts outage complaints (not reports) per hour and keeps alerts across a restart', async () => {
    const c = customers[0]!;
    await client.publishAsync(topics(config.topicPrefix).contacts(), JSON.stringify({ id: 'k-0', ts: new Date().toISOString(), channel: 'hotline', customer: c.id, category: 'outage', type: 'report' }), { qos: 1 });
    await client.publishAsync(topics(config.topicPrefix).contacts(), JSON.stringify({ id: 'k-1', ts: new Date().toISOString(), channel: 'hotline', customer: c.id, category: 'outage', type: 'complaint' }), { qos: 1 });
    await eventually(async () => (await system.app.inject({ url: '/api/complaints/hourly' })).json().hours.at(-1).actual === 1, 10_000, 'complaint counted');
    // Both calls joined the outage's work order, warned about: the alert (and a notice) came first.
    const order = await eventually(() => system.orders.desk.list().find((o) => o.outageId === alert.outageId && o.contacts === 2), 10_000, 'the outage order');
    expect(order.contactList.map((x) => [x.id, x.warned])).toEqual([['k-0', true], ['k-1', true]]);
    expect(system.orders.summary().today).toMatchObject({ outageComplaints: 1, warnedShare: 1 });
    await powerOff(other, Date.now() - 60_000);
    const second = await eventually(() => system.warning.activeAlerts().find((a) => a.outageId !== alert.outageId), 15_000, 'second alert');
    await system.close();
    system = await startSystem(config, quietLogger, { httpLogger: false });
    const again = (await system.app.inject({ url: '/api/alerts' })).json().alerts as AlertDto[];
    // The hour's complaints are rebuilt from the contacts table.
    expect((await system.app.inject({ url: '/api/complaints/hourly' })).json().hours.at(-1).actual).toBe(1);
    expect(again.map((a) => a.id)).toContain(second.id);
    expect(again.filter((a) => a.id === second.id)).toHaveLength(1);
  });

  it('retrains from the outages and contacts in the database, versioned, and keeps the prior when history is thin', async () => {
    const manager = (await login('manager')).token!;
    const thin = await post('/api/risk/retrain', manager);
    expect(thin.json().model).toMatchObject({ kind: 'prior', note: expect.stringMatching(/outages/) });

    // Six weeks of history: station-area outages; the sensitive customers always call.
    const now = Date.now();
    const tfs = network.transformers.slice(0, 80);
    for (let k = 0; k < tfs.length; k++) {
      const t = tfs[k]!;
      const start = now - 42 * 86_400_000 + k * 12 * 3_600_000;
      const id = `hist-${k}`;
      await system.pool.query(
        `INSERT INTO outages (id, status, level, device, feeder, transformers, customers, started_at, detected_at, restored_at, lon, lat)
         VALUES ($1, 'restored', 'transformer', $2, $3, $4, $5, $6, $7, $8, 0, 0)`,
        [id, t.id, t.feeder, [t.id], 1, new Date(start).toISOString(), new Date(start + 60_000).toISOString(), new Date(start + 90 * 60_000).toISOString()],
      );
      for (const c of network.customers.filter((x) => x.transformer === t.id && (x.sensitive || x.type === 'critical'))) {
        await system.pool.query(`INSERT INTO contacts (id, ts, channel, customer, category, type) VALUES ($1, $2, 'hotline', $3, 'outage', 'complaint')`, [`hc-${k}-${c.id}`, new Date(start + 8 * 60_000).toISOString(), c.id]);
      }
    }
    const trained = await post('/api/risk/retrain', manager);
    expect(trained.statusCode).toBe(200);
    expect(trained.json().model).toMatchObject({ kind: 'trained', outages: expect.any(Number) });
    expect(trained.json().model.auc).toBeGreaterThan(0.6);
    const model = (await system.app.inject({ url: '/api/risk/model' })).json();
    expect(model.model.version).toBe(trained.json().model.version);
    expect(model.versions.filter((v: { active: boolean }) => v.active)).toHaveLength(1);
    const top = model.model.weights.slice(0, 6).map((w: { feature: string }) => w.feature);
    expect(top.some((f: string) => f === 'sensitive' || f === 'type.critical')).toBe(true);
    // The next start loads the trained model.
    await system.close();
    system = await startSystem(config, quietLogger, { httpLogger: false });
    expect(system.warning.model().version).toBe(trained.json().model.version);
  });

  it('retrains at once when the stored model was trained on other features (an upgrade changed them)', async () => {
    const old = system.warning.model().version;
    await system.pool.query(`UPDATE risk_models SET model = jsonb_set(model, '{features,0}', '"retired.feature"') WHERE active`);
    await system.close();
    const warnings: string[] = [];
    system = await startSystem(config, { ...quietLogger, warn: (m) => warnings.push(m) }, { httpLogger: false });
    expect(warnings.some((w) => w.includes(`risk model ${old} was trained on other features`) && w.includes('retrained'))).toBe(true);
    const fresh = await eventually(() => (system.warning.model().kind === 'trained' && system.warning.model().version !== old ? system.warning.model() : null), 30_000, 'the model retrained');
    const active = await system.pool.query<{ version: string; first: string }>(`SELECT version, model->'features'->>0 AS first FROM risk_models WHERE active`);
    expect(active.rows).toEqual([{ version: fresh.version, first: 'elapsed.0-15m' }]);
  });
});
