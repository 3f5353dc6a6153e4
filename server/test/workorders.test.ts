// Work orders in the running server: contacts from every channel (MQTT and authenticated HTTP)
// become orders, contacts about one outage merge into one order, orders are dispatched to the
// owning team, escalate when ignored, close after two callbacks, survive a restart, and the KPIs
// by API and on the wall's socket agree with what happened.
import mqtt, { type MqttClient } from 'mqtt';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CODE, generateNetwork, topics, type OrderBrief, type OrderDetail, type ServiceKpis, type Snapshot } from '@gridwatch/shared';
import type { Config } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from './helpers.ts';

let db: TestResource;
let broker: TestResource;
let config: Config;
let system: System;
let client: MqttClient;

const network = generateNetwork();
const tf = network.transformers[0]!;
const team = network.grids.find((g) => g.id === tf.grid)!.team;
const otherTeam = network.teams.find((t) => t.id !== team)!.id;
const [c1, c2, c3] = network.customers.filter((c) => c.transformer === tf.id);
const elsewhere = network.customers.find((c) => c.transformer !== tf.id && network.transformers.find((t) => t.id === c.transformer)!.feeder !== tf.feeder)!;
const tf2 = network.transformers.find((t) => t.id !== tf.id && t.id !== elsewhere.transformer && network.customers.filter((c) => c.transformer === t.id).length >= 10)!;
const KEY = 'hotline-system-key-0123456789';
const PASSWORD = 'test-password-2';

beforeAll(async () => {
  db = await testDatabase();
  broker = await testBroker();
  config = await testConfig(db, broker, {
    network: 'demo',
    consolePassword: PASSWORD,
    teamPassword: PASSWORD,
    intakeApiKeys: [{ name: 'hotline', key: KEY }],
    // Seconds instead of hours, so an ignored order escalates while the test waits.
    orderLimits: 'billing=0.1',
    orderTickS: 0.2,
  });
  system = await startSystem(config, quietLogger, { httpLogger: false });
  await eventually(() => system.core.mqttConnected(), 10_000, 'ingest MQTT connection');
  client = await mqtt.connectAsync(broker.url, { clientId: `${config.mqttClientId}-t` });
});

afterAll(async () => {
  await client?.endAsync();
  await system?.close();
  await broker?.close();
  await db?.close();
});

const login = async (username: string) => (await system.app.inject({ method: 'POST', url: '/api/login', payload: { username, password: PASSWORD } })).json().token as string;
const call = (method: 'GET' | 'POST', url: string, token: string | null, payload?: unknown) =>
  system.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: token ? { authorization: `Bearer ${token}` } : {} });
const contact = (id: string, customer: string, channel: string, category: string, extra: Record<string, unknown> = {}) => ({
  id, ts: new Date().toISOString(), channel, customer, category, ...extra,
});
const publishContact = (body: object) => client.publishAsync(topics(config.topicPrefix).contacts(), JSON.stringify(body), { qos: 1 });
const order = async (id: string, token: string) => (await call('GET', `/api/orders/${id}`, token)).json() as OrderDetail;

describe('work orders in the server', () => {
  let officer: string;
  let outageOrder: string;

  it('takes contacts from every channel and merges those about one outage into one order', async () => {
    officer = await login('officer');
    const socket = connect(system.url, { transports: ['websocket'] });
    const changed: OrderBrief[] = [];
    socket.on('order:changed', (d) => changed.push(...d.orders));
    try {
      // The station area loses power; the engine finds the outage.
      await client.publishAsync(topics(config.topicPrefix).meterEvents(tf.id), JSON.stringify({ device: tf.concentrator, ts: new Date().toISOString(), code: EVENT_CODE.powerOff }), { qos: 1 });
      await eventually(() => system.core.engine.active().some((o) => o.transformers.includes(tf.id)), 10_000, 'the outage');

      // Hotline system over HTTP with its key; the app and the WeChat grid group over MQTT; the hall counter signed in.
      const hotline = await call('POST', '/api/contacts', KEY, contact('h1', c1!.id, 'hotline', 'outage', { type: 'report' }));
      expect(hotline.statusCode).toBe(201);
      expect(hotline.json().order).toMatchObject({ id: 'WO-h1', category: 'outage', status: 'dispatched', team, triage: { result: 'outage', crew: true } });
      outageOrder = hotline.json().order.id;
      await publishContact(contact('a1', c2!.id, 'app', 'outage', { type: 'complaint' }));
      await publishContact(contact('w1', c3!.id, 'wechat', 'unclassified', { text: '我们这里停电快一个小时了' }));
      const hall = await call('POST', '/api/contacts', officer, contact('s1', elsewhere.id, 'hall', 'billing', { type: 'enquiry' }));
      expect(hall.statusCode).toBe(201);
      expect(hall.json().order).toMatchObject({ category: 'billing', dueStep: 'resolved', triage: { result: 'none' } });

      const merged = await eventually(async () => {
        const d = await order(outageOrder, officer);
        return d.order.contacts === 3 ? d : null;
      }, 10_000, 'three contacts on the outage order');
      expect(merged.outage).toMatchObject({ id: merged.order.outageId, transformers: [tf.id] });
      expect(merged.order.contactList.map((c) => [c.id, c.channel, c.category])).toEqual([
        ['h1', 'hotline', 'outage'],
        ['a1', 'app', 'outage'],
        ['w1', 'wechat', 'outage'],
      ]);
      const list = (await call('GET', '/api/orders?status=open', officer)).json() as { orders: OrderBrief[]; total: number };
      expect(list.total).toBe(2);
      await eventually(() => changed.some((o) => o.id === outageOrder && o.contacts === 3), 5_000, 'the change on the socket');
    } finally {
      socket.disconnect();
    }
  });

  it('stores each contact once, and rejects bad or unsigned input with a reason', async () => {
    await publishContact(contact('a1', c2!.id, 'app', 'outage', { type: 'complaint' }));
    const again = await call('POST', '/api/contacts', KEY, contact('h1', c1!.id, 'hotline', 'outage', { type: 'report' }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, order: { id: outageOrder } });
    expect((await call('POST', '/api/contacts', null, contact('z1', c1!.id, 'hotline', 'outage'))).statusCode).toBe(401);
    expect((await call('POST', '/api/contacts', 'not-a-key', contact('z1', c1!.id, 'hotline', 'outage'))).statusCode).toBe(401);
    const bad = await call('POST', '/api/contacts', KEY, { id: 'z2', channel: 'fax', customer: c1!.id });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/schema/);
    const unknown = await call('POST', '/api/contacts', KEY, contact('z3', 'NOBODY', 'hotline', 'outage'));
    expect(unknown.json().error).toMatch(/unknown device: customer NOBODY/);
    await eventually(async () => {
      const r = await system.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM dead_letters WHERE source LIKE 'http:%'`);
      return r.rows[0]!.n === 2;
    }, 5_000, 'two dead letters from HTTP');
    await new Promise((r) => setTimeout(r, 300));
    expect((await order(outageOrder, officer)).order.contacts).toBe(3);
  });

  it('escalates an order nobody works through three levels and flags it overdue on the wall', async () => {
    const billing = 'WO-s1';
    const d = await eventually(async () => {
      const x = await order(billing, officer);
      return x.order.overdue ? x : null;
    }, 15_000, 'the billing order overdue');
    expect(d.order.supervision).toBe('company');
    expect(d.order.steps.filter((s) => s.kind === 'escalated').map((s) => s.note?.split(':')[0])).toEqual(['team-leader', 'department', 'company']);
    const snap = await new Promise<Snapshot>((resolve) => {
      const s = connect(system.url, { transports: ['websocket'] });
      s.on('snapshot', (x) => {
        s.disconnect();
        resolve(x);
      });
    });
    expect(snap.service.attention.map((o) => o.id)).toContain(billing);
    expect(snap.service.today.overdueOrders).toBe(1);
  });

  it('lets the owning team work the order, the centre call back twice, and closes it', async () => {
    const lead = await login(`team-${team}`);
    const stranger = await login(`team-${otherTeam}`);
    const act = (token: string, body: object) => call('POST', `/api/orders/${outageOrder}/actions`, token, body);
    expect((await act(stranger, { action: 'accept' })).statusCode).toBe(403);
    expect((await call('GET', '/api/orders', stranger)).json().total).toBe(0);
    expect((await act(lead, { action: 'accept' })).statusCode).toBe(200);
    expect((await act(lead, { action: 'on-site' })).statusCode).toBe(200);
    expect((await act(lead, { action: 'callback-1', solved: true })).statusCode).toBe(403);
    expect((await act(lead, { action: 'resolve', note: 'fuse replaced' })).statusCode).toBe(200);
    expect((await act(officer, { action: 'callback-2', score: 5 })).statusCode).toBe(409);
    expect((await act(officer, { action: 'callback-1', solved: true })).statusCode).toBe(200);
    expect((await act(officer, { action: 'callback-2', score: 9 })).statusCode).toBe(400);
    const closed = await act(officer, { action: 'callback-2', score: 5 });
    expect(closed.json().order).toMatchObject({ status: 'closed', solved: true, score: 5 });
    expect(closed.json().order.steps.filter((s: { kind: string }) => s.kind !== 'contact').map((s: { kind: string; by: string }) => `${s.kind}:${s.by}`)).toEqual([
      'created:system', 'dispatched:system', 'accepted:team-' + team, 'on-site:team-' + team, 'resolved:team-' + team, 'callback-1:officer', 'callback-2:officer', 'closed:system',
    ]);
  });

  it('reports the KPIs per company, team and channel', async () => {
    // A planned outage announced only 20 s before it starts: short of the 7-day commitment.
    const start = Date.now() + 20_000;
    await client.publishAsync(topics(config.topicPrefix).planned(), JSON.stringify({ id: 'PL-1', ts: new Date().toISOString(), device: elsewhere.transformer, start: new Date(start).toISOString(), end: new Date(start + 600_000).toISOString() }), { qos: 1 });
    await eventually(async () => (await system.pool.query(`SELECT 1 FROM planned_outages WHERE id = 'PL-1'`)).rowCount === 1, 5_000, 'the planned outage stored');
    const day = `from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`;
    const company = (await call('GET', `/api/kpis/service?${day}`, null)).json().rows[0] as ServiceKpis;
    expect(company).toMatchObject({ orders: 2, contacts: 4, complaints: 1, closedOrders: 1, overdueOrders: 1, overdueRate: 0.5, firstContactResolution: 1, satisfactionMean: 5 });
    expect(company.channelMix).toEqual({ hotline: 1, app: 1, wechat: 1, hall: 1 });
    expect(company.planned).toEqual({ outages: 1, announcedLate: 1, noticeDays: 7 });
    expect(company.complaintsPer10k).toBeCloseTo(10_000 / network.customers.length, 6);
    const byChannel = (await call('GET', `/api/kpis/service?${day}&by=channel`, null)).json().rows as ServiceKpis[];
    // The app and WeChat calls joined the order the hotline opened: contacts, but no orders of their own.
    expect(byChannel.map((r) => [r.scope.id, r.orders, r.contacts])).toEqual([['app', 0, 1], ['hall', 1, 1], ['hotline', 1, 1], ['wechat', 0, 1]]);
    expect(byChannel.find((r) => r.scope.id === 'app')?.complaints).toBe(1);
    const byTeam = (await call('GET', `/api/kpis/service?${day}&by=team`, null)).json().rows as ServiceKpis[];
    expect(byTeam.find((r) => r.scope.id === team)?.closedOrders).toBe(1);
    expect((await call('GET', `/api/kpis/service?from=10&to=5`, null)).statusCode).toBe(400);
  });

  it('keeps every order and step across a restart', async () => {
    const before = (await order(outageOrder, officer)).order;
    await system.close();
    system = await startSystem(config, quietLogger, { httpLogger: false });
    officer = await login('officer');
    const after = await order(outageOrder, officer);
    expect(after.order).toEqual(before);
    expect(system.orders.desk.hasContact('w1')).toBe(true);
    const billing = (await order('WO-s1', officer)).order;
    expect(billing).toMatchObject({ overdue: true, supervision: 'company', status: 'dispatched' });
  });

  it('gives an order, on restart, to a contact stored before a kill without its order', async () => {
    const customer = system.core.index.network.customers[7]!.id;
    await system.close();
    // As a kill leaves it: the contact committed (its message acknowledged), its order not.
    const pool = createPool(db.url, 1);
    await pool.query(`INSERT INTO contacts (id, ts, channel, customer, category, type, text) VALUES ('orphan-1', now(), 'hotline', $1, 'billing', 'complaint', 'bill too high')`, [customer]);
    await pool.end();
    system = await startSystem(config, quietLogger, { httpLogger: false });
    officer = await login('officer');
    const orders = (await call('GET', `/api/orders?customer=${customer}`, officer)).json().orders as { id: string; category: string }[];
    expect(orders.map((o) => o.category)).toEqual(['billing']);
    const linked = (await system.pool.query(`SELECT order_id FROM work_order_contacts WHERE contact_id = 'orphan-1'`)).rows;
    expect(linked).toEqual([{ order_id: orders[0]!.id }]);
  });

  it('turns a burst of 300 calls about one outage into one order', async () => {
    await client.publishAsync(topics(config.topicPrefix).meterEvents(tf2.id), JSON.stringify({ device: tf2.concentrator, ts: new Date().toISOString(), code: EVENT_CODE.powerOff }), { qos: 1 });
    await eventually(() => system.core.engine.active().some((o) => o.transformers.includes(tf2.id)), 10_000, 'the second outage');
    const callers = network.customers.filter((c) => c.transformer === tf2.id);
    await Promise.all(Array.from({ length: 300 }, (_, i) => publishContact(contact(`b${i}`, callers[i % callers.length]!.id, 'hotline', 'outage', { type: i < callers.length ? 'report' : 'complaint' }))));
    const done = await eventually(async () => {
      const list = (await call('GET', `/api/orders?status=open&customer=${callers[0]!.id}`, officer)).json() as { orders: OrderBrief[] };
      const o = list.orders.find((x) => x.triage.result === 'outage');
      return o && o.contacts === 300 ? o : null;
    }, 30_000, '300 contacts on one order');
    expect(done).toMatchObject({ customers: callers.length, complaint: true });
    const r = await system.pool.query<{ n: number }>(`SELECT count(DISTINCT order_id)::int AS n FROM work_order_contacts WHERE contact_id LIKE 'b%'`);
    expect(r.rows[0]!.n).toBe(1);
  });
});
