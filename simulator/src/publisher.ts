// The MQTT edge: asks the world for what is due on the simulated clock and publishes it at QoS 1.
// It only schedules; everything it sends was decided by the pure core. Messages wait in a bounded
// queue while the broker is away (mqtt.js reconnects by itself); when full, the oldest are
// dropped, as a concentrator with a full buffer would.
import mqtt from 'mqtt';
import type { Clock } from './clock.ts';
import type { OutMessage, World } from './world.ts';

export interface PublisherOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  world: World;
  clock: Clock;
  /** Stop by itself once the clock passes this simulated instant. */
  endSimMs?: number;
  maxQueue?: number;
  /** Unacknowledged publishes allowed at once. */
  window?: number;
  tickMs?: number;
  progressMs?: number;
  flushTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface PublisherStats {
  /** Acknowledged by the broker. */
  sent: number;
  dropped: number;
  queued: number;
  inflight: number;
  connected: boolean;
}

export interface Publisher {
  stats(): PublisherStats;
  /** Stops the clock, flushes what is queued, disconnects. */
  stop(): Promise<PublisherStats>;
  /** Settles after `endSimMs` was reached or `stop()`, once flushed and disconnected. */
  readonly done: Promise<PublisherStats>;
}

export function startPublisher(o: PublisherOptions): Publisher {
  const { world, clock } = o;
  const endSimMs = o.endSimMs ?? Infinity;
  const maxQueue = o.maxQueue ?? 200_000;
  const window = o.window ?? 500;
  const log = o.log ?? ((line: string) => process.stderr.write(line + '\n'));

  const client = mqtt.connect(o.url, {
    clientId: o.clientId,
    username: o.username,
    password: o.password,
    reconnectPeriod: 2_000,
    connectTimeout: 10_000,
  });

  let queue: OutMessage[] = [];
  let head = 0;
  let inflight = 0;
  let sent = 0;
  let dropped = 0;
  let lastError = '';
  let stopping: Promise<PublisherStats> | null = null;

  const stats = (): PublisherStats => ({
    sent,
    dropped,
    queued: queue.length - head,
    inflight,
    connected: client.connected,
  });

  const pump = () => {
    while (client.connected && inflight < window && head < queue.length) {
      const m = queue[head++]!;
      inflight++;
      client.publish(m.topic, JSON.stringify(m.payload), { qos: 1 }, (err) => {
        inflight--;
        if (err) dropped++;
        else sent++;
        pump();
      });
    }
    if (head > 4_096 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };

  client.on('connect', () => {
    log(`[sim] connected to ${redact(o.url)} as ${o.clientId}`);
    lastError = '';
    pump();
  });
  client.on('error', (err) => {
    // Reconnect attempts repeat the same error; say it once.
    if (err.message !== lastError) log(`[sim] mqtt: ${(lastError = err.message)}`);
  });

  const tick = () => {
    const now = Math.min(clock.now(), endSimMs);
    for (const m of world.advance(now)) {
      queue.push(m);
      if (queue.length - head > maxQueue) {
        head++;
        dropped++;
      }
    }
    pump();
    if (now >= endSimMs) void stop();
  };

  let lastSent = 0;
  let lastAt = Date.now();
  const progress = (final = false) => {
    const now = Date.now();
    const rate = ((sent - lastSent) * 1000) / Math.max(1, now - lastAt);
    [lastSent, lastAt] = [sent, now];
    const s = stats();
    log(
      `[sim] ${new Date(Math.min(clock.now(), endSimMs)).toISOString()} sent ${s.sent} (${rate.toFixed(1)} msg/s) ` +
        `queued ${s.queued + s.inflight} dropped ${s.dropped} outages ${world.off.size}` +
        (final ? ' [stopped]' : s.connected ? '' : ' [disconnected]'),
    );
  };

  const ticker = setInterval(tick, o.tickMs ?? 100);
  const progressTimer = setInterval(() => progress(), o.progressMs ?? 5_000);

  let finished!: (s: PublisherStats) => void;
  const done = new Promise<PublisherStats>((resolve) => (finished = resolve));
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(ticker);
      clearInterval(progressTimer);
      const deadline = Date.now() + (o.flushTimeoutMs ?? 5_000);
      while ((inflight > 0 || head < queue.length) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const flushed = inflight === 0 && head === queue.length;
      await client.endAsync(!flushed);
      progress(true);
      finished(stats());
      return stats();
    })());

  tick();
  return { stats, stop, done };
}

const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');
