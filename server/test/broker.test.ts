// The embedded broker drops publishes that aedes would mishandle (an empty topic level closes
// the subscriber's connection) or that Mosquitto would refuse (over 1 MiB), and counts them.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PACKET_BYTES, startEmbeddedBroker, type EmbeddedBroker } from '../src/embedded/broker.ts';
import { eventually } from './helpers.ts';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker('127.0.0.1', 0);
});
afterAll(async () => broker?.close());

describe('embedded broker', () => {
  it('drops empty-level topics and oversized packets, and keeps the subscriber connected', async () => {
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'guard-sub', clean: false, reconnectPeriod: 0 });
    let closed = 0;
    sub.on('close', () => closed++);
    const got: string[] = [];
    sub.on('message', (topic) => got.push(topic));
    await sub.subscribeAsync('gw/#', { qos: 1 });
    const pub = await mqtt.connectAsync(broker.url, { clientId: 'guard-pub', reconnectPeriod: 0 });
    await pub.publishAsync('gw/v1/ami//readings', '{}', { qos: 1 });
    await pub.publishAsync('gw/v1/ami/T1/readings/', '{}', { qos: 1 });
    await pub.publishAsync('gw/v1/ami/T1/readings', Buffer.alloc(MAX_PACKET_BYTES + 1), { qos: 1 });
    await pub.publishAsync('gw/v1/ami/T1/readings', '{"ok":true}', { qos: 1 });
    await eventually(() => got.length === 1, 5_000, 'the valid message');
    expect(got).toEqual(['gw/v1/ami/T1/readings']);
    expect(broker.stats().malformedPublishes).toBe(3);
    expect(closed).toBe(0);
    await pub.endAsync();
    await sub.endAsync();
  });
});
