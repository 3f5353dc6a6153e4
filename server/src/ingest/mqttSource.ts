// The MQTT edge of ingest: one persistent session (clean: false, fixed client id) subscribed at
// QoS 1. A message is acknowledged only once ingest has room for it, so when the database falls
// behind the broker keeps the backlog instead of our memory.
import mqtt, { type MqttClient } from 'mqtt';

export interface MqttSourceOptions {
  url: string;
  clientId: string;
  username: string | null;
  password: string | null;
  subscriptions: string[];
  onMessage: (topic: string, payload: Buffer) => void;
  /** Resolves when ingest can take another message. */
  whenReady: () => Promise<void> | null;
  log: { info: (msg: string) => void; warn: (msg: string) => void };
}

export interface MqttSource {
  readonly client: MqttClient;
  connected(): boolean;
  close(): Promise<void>;
}

export function startMqttSource(o: MqttSourceOptions): MqttSource {
  const client = mqtt.connect(o.url, {
    clientId: o.clientId,
    clean: false,
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
    ...(o.username ? { username: o.username, password: o.password ?? undefined } : {}),
  });
  // mqtt.js sends PUBACK after handleMessage calls back and reads no further packet until then.
  client.handleMessage = (packet, callback) => {
    o.onMessage(packet.topic, packet.payload as Buffer);
    const wait = o.whenReady();
    if (wait) void wait.then(() => callback());
    else callback();
  };
  client.on('connect', (connack) => {
    o.log.info(`mqtt connected to ${o.url}${connack.sessionPresent ? ' (session resumed)' : ''}`);
    // Always (re)subscribe: idempotent, and required when the broker lost our session.
    client.subscribe(o.subscriptions.map((t) => t), { qos: 1 }, (err) => {
      if (err) o.log.warn(`mqtt subscribe failed: ${err.message}`);
    });
  });
  client.on('offline', () => o.log.warn(`mqtt offline, reconnecting to ${o.url}`));
  client.on('error', (err) => o.log.warn(`mqtt error: ${err.message}`));
  return {
    client,
    connected: () => client.connected,
    close: () => client.endAsync().then(() => undefined),
  };
}
