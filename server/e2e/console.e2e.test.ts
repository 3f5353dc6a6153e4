// End to end: the complaint early warning from an MQTT power-off to a notice on MQTT. A running
// GridWatch with a low alert threshold, the built wall and console in headless Chromium, and a
// real MQTT client: the station area goes out, the alert appears on the wall, the duty officer
// signs in to the console, acknowledges it and sends the customers a notice; the alert shows
// actioned (console and wall) and the notice arrives on gw/v1/notify/outage/<id>.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CODE, generateNetwork, topics, type NoticeMessage } from '@gridwatch/shared';
import { REPO_ROOT } from '../src/config.ts';
import { FEATURES } from '../src/risk/features.ts';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from '../test/helpers.ts';
import { DICTS } from '../../web/src/i18n.ts';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test-results');
const PASSWORD = 'test-password-1';

let db: TestResource;
let broker: TestResource;
let system: System;
let browser: Browser;
let wall: Page;
let consolePage: Page;
let client: MqttClient;
const notices: { topic: string; message: NoticeMessage }[] = [];

const network = generateNetwork();
const tf = network.transformers[23]!;

beforeAll(async () => {
  if (!existsSync(path.join(REPO_ROOT, 'web/dist/index.html'))) throw new Error('web/dist is not built: run `pnpm build:web` (pnpm test:e2e does)');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  db = await testDatabase();
  broker = await testBroker();
  // Every open outage alerts (threshold 1%), scored every second; the console users get a known password.
  const config = await testConfig(db, broker, { network: 'demo', riskAlertThreshold: 0.01, riskEvalS: 1, consolePassword: PASSWORD });
  system = await startSystem(config, quietLogger, { httpLogger: false });
  await eventually(() => system.core.mqttConnected(), 10_000, 'ingest connected');
  client = await mqtt.connectAsync(broker.url, { clientId: `${config.mqttClientId}-e2e-console` });
  client.on('message', (topic, payload) => notices.push({ topic, message: JSON.parse(payload.toString()) as NoticeMessage }));
  await client.subscribeAsync(`${config.topicPrefix}/notify/outage/+`, { qos: 1 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  consolePage = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await client?.endAsync();
  await system?.close();
  await broker?.close();
  await db?.close();
});

describe('complaint early warning, wall and console', () => {
  it('has the words of every risk feature in both languages, as the server names them', () => {
    for (const f of FEATURES) {
      expect(DICTS.en.risk.features[f.name], f.name).toBe(f.en);
      expect(DICTS['zh-CN'].risk.features[f.name], f.name).toBe(f.zh);
    }
    expect(Object.keys(DICTS.en.risk.features)).toHaveLength(FEATURES.length);
  });

  it('raises an alert on the wall; the officer acknowledges it and notifies the customers from the console', async () => {
    const prefix = topics(system.config.topicPrefix);
    await wall.goto(system.url);
    await wall.waitForSelector('[data-testid="alert-panel"]');

    // The station area went dark 10 minutes ago: an outage, scored within a second or two.
    const lossAt = Date.now() - 10 * 60_000;
    await client.publishAsync(prefix.meterEvents(tf.id), JSON.stringify({ device: tf.concentrator, ts: new Date(lossAt).toISOString(), code: EVENT_CODE.powerOff }), { qos: 1 });

    const row = `[data-testid="alert-row"][data-outage-device="${tf.id}"]`;
    await wall.waitForSelector(row, { timeout: 20_000 });
    const outageId = (await wall.getAttribute(row, 'data-outage-id'))!;
    expect(outageId).toBeTruthy();
    expect(await wall.getAttribute(row, 'data-status')).toBe('open');
    expect(await wall.locator(`${row} [data-testid="alert-escalation"]`).getAttribute('data-level')).toBe('officer');
    expect(await wall.locator(`${row} [data-testid="alert-probability"]`).textContent()).toMatch(/\d+%|>99%|<1%/);
    // The outage is marked by its risk in the list and on the map.
    await eventually(async () => (await wall.locator(`[data-testid="outage-row"][data-outage-device="${tf.id}"] [data-testid="risk-badge"]`).count()) === 1, 10_000, 'risk badge in the outage list');
    await eventually(async () => (await wall.getAttribute('[data-testid="map"]', 'data-alert-outages'))?.split(',').includes(outageId), 10_000, 'the map marking the alerted outage');
    // The ticker pages it, coloured while nobody has acknowledged it.
    const raised = wall.locator('[data-testid="ticker-item"][data-kind="alert-raised"]').first();
    await raised.waitFor({ timeout: 10_000 });
    expect(await raised.textContent()).toContain(tf.id);
    expect(['amber', 'red']).toContain(await raised.getAttribute('data-tone'));
    await wall.screenshot({ path: path.join(SHOTS, 'wall-e2e-alert.png') });

    // The console: sign in as the duty officer.
    await consolePage.goto(`${system.url}/console`);
    await consolePage.fill('[data-testid="username"]', 'officer');
    await consolePage.fill('[data-testid="password"]', PASSWORD);
    await consolePage.click('[data-testid="sign-in-submit"]');
    await consolePage.waitForSelector('[data-testid="console-user"][data-role="officer"]');
    const card = consolePage.locator(`[data-testid="console-alert"][data-outage-id="${outageId}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getAttribute('data-status')).toBe('open');

    // Raising crew priority is the shift lead's: the officer is told so, nothing changes.
    await card.locator('[data-testid="action-crew-priority"]').click();
    await card.locator('[data-testid="console-error"]').waitFor({ timeout: 10_000 });
    expect(await card.locator('[data-testid="console-error"]').textContent()).toContain(DICTS['zh-CN'].console.errors.crewPriority);
    expect(await card.getAttribute('data-status')).toBe('open');

    await card.locator('[data-testid="alert-note"]').fill('已联系抢修班组');
    await card.locator('[data-testid="action-acknowledge"]').click();
    await eventually(async () => (await card.getAttribute('data-status')) === 'acknowledged', 10_000, 'alert acknowledged in the console');

    await card.locator('[data-testid="action-notify"]').click();
    await eventually(async () => (await card.getAttribute('data-status')) === 'actioned', 10_000, 'alert actioned in the console');
    expect(await card.locator('[data-testid="console-alert-status"]').textContent()).toBe(DICTS['zh-CN'].alerts.status.actioned);
    await card.locator('[data-testid="console-done"]').waitFor();

    // The steps say who did what.
    await card.locator('[data-testid="alert-expand"]').click();
    const steps = await card.locator('[data-testid="alert-step"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-status')}:${e.textContent}`));
    expect(steps.some((s) => s.startsWith('acknowledged:') && s.includes('officer') && s.includes('已联系抢修班组'))).toBe(true);
    expect(await card.locator('[data-testid="alert-action"][data-kind="notify"]').count()).toBe(1);
    await consolePage.screenshot({ path: path.join(SHOTS, 'console-e2e-actioned.png') });

    // The notice went out on MQTT to the outage's customers.
    const topic = prefix.notice(outageId);
    const notice = await eventually(() => notices.find((n) => n.topic === topic), 10_000, `a notice on ${topic}`);
    expect(notice.message.outage).toBe(outageId);
    expect(notice.message.customers.length).toBe(network.customers.filter((c) => c.transformer === tf.id).length);

    // The wall follows live.
    await eventually(async () => (await wall.getAttribute(row, 'data-status')) === 'actioned', 10_000, 'alert actioned on the wall');
    await eventually(async () => (await raised.getAttribute('data-tone')) === 'dim', 10_000, 'the acknowledged alert greyed on the ticker');
  });

  it("shows the manager the audit log: the officer's steps and the refused crew priority, and hides it from the officer", async () => {
    // The officer of the test above has no audit tab.
    expect(await consolePage.locator('[data-testid="tab-audit"]').count()).toBe(0);
    await consolePage.click('[data-testid="sign-out"]');
    await consolePage.fill('[data-testid="username"]', 'manager');
    await consolePage.fill('[data-testid="password"]', PASSWORD);
    await consolePage.click('[data-testid="sign-in-submit"]');
    await consolePage.waitForSelector('[data-testid="console-user"][data-role="manager"]');
    await consolePage.click('[data-testid="tab-audit"]');
    await consolePage.locator('[data-testid="audit-row"]').first().waitFor({ timeout: 10_000 });
    const rows = await consolePage.locator('[data-testid="audit-row"][data-actor="officer"]').evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-outcome')}:${[...e.querySelectorAll('td')].map((td) => td.textContent).join('|')}`),
    );
    expect(rows.some((r) => r.startsWith('ok:') && /POST \/api\/alerts\/[^/]+\/acknowledge/.test(r) && r.includes('已联系抢修班组'))).toBe(true);
    expect(rows.some((r) => r.startsWith('refused:') && r.includes('crew-priority') && r.includes('403'))).toBe(true);
    // Filtered by who: only the manager's own sign-in.
    await consolePage.fill('[data-testid="audit-actor"]', 'manager');
    await consolePage.click('[data-testid="audit-refresh"]');
    await eventually(async () => {
      const actors = await consolePage.locator('[data-testid="audit-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-actor')));
      return actors.length > 0 && actors.every((x) => x === 'manager');
    }, 10_000, 'the audit log filtered to the manager');
    await consolePage.screenshot({ path: path.join(SHOTS, 'console-e2e-audit.png') });
  });
});
