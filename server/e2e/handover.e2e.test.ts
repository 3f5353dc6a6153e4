// End to end: the console's handover tab and outage detail pane in headless Chromium against a
// running GridWatch. The test makes a small shift: two station areas go dark over MQTT and raise
// complaint alerts; the officer acknowledges the first and notifies its customers, nobody answers
// the second (it goes to the shift lead) and its power comes back; a complaint about the first
// outage and a billing enquiry with a 6-second time limit come in by HTTP (the enquiry runs
// through three levels of supervision and goes overdue). The officer signs in, opens the handover
// tab and finds exactly those figures and open items, in Chinese and in English; the previous
// shift is empty. From the handover the outage pane shows the first outage's evidence, notice and
// work order, and leads to the order and back to the pane.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CODE, generateNetwork, topics, type AlertDto, type HandoverSummary, type OutageDto } from '@gridwatch/shared';
import { REPO_ROOT } from '../src/config.ts';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from '../test/helpers.ts';
import { DICTS } from '../../web/src/i18n.ts';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test-results');
const PASSWORD = 'test-password-4';
const KEY = 'e2e-handover-key-0123456789';
const zh = DICTS['zh-CN'];
const en = DICTS.en;

let db: TestResource;
let broker: TestResource;
let system: System;
let browser: Browser;
let client: MqttClient;

const network = generateNetwork();
const tfA = network.transformers[23]!;
// On another feeder, so that the two never roll up into one outage.
const tfB = network.transformers.find((t) => t.feeder !== tfA.feeder)!;
const customerA = network.customers.find((c) => c.transformer === tfA.id)!;
const billingCustomer = network.customers.find((c) => c.transformer !== tfA.id && c.transformer !== tfB.id)!;

beforeAll(async () => {
  if (!existsSync(path.join(REPO_ROOT, 'web/dist/index.html'))) throw new Error('web/dist is not built: run `pnpm build:web` (pnpm test:e2e does)');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  db = await testDatabase();
  broker = await testBroker();
  // Every outage alerts; an alert nobody acknowledges goes to the shift lead after 6 s; a billing
  // order has 6 s to be resolved (escalations at 3, 4.8 and 6 s); no fixed shift times (the last 8 hours).
  const config = await testConfig(db, broker, {
    network: 'demo',
    riskAlertThreshold: 0.01,
    riskEvalS: 1,
    alertEscalateLeadMin: 0.1,
    alertEscalateManagerMin: 60,
    orderLimits: 'billing=0.1',
    orderTickS: 0.5,
    shiftMinutes: null,
    consolePassword: PASSWORD,
    teamPassword: PASSWORD,
    intakeApiKeys: [{ name: 'hotline', key: KEY }],
  });
  system = await startSystem(config, quietLogger, { httpLogger: false });
  await eventually(() => system.core.mqttConnected(), 10_000, 'ingest connected');
  client = await mqtt.connectAsync(broker.url, { clientId: `${config.mqttClientId}-e2e-handover` });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await client?.endAsync();
  await system?.close();
  await broker?.close();
  await db?.close();
});

async function login(username: string): Promise<string> {
  const res = await fetch(`${system.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function post(pathname: string, token: string, body: unknown): Promise<Response> {
  return fetch(`${system.url}${pathname}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const darkArea = async (transformer: string, at: number, code: string) => {
  const t = network.transformers.find((x) => x.id === transformer)!;
  await client.publishAsync(topics(system.config.topicPrefix).meterEvents(transformer), JSON.stringify({ device: t.concentrator, ts: new Date(at).toISOString(), code }), { qos: 1 });
};
const outageOf = (transformer: string): OutageDto | undefined => system.core.engine.current().find((o) => o.parentId === null && o.transformers.includes(transformer));
const alertOn = (outageId: string): AlertDto | undefined => system.warning.monitor.alerts.get(`al-${outageId}`);

/** The value a figure or tile shows (its data-value). */
const value = async (page: Page, testid: string) => Number(await page.getAttribute(`[data-testid="${testid}"]`, 'data-value'));

describe('handover and outage detail in the console', () => {
  it('summarises the shift the test made, opens the outage pane from it and follows its order', async () => {
    const officer = await login('officer');

    // Outage A: dark since 10 minutes ago; its alert is acknowledged and its customers notified at once.
    await darkArea(tfA.id, Date.now() - 10 * 60_000, EVENT_CODE.powerOff);
    const outageA = await eventually(() => outageOf(tfA.id), 15_000, 'outage A');
    const alertA = await eventually(() => alertOn(outageA.id), 15_000, 'alert on A');
    expect((await post(`/api/alerts/${alertA.id}/acknowledge`, officer, { note: '已通知抢修' })).status).toBe(200);
    const notify = await post(`/api/alerts/${alertA.id}/actions`, officer, { kind: 'notify' });
    expect(notify.status).toBe(200);
    const noticeCustomers = ((await notify.json()) as { notice: { customers: string[] } }).notice.customers.length;

    // Outage B: nobody acknowledges its alert; it goes to the shift lead; then power comes back.
    await darkArea(tfB.id, Date.now() - 8 * 60_000, EVENT_CODE.powerOff);
    const outageB = await eventually(() => outageOf(tfB.id), 15_000, 'outage B');
    await eventually(() => alertOn(outageB.id)?.escalation === 'shift-lead', 20_000, 'alert on B with the shift lead');
    await darkArea(tfB.id, Date.now(), EVENT_CODE.powerRestored);
    await eventually(() => alertOn(outageB.id)?.status === 'resolved', 15_000, 'alert on B resolved with the restoration');
    await eventually(async () => (await system.pool.query(`SELECT 1 FROM outages WHERE id = $1 AND restored_at IS NOT NULL`, [outageB.id])).rowCount === 1, 10_000, 'B restored in the database');

    // A complaint about outage A and a billing enquiry that runs out of time.
    const contact = (body: object) => fetch(`${system.url}/api/contacts`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const c1 = await contact({ id: 'ho-c1', ts: new Date().toISOString(), channel: 'hotline', customer: customerA.id, category: 'outage', type: 'complaint', text: '停电这么久了还没来电' });
    expect(c1.status).toBe(201);
    const outageOrder = ((await c1.json()) as { order: { id: string; outageId: string } }).order;
    expect(outageOrder.outageId).toBe(outageA.id);
    expect((await contact({ id: 'ho-c2', ts: new Date().toISOString(), channel: 'app', customer: billingCustomer.id, category: 'billing', type: 'enquiry', text: '电费账单有疑问' })).status).toBe(201);
    await eventually(async () => (await system.orders.detail('WO-ho-c2'))?.order.supervision === 'company', 20_000, 'the billing order under company supervision');
    await eventually(async () => (await system.pool.query(`SELECT 1 FROM work_orders WHERE id = 'WO-ho-c2' AND overdue`)).rowCount === 1, 10_000, 'the billing order overdue in the database');
    await eventually(async () => (await system.pool.query(`SELECT 1 FROM alerts WHERE outage_id = $1 AND status = 'resolved'`, [outageB.id])).rowCount === 1, 10_000, 'alert B stored');

    const a = (await eventually(() => outageOf(tfA.id), 1_000, 'A'))!;
    const b = system.core.engine.current().find((o) => o.id === outageB.id) ?? outageB;

    // The API: officers and up only; the figures as worked out above.
    const teamToken = await login(`team-${network.grids.find((g) => g.id === tfA.grid)!.team}`);
    expect((await fetch(`${system.url}/api/handover`, { headers: { authorization: `Bearer ${teamToken}` } })).status).toBe(403);
    expect((await fetch(`${system.url}/api/handover`)).status).toBe(401);
    expect((await fetch(`${system.url}/api/handover?from=5&to=1`, { headers: { authorization: `Bearer ${officer}` } })).status).toBe(400);
    const api = (await (await fetch(`${system.url}/api/handover`, { headers: { authorization: `Bearer ${officer}` } })).json()) as HandoverSummary;
    expect(api.shift).toBe('current');
    expect(api.to - api.from).toBe(8 * 3_600_000);
    expect(api.outages).toMatchObject({ started: 2, customers: a.customers + b.customers, restored: 1, customersRestored: b.customers, openCount: 1, customersOut: a.customers, carriedIn: 0 });
    expect(api.alerts).toMatchObject({ raised: 2, acknowledged: 1, actioned: 1, escalatedShiftLead: 1, escalatedManager: 0, resolved: 1, resolvedBySystem: 1 });
    expect(api.alerts.actions.notify).toBe(1);
    expect(api.notices).toMatchObject({ sent: 1, customers: noticeCustomers, outages: 1 });
    expect(api.orders).toMatchObject({ created: 2, overdue: 1, escalated: { 'team-leader': 1, department: 1, company: 1 }, openTotal: 2, attentionTotal: 1 });
    expect(api.complaints).toMatchObject({ contacts: 2, complaints: 1, outageComplaints: 1, warned: 1, byChannel: { hotline: 1, app: 1, wechat: 0, hall: 0 } });
    expect(api.items.map((i) => `${i.kind}:${i.reasons.join('+')}`)).toEqual(['alert:not-resolved', 'order:overdue+supervision-company']);

    // The console: the officer opens the handover tab.
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${system.url}/console`);
    await page.fill('[data-testid="username"]', 'officer');
    await page.fill('[data-testid="password"]', PASSWORD);
    await page.click('[data-testid="sign-in-submit"]');
    await page.waitForSelector('[data-testid="console-user"][data-role="officer"]');
    expect(await page.textContent('[data-testid="tab-handover"]')).toContain(zh.console.tabs.handover);
    await page.click('[data-testid="tab-handover"]');
    await page.waitForSelector('[data-testid="handover"][data-loaded="true"][data-shift="current"]', { timeout: 10_000 });
    expect(new URL(page.url()).hash).toBe('#handover');

    expect(await value(page, 'handover-tile-outages')).toBe(2);
    expect(await value(page, 'handover-tile-still-out')).toBe(1);
    expect(await value(page, 'handover-tile-alerts')).toBe(2);
    expect(await value(page, 'handover-tile-notices')).toBe(1);
    expect(await value(page, 'handover-tile-orders')).toBe(2);
    expect(await value(page, 'handover-tile-complaints')).toBe(1);
    expect(await page.textContent('[data-testid="handover-tile-outages"]')).toContain(`影响 ${a.customers + b.customers} 户`);
    expect(await page.textContent('[data-testid="handover-tile-notices"]')).toContain(`通知 ${noticeCustomers} 户次`);
    expect(await value(page, 'handover-fig-customers')).toBe(a.customers + b.customers);
    expect(await value(page, 'handover-fig-restored')).toBe(1);
    expect(await value(page, 'handover-fig-customers-out')).toBe(a.customers);
    expect(await value(page, 'handover-fig-acknowledged')).toBe(1);
    expect(await value(page, 'handover-fig-escalated-lead')).toBe(1);
    expect(await value(page, 'handover-fig-resolved')).toBe(1);
    expect(await value(page, 'handover-fig-overdue')).toBe(1);
    expect(await value(page, 'handover-fig-complaints-contacts')).toBe(2);
    expect(await page.textContent('[data-testid="handover-fig-escalated"]')).toContain(`${zh.orders.supervision.company} 1`);
    // The open items: the alert on A, then the overdue order under company supervision.
    const items = await page.locator('[data-testid="handover-item"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-id')}`));
    expect(items).toEqual([`alert:${alertA.id}`, 'order:WO-ho-c2']);
    const itemText = await page.locator('[data-testid="handover-item"]').nth(1).textContent();
    expect(itemText).toContain(zh.console.handover.reasons.overdue);
    expect(itemText).toContain(zh.console.handover.reasons['supervision-company']);
    expect(await page.locator('[data-testid="handover-open-outages"] [data-testid="handover-outage"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-outage-id')))).toEqual([a.id]);
    await page.screenshot({ path: path.join(SHOTS, 'console-e2e-handover-zh.png'), fullPage: true });

    // In English, the same figures.
    await page.click('[data-testid="lang-toggle"]');
    await eventually(async () => (await page.textContent('[data-testid="tab-handover"]'))?.includes(en.console.tabs.handover), 5_000, 'English tabs');
    expect(await page.textContent('[data-testid="handover-tile-outages"]')).toContain(`${a.customers + b.customers} customers affected`);
    expect(await page.locator('[data-testid="handover-item"]').nth(1).textContent()).toContain(en.console.handover.reasons['supervision-company']);
    await page.screenshot({ path: path.join(SHOTS, 'console-e2e-handover-en.png'), fullPage: true });

    // The previous shift (the 8 hours before) had nothing.
    await page.selectOption('[data-testid="handover-shift"]', 'previous');
    await page.waitForSelector('[data-testid="handover"][data-loaded="true"][data-shift="previous"]', { timeout: 10_000 });
    // Without shift times the windows roll with the clock: the previous one ends where the current one began, give or take the seconds since.
    await eventually(async () => Math.abs(Number(await page.getAttribute('[data-testid="handover"]', 'data-to')) - api.from) < 60_000, 10_000, 'the previous window');
    expect(await value(page, 'handover-tile-outages')).toBe(0);
    expect(await page.locator('[data-testid="handover-item"]').count()).toBe(0);
    expect(new URL(page.url()).hash).toBe('#handover-previous');
    await page.selectOption('[data-testid="handover-shift"]', 'current');
    await page.waitForSelector('[data-testid="handover"][data-loaded="true"][data-shift="current"] [data-testid="handover-item"]', { timeout: 10_000 });

    // From the alert item to the outage pane: A's evidence, station area, notice and work order.
    await page.locator('[data-testid="handover-item"][data-kind="alert"] [data-testid="handover-item-open"]').click();
    const pane = page.locator(`[data-testid="outage-pane"][data-outage-id="${a.id}"][data-loaded="true"]`);
    await pane.waitFor({ timeout: 10_000 });
    expect(Number(await pane.locator('[data-testid="outage-pane-facts"]').getAttribute('data-customers'))).toBe(a.customers);
    expect(Number(await pane.locator('[data-testid="outage-pane-facts"]').getAttribute('data-areas'))).toBe(a.transformers.length);
    expect(await pane.locator('[data-testid="outage-pane-areas"]').textContent()).toContain(tfA.id);
    expect(Number(await pane.locator('[data-testid="outage-pane-notice"]').getAttribute('data-customers'))).toBe(noticeCustomers);
    expect(await pane.locator('[data-testid="outage-pane-order"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-order-id')))).toEqual([outageOrder.id]);
    const events = await pane.locator('[data-testid="outage-pane-event"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(events[0]).toBe('started');
    expect(events).toContain('detected');
    expect(events).toContain('notice');
    expect(events.filter((e) => e === 'alert').length).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: path.join(SHOTS, 'console-e2e-outage-pane-en.png') });

    // The pane's order opens in the work orders; the order's outage opens the pane again.
    await pane.locator(`[data-testid="outage-pane-order"][data-order-id="${outageOrder.id}"] button`).click();
    await page.waitForSelector(`[data-testid="order-detail"][data-order-id="${outageOrder.id}"]`, { timeout: 10_000 });
    expect(await page.locator('[data-testid="outage-pane"]').count()).toBe(0);
    await page.click('[data-testid="order-outage-open"]');
    await page.waitForSelector(`[data-testid="outage-pane"][data-outage-id="${a.id}"]`, { timeout: 10_000 });
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid="outage-pane"]').count()).toBe(0);

    // And from an alert card in the alert queue.
    await page.click('[data-testid="tab-alerts"]');
    await page.locator(`[data-testid="console-alert"][data-outage-id="${a.id}"] [data-testid="alert-outage"]`).click();
    await page.waitForSelector(`[data-testid="outage-pane"][data-outage-id="${a.id}"][data-loaded="true"]`, { timeout: 10_000 });
  });
});
