// End to end: work orders in the built wall and console, in headless Chromium. A contact comes in
// over HTTP from the hotline system and one over MQTT from the WeChat grid group; the wall's
// service panel counts them; the owning team's leader signs in to the console, sees only the
// team's order, accepts and resolves it, and cannot call back; the officer calls back twice and
// the order closes, on the console and in the database.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNetwork, topics } from '@gridwatch/shared';
import { REPO_ROOT } from '../src/config.ts';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from '../test/helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test-results');
const PASSWORD = 'test-password-3';
const KEY = 'e2e-hotline-key-0123456789';

let db: TestResource;
let broker: TestResource;
let system: System;
let browser: Browser;
let client: MqttClient;

const network = generateNetwork();
const teamOf = (customerId: string) => {
  const c = network.customers.find((x) => x.id === customerId)!;
  const grid = network.transformers.find((t) => t.id === c.transformer)!.grid;
  return network.grids.find((g) => g.id === grid)!.team;
};
const billing = network.customers[5]!;
const team = teamOf(billing.id);
const other = network.customers.find((c) => teamOf(c.id) !== team)!;

beforeAll(async () => {
  if (!existsSync(path.join(REPO_ROOT, 'web/dist/index.html'))) throw new Error('web/dist is not built: run `pnpm build:web` (pnpm test:e2e does)');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  db = await testDatabase();
  broker = await testBroker();
  const config = await testConfig(db, broker, { network: 'demo', consolePassword: PASSWORD, teamPassword: PASSWORD, intakeApiKeys: [{ name: 'hotline', key: KEY }], orderTickS: 0.5 });
  system = await startSystem(config, quietLogger, { httpLogger: false });
  await eventually(() => system.core.mqttConnected(), 10_000, 'ingest connected');
  client = await mqtt.connectAsync(broker.url, { clientId: `${config.mqttClientId}-e2e-orders` });
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

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${system.url}/console#orders`);
  await page.fill('[data-testid="username"]', username);
  await page.fill('[data-testid="password"]', PASSWORD);
  await page.click('[data-testid="sign-in-submit"]');
  await page.waitForSelector('[data-testid="order-list"]');
}

describe('work orders, wall and console', () => {
  it('counts new orders on the wall; the team works its order and the officer closes it after two callbacks', async () => {
    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(system.url);
    await wall.waitForSelector('[data-testid="service-panel"]');

    const res = await fetch(`${system.url}/api/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'e2e-h1', ts: new Date().toISOString(), channel: 'hotline', customer: billing.id, category: 'billing', type: 'enquiry', text: '这个月电费比上个月高很多' }),
    });
    expect(res.status).toBe(201);
    await client.publishAsync(
      topics(system.config.topicPrefix).contacts(),
      JSON.stringify({ id: 'e2e-w1', ts: new Date().toISOString(), channel: 'wechat', customer: other.id, category: 'unclassified', text: '营业厅工作人员态度很差' }),
      { qos: 1 },
    );
    await eventually(async () => (await wall.getAttribute('[data-testid="service-panel"]', 'data-open')) === '2', 15_000, 'two open orders on the wall');
    expect(await wall.getAttribute('[data-testid="service-panel"]', 'data-attention')).toBe('0');
    // Today's contacts by channel, in the trend chart's legend.
    const channelCount = (ch: string) => wall.getAttribute(`[data-testid="service-channels"] [data-channel="${ch}"]`, 'data-count');
    expect([await channelCount('hotline'), await channelCount('wechat'), await channelCount('app')]).toEqual(['1', '1', '0']);
    expect(await wall.getAttribute('[data-testid="service-trend"]', 'data-hours')).toBe('24');
    await wall.screenshot({ path: path.join(SHOTS, 'wall-e2e-orders.png') });

    // The team leader sees the team's order only, works it, and may not call back.
    const lead = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await signIn(lead, `team-${team}`);
    const row = lead.locator('[data-testid="order-row"][data-order-id="WO-e2e-h1"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await lead.locator('[data-testid="order-row"][data-order-id="WO-e2e-w1"]').count()).toBe(0);
    await row.click();
    await lead.waitForSelector('[data-testid="order-detail"][data-order-id="WO-e2e-h1"]');
    expect(await lead.locator('[data-testid="order-action-callback-1-yes"]').isDisabled()).toBe(true);
    await lead.click('[data-testid="order-action-accept"]');
    await eventually(async () => (await row.getAttribute('data-status')) === 'accepted', 10_000, 'accepted in the list');
    await lead.fill('[data-testid="order-note"]', '已电话联系客户核对电费');
    await lead.click('[data-testid="order-action-resolve"]');
    await eventually(async () => (await row.getAttribute('data-status')) === 'resolved', 10_000, 'resolved in the list');

    // The centre calls back twice; the order closes.
    const officer = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await signIn(officer, 'officer');
    const orow = officer.locator('[data-testid="order-row"][data-order-id="WO-e2e-h1"]');
    await orow.click();
    await officer.waitForSelector('[data-testid="order-detail"][data-order-id="WO-e2e-h1"]');
    await officer.click('[data-testid="order-action-callback-1-yes"]');
    await eventually(async () => !(await officer.locator('[data-testid="order-action-callback-2-5"]').isDisabled()), 10_000, 'satisfaction callback enabled');
    await officer.click('[data-testid="order-action-callback-2-5"]');
    const steps = async () => officer.locator('[data-testid="order-step"]').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    await eventually(async () => (await steps()).length >= 7 && (await officer.locator('[data-testid="order-status"]').first().textContent())?.length, 10_000, 'the timeline');
    await officer.screenshot({ path: path.join(SHOTS, 'console-e2e-order.png') });
    const stored = await system.pool.query<{ status: string; doc: { score: number; steps: { kind: string; by: string }[] } }>(`SELECT status, doc FROM work_orders WHERE id = 'WO-e2e-h1'`);
    expect(stored.rows[0]!.status).toBe('closed');
    expect(stored.rows[0]!.doc.score).toBe(5);
    expect(stored.rows[0]!.doc.steps.map((s) => `${s.kind}:${s.by}`)).toEqual([
      'created:system', 'dispatched:system', `accepted:team-${team}`, `resolved:team-${team}`, 'callback-1:officer', 'callback-2:officer', 'closed:system',
    ]);
    // The other order was classified from its text alone.
    expect((await system.orders.detail('WO-e2e-w1'))?.order.category).toBe('attitude');
  });

  it('puts an order that runs overdue on the ticker, in red while it waits, and counts the missed limit in the trend', async () => {
    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(system.url);
    await wall.waitForSelector('[data-testid="ticker"]');
    // A voltage complaint from 130 minutes ago: its 45 (urban) to 120 (remote) minute limit is past,
    // so it escalates to the company at once and is overdue.
    const customer = network.customers[40]!;
    const res = await fetch(`${system.url}/api/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'e2e-v1', ts: new Date(Date.now() - 130 * 60_000).toISOString(), channel: 'app', customer: customer.id, category: 'voltage', type: 'complaint' }),
    });
    expect(res.status).toBe(201);
    const item = wall.locator('[data-testid="ticker-item"][data-kind="order-overdue"]').first();
    await item.waitFor({ timeout: 15_000 });
    expect(await item.textContent()).toContain('WO-e2e-v1');
    expect(await item.getAttribute('data-tone')).toBe('red');
    // Found past its whole limit: one step straight to the company.
    expect(await wall.locator('[data-testid="ticker-item"][data-kind="order-escalated"]').count()).toBe(1);
    expect(Number(await wall.getAttribute('[data-testid="ticker"]', 'data-live'))).toBe(2);
    await eventually(async () => Number(await wall.getAttribute('[data-testid="service-trend"]', 'data-missed')) >= 1, 10_000, 'the missed limit in the trend');
    // Supervision holds until the order is closed; then the ticker keeps the item, in grey.
    const order = (await system.orders.detail('WO-e2e-v1'))!.order;
    const leader = { username: `team-${order.team}`, displayName: 'lead', role: 'team' as const, team: order.team! };
    const officer = { username: 'officer', displayName: 'officer', role: 'officer' as const };
    await system.orders.act('WO-e2e-v1', { action: 'accept' }, leader);
    await system.orders.act('WO-e2e-v1', { action: 'on-site' }, leader);
    await system.orders.act('WO-e2e-v1', { action: 'resolve' }, leader);
    await system.orders.act('WO-e2e-v1', { action: 'callback-1', solved: true }, officer);
    await system.orders.act('WO-e2e-v1', { action: 'callback-2', score: 4 }, officer);
    await eventually(async () => (await item.getAttribute('data-tone')) === 'dim', 15_000, 'the handled order greyed on the ticker');
    await wall.screenshot({ path: path.join(SHOTS, 'wall-e2e-ticker.png') });
  });
});
