import net, { type Socket } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { generateNetwork, type NoticeMessage } from '@gridwatch/shared';
import { createClock } from '../src/clock.ts';
import { createLoadSource } from '../src/loadgen.ts';
import { startPublisher } from '../src/publisher.ts';
import { createSimulation, type SimulationOptions } from '../src/simulation.ts';
import type { Step } from '../src/world.ts';

const network = generateNetwork();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startBroker() {
  const broker = await Aedes.createBroker();
  const sockets: Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const received: string[] = [];
  broker.subscribe('gw/v1/#', (packet, done) => {
    if (!packet.topic.startsWith('gw/v1/notify/')) received.push(`${packet.topic} ${packet.payload.toString()}`);
    done();
  }, () => {});
  cleanups.push(
    () => new Promise<void>((resolve) => server.close(() => resolve())),
    () => new Promise<void>((resolve) => broker.close(() => resolve())),
  );
  const { port } = server.address() as net.AddressInfo;
  return { url: `mqtt://127.0.0.1:${port}`, received, sockets };
}

const until = async (condition: () => boolean, timeoutMs: number) => {
  for (const end = Date.now() + timeoutMs; !condition() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
};

describe('MQTT edge', () => {
  it('publishes exactly what the pure core produced, across a broker disconnect', async () => {
    const { url, received, sockets } = await startBroker();
    const startSimMs = Date.now();
    const endSimMs = startSimMs + 60_000;
    const options: SimulationOptions = {
      network,
      scenario: 'station-area-outage',
      outageS: 40,
      seed: 4,
      startSimMs,
      field: { readingIntervalS: 5, meterDelayMeanS: 2 },
    };
    const expected = createSimulation(options)
      .advance(endSimMs)
      .messages.map((m) => `${m.topic} ${JSON.stringify(m.payload)}`);

    const log: string[] = [];
    const recorded: string[] = [];
    const truth: string[] = [];
    const publisher = startPublisher({
      url,
      clientId: 'gridwatch-sim-test',
      world: createSimulation(options),
      clock: createClock({ startSimMs, speed: 30 }),
      endSimMs,
      onMessages: (ms) => recorded.push(...ms.map((m) => `${m.topic} ${JSON.stringify(m.payload)}`)),
      onTruth: (rs) => truth.push(...rs.map((r) => r.type)),
      log: (line) => log.push(line),
    });
    cleanups.push(() => void publisher.stop());

    await until(() => received.length > 200, 5_000);
    for (const s of sockets) s.destroy(); // the broker drops the simulator mid-run
    const stats = await publisher.done;
    await until(() => received.length >= expected.length, 5_000);

    expect(log.filter((l) => l.includes('connected to')).length).toBeGreaterThanOrEqual(2);
    expect(log.at(-1)).toMatch(/sent \d+ .*\[stopped\] average/);
    expect(stats.dropped).toBe(0);
    expect(stats.queued).toBe(0);
    expect(expected.length).toBeGreaterThan(800);
    // QoS 1 may redeliver what was in flight during the drop, but nothing may be missing.
    expect(new Set(received)).toEqual(new Set(expected));
    expect(received.length).toBeGreaterThanOrEqual(expected.length);
    expect(stats.sent).toBeGreaterThanOrEqual(expected.length);
    expect(recorded).toEqual(expected);
    expect(truth).toContain('outage');
    expect(truth).toContain('restoration');
  }, 20_000);

  it('hands GridWatch notices to the core and ignores malformed ones', async () => {
    const { url } = await startBroker();
    const notices: NoticeMessage[] = [];
    const world = { advance: (): Step => ({ messages: [], truth: [] }), notify: (n: NoticeMessage) => void notices.push(n) };
    const log: string[] = [];
    const publisher = startPublisher({ url, clientId: 'sim-notices', world, clock: createClock(), noticePrefix: 'gw/v1', log: (l) => log.push(l) });
    cleanups.push(() => void publisher.stop());
    await until(() => publisher.stats().connected, 5_000);
    await new Promise((r) => setTimeout(r, 200)); // the subscription settles

    const gridwatch = mqtt.connect(url, { clientId: 'gridwatch-server' });
    cleanups.push(() => void gridwatch.end(true));
    await until(() => gridwatch.connected, 5_000);
    const notice: NoticeMessage = { id: 'N1', ts: new Date().toISOString(), outage: 'O1', customers: ['CU0000001'], etr: new Date(Date.now() + 3_600_000).toISOString() };
    await gridwatch.publishAsync('gw/v1/notify/outage/O1', JSON.stringify(notice), { qos: 1 });
    await gridwatch.publishAsync('gw/v1/notify/outage/O2', '{"id": 5}', { qos: 1 });
    await until(() => notices.length > 0 && log.some((l) => l.includes('ignoring notice')), 5_000);
    expect(notices).toEqual([notice]);
    expect(publisher.stats().notices).toBe(1);
  }, 15_000);

  it('sustains a target message rate in load-test mode, with current timestamps', async () => {
    const { url, received } = await startBroker();
    const startSimMs = Date.now();
    const publisher = startPublisher({
      url,
      clientId: 'sim-rate',
      world: { advance: (): Step => ({ messages: [], truth: [] }) },
      clock: createClock({ startSimMs }),
      endSimMs: startSimMs + 1_200,
      rate: { target: 1_000, source: createLoadSource(network, 1) },
      log: () => {},
    });
    const stats = await publisher.done;
    expect(stats.sent).toBeGreaterThan(800);
    expect(stats.rate).toBeGreaterThan(600);
    const stamps = received.map((r) => Date.parse(JSON.parse(r.slice(r.indexOf(' ') + 1)).ts));
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(startSimMs - 1_000);
    expect(Math.max(...stamps)).toBeLessThanOrEqual(Date.now());
  }, 15_000);
});
