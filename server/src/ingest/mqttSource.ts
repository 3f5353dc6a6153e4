// The MQTT edge of ingest: one persistent session (clean: false, fixed client id) subscribed at
// QoS 1. A message is acknowledged (PUBACK) only once the rows it produced are committed, so a
// crash, a kill or a database outage never loses an acknowledged message: the broker keeps and
// redelivers whatever we have not stored, and idempotent writes make redelivery harmless. The
// broker's in-flight window (receive maximum) bounds what we hold unacknowledged; when our write
// buffers are full we also stop reading the socket until they drain.
import mqtt, { type MqttClient, type Packet } from 'mqtt';

export interface MqttSourceOptions {
  url: string;
  clientId: string;
  username: string | null;
  password: string | null;
  subscriptions: string[];
  /** Handles one message; calls `ack` once what it produced is committed (at once if nothing). */
  onMessage: (topic: string, payload: Buffer, ack: () => void) => void;
  /** null when ingest can take a message now; otherwise resolves once it can. */
  whenReady: () => Promise<void> | null;
  log: { info: (msg: string) => void; warn: (msg: string) => void };
}

export interface MqttSource {
  readonly client: MqttClient;
  connected(): boolean;
  /** Messages received and not yet acknowledged to the broker. */
  unacked(): number;
  /** Stops taking messages, lets `drain` commit what was taken (their acknowledgements go out), then disconnects. */
  close(drain?: () => Promise<void>): Promise<void>;
}

/** Marks the PUBACKs we send ourselves, after commit. */
const OURS = Symbol('gridwatch.puback');
type Send = (packet: Packet & { [OURS]?: true }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

export function startMqttSource(o: MqttSourceOptions): MqttSource {
  const client = mqtt.connect(o.url, {
    clientId: o.clientId,
    clean: false,
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
    ...(o.username ? { username: o.username, password: o.password ?? undefined } : {}),
  });
  // mqtt.js sends the PUBACK as soon as handleMessage calls back, and reads no further packet
  // until then. We call back at once, so it reads on, and swallow that PUBACK; our own goes out
  // after commit. (mqtt.js 5 has no manual-acknowledge option; this is its one internal we touch,
  // covered by the integration tests against Mosquitto.)
  const internals = client as unknown as { _sendPacket: Send };
  const send = internals._sendPacket.bind(client) as Send;
  internals._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === 'puback' && !packet[OURS]) {
      cb?.();
      return;
    }
    send(packet, cb, ...rest);
  };
  // A PUBACK belongs to one connection: after a reconnect the broker redelivers what we had not
  // acknowledged, and that delivery is acknowledged in its own right.
  let connection = 0;
  let unacked = 0;
  client.on('close', () => {
    connection++;
    unacked = 0;
  });
  let stopping = false;
  client.handleMessage = (packet, callback) => {
    // Closing: leave it unacknowledged and read no further; the broker redelivers it next time.
    if (stopping) return;
    const arrived = connection;
    const take = () => {
      if (stopping) return;
      // Its connection went while it waited: the broker redelivers it on the new one.
      if (arrived !== connection) return callback();
      const id = packet.messageId;
      if (packet.qos === 1 && id !== undefined) {
        unacked++;
        o.onMessage(packet.topic, packet.payload as Buffer, () => {
          if (arrived !== connection || !client.connected) return;
          unacked--;
          send({ cmd: 'puback', messageId: id, [OURS]: true });
        });
      } else o.onMessage(packet.topic, packet.payload as Buffer, () => {});
      callback();
    };
    // Ingest cannot take it yet (not open, or its buffers are full): nothing more is read from
    // the socket until it can, so the broker holds the backlog.
    const wait = o.whenReady();
    if (wait) void wait.then(take);
    else take();
  };
  client.on('connect', (connack) => {
    o.log.info(`mqtt connected to ${o.url}${connack.sessionPresent ? ' (session resumed)' : ''}`);
    // Always (re)subscribe: idempotent, and required when the broker lost our session.
    client.subscribe(o.subscriptions, { qos: 1 }, (err) => {
      if (err) o.log.warn(`mqtt subscribe failed: ${err.message}`);
    });
  });
  client.on('offline', () => o.log.warn(`mqtt offline, reconnecting to ${o.url}`));
  client.on('error', (err) => o.log.warn(`mqtt error: ${err.message}`));
  return {
    client,
    connected: () => client.connected,
    unacked: () => unacked,
    async close(drain) {
      stopping = true;
      if (drain) await drain().catch(() => {});
      // Not connected (still connecting, or reconnecting): mqtt.js would queue its DISCONNECT for
      // a connection still to come and leave that socket open; there is nothing to say, so close.
      await client.endAsync(!client.connected);
    },
  };
}
