// End to end: the built wall in headless Chromium, a running GridWatch, and a real MQTT client
// publishing a station area's power-off. The map and the KPI tile must change by themselves.
import { existsSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CODE, generateNetwork, topics } from '@gridwatch/shared';
import { REPO_ROOT } from '../src/config.ts';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from '../test/helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test-results');

let db: TestResource;
let broker: TestResource;
let system: System;
let browser: Browser;
let page: Page;
let publisher: MqttClient;
let config: Awaited<ReturnType<typeof testConfig>>;

const network = generateNetwork();
const tf = network.transformers[17]!;
const tf2 = network.transformers[30]!;
const tf3 = network.transformers[45]!;
const tf4 = network.transformers[60]!;

/**
 * A TCP proxy in front of the server, to cut the wall's network for real: `cut()` resets every
 * connection and stops answering (the browser sees a broken network, not a server saying
 * goodbye); `restore()` listens again on the same port.
 */
async function networkBetween(target: () => string): Promise<{ url: string; cut: () => Promise<void>; restore: () => Promise<void>; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const t = new URL(target());
        const upstream = connect(Number(t.port), t.hostname);
        for (const x of [client, upstream]) {
          sockets.add(x);
          x.on('close', () => sockets.delete(x));
          x.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  await listen();
  const cut = async () => {
    const s = server;
    server = null;
    for (const x of sockets) x.resetAndDestroy();
    sockets.clear();
    await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
  };
  return { url: `http://127.0.0.1:${port}`, cut, restore: listen, close: cut };
}

beforeAll(async () => {
  if (!existsSync(path.join(REPO_ROOT, 'web/dist/index.html'))) throw new Error('web/dist is not built: run `pnpm build:web` (pnpm test:e2e does)');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  db = await testDatabase();
  broker = await testBroker();
  config = await testConfig(db, broker, { network: 'demo' });
  system = await startSystem(config, quietLogger, { httpLogger: false });
  await eventually(() => system.core.mqttConnected(), 10_000, 'ingest connected');
  publisher = await mqtt.connectAsync(broker.url, { clientId: `${config.mqttClientId}-e2e` });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await publisher?.endAsync();
  await system?.close();
  await broker?.close();
  await db?.close();
});

const outAttr = () => page.getAttribute('[data-testid="map"]', 'data-out-transformers');
const kpi = (name: string) => page.textContent(`[data-testid="kpi-${name}"]`);

describe('the wall', () => {
  it('shows a station area going out and coming back, live', async () => {
    const prefix = topics(system.config.topicPrefix);
    await page.goto(system.url);
    await page.waitForSelector('[data-testid="map"]');
    await eventually(async () => (await kpi('active-outages'))?.trim() === '0', 15_000, 'KPI tile showing 0 active outages');
    expect(await outAttr()).toBe('');

    const lossAt = Date.now() - 10 * 60_000;
    await publisher.publishAsync(prefix.meterEvents(tf.id), JSON.stringify({ device: tf.concentrator, ts: new Date(lossAt).toISOString(), code: EVENT_CODE.powerOff }), { qos: 1 });

    await eventually(async () => (await outAttr())?.split(',').includes(tf.id), 10_000, `map showing ${tf.id} out`);
    await eventually(async () => (await kpi('active-outages'))?.trim() === '1', 10_000, 'KPI tile showing 1 active outage');
    const customers = network.customers.filter((c) => c.transformer === tf.id).length;
    await eventually(async () => (await kpi('customers-out'))?.replace(/[^\d]/g, '') === String(customers), 10_000, 'customers-out tile');
    expect(await page.locator(`[data-testid="outage-row"][data-outage-device="${tf.id}"]`).count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'wall-e2e-outage.png') });

    await publisher.publishAsync(prefix.meterEvents(tf.id), JSON.stringify({ device: tf.concentrator, ts: new Date().toISOString(), code: EVENT_CODE.powerRestored }), { qos: 1 });
    await eventually(async () => !(await outAttr())?.split(',').includes(tf.id), 10_000, `map showing ${tf.id} restored`);
    await eventually(async () => (await kpi('active-outages'))?.trim() === '0', 10_000, 'KPI tile back to 0');
  });

  it('comes back by itself after the server restarts: indicator, resync from the snapshot, live again', async () => {
    const prefix = topics(system.config.topicPrefix);
    const conn = () => page.getAttribute('[data-testid="connection"]', 'data-state');
    await eventually(async () => (await conn()) === 'connected', 10_000, 'connected');
    // An outage before the restart: it is in the database and must come back with the snapshot.
    await publisher.publishAsync(prefix.meterEvents(tf2.id), JSON.stringify({ device: tf2.concentrator, ts: new Date(Date.now() - 5 * 60_000).toISOString(), code: EVENT_CODE.powerOff }), { qos: 1 });
    await eventually(async () => (await outAttr())?.split(',').includes(tf2.id), 10_000, `map showing ${tf2.id} out`);

    const port = Number(new URL(system.url).port);
    await system.close();
    await eventually(async () => (await conn()) !== 'connected', 15_000, 'the indicator showing the lost connection');
    await page.screenshot({ path: path.join(SHOTS, 'wall-e2e-disconnected.png') });
    // The data stays on screen while the server is away.
    expect((await outAttr())?.split(',')).toContain(tf2.id);

    system = await startSystem({ ...config, port }, quietLogger, { httpLogger: false });
    await eventually(() => system.core.mqttConnected(), 10_000, 'ingest connected again');
    await eventually(async () => (await conn()) === 'connected', 30_000, 'the wall reconnected');
    await eventually(async () => (await kpi('active-outages'))?.trim() === '1', 10_000, 'the outage from before the restart, from the snapshot');
    expect((await outAttr())?.split(',')).toContain(tf2.id);

    // Live again: a new outage arrives as a delta.
    await publisher.publishAsync(prefix.meterEvents(tf3.id), JSON.stringify({ device: tf3.concentrator, ts: new Date(Date.now() - 60_000).toISOString(), code: EVENT_CODE.powerOff }), { qos: 1 });
    await eventually(async () => (await outAttr())?.split(',').includes(tf3.id), 10_000, `map showing ${tf3.id} out after the restart`);
    await eventually(async () => (await kpi('active-outages'))?.trim() === '2', 10_000, 'two active outages');
  });

  it('comes back by itself after its network is cut and restored', async () => {
    const prefix = topics(system.config.topicPrefix);
    const net = await networkBetween(() => system.url);
    try {
      const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      const conn = () => wall.getAttribute('[data-testid="connection"]', 'data-state');
      await wall.goto(net.url);
      await eventually(async () => (await conn()) === 'connected', 15_000, 'connected through the proxy');
      await eventually(async () => (await wall.textContent('[data-testid="kpi-active-outages"]'))?.trim() === '2', 10_000, 'the two outages');

      await net.cut();
      await eventually(async () => (await conn()) !== 'connected', 30_000, 'the indicator showing the cut');
      // Meanwhile the grid goes on: an outage the wall cannot hear about yet.
      await publisher.publishAsync(prefix.meterEvents(tf4.id), JSON.stringify({ device: tf4.concentrator, ts: new Date(Date.now() - 60_000).toISOString(), code: EVENT_CODE.powerOff }), { qos: 1 });
      await eventually(() => system.core.kpis().activeOutages === 3, 10_000, 'the server has the new outage');
      await wall.screenshot({ path: path.join(SHOTS, 'wall-e2e-network-cut.png') });

      await net.restore();
      await eventually(async () => (await conn()) === 'connected', 30_000, 'reconnected after the cut');
      await eventually(async () => (await wall.getAttribute('[data-testid="map"]', 'data-out-transformers'))?.split(',').includes(tf4.id), 10_000, 'the outage missed during the cut, from the snapshot');
      expect((await wall.textContent('[data-testid="kpi-active-outages"]'))?.trim()).toBe('3');
      await wall.close();
    } finally {
      await net.close();
    }
  });
});
