// The MQTT edge: asks the world for what is due on the simulated clock and publishes it at QoS 1.
// It only schedules; everything it sends was decided by the pure core (or, with `--rate`, by the
// load filler). It subscribes to GridWatch's outgoing notices and hands them to the core, so a
// notice changes what the notified customers do. Messages wait in a bounded queue while the
// broker is away (mqtt.js reconnects by itself); when full, the oldest are dropped, as a
// concentrator with a full buffer would.
import mqtt from 'mqtt';
import { NoticeMessage, validator } from '@gridwatch/shared';
import type { Clock } from './clock.ts';
import type { LoadSource } from './loadgen.ts';
import type { TruthRecord } from './truth.ts';
import type { OutMessage, Step } from './world.ts';

/** What the edge needs from a simulation (a replay has no notices and no truth). */
export interface Source {
  advance(untilSimMs: number): Step;
  notify?(notice: NoticeMessage, atSimMs: number): void;
  readonly off?: ReadonlySet<string>;
  readonly contacts?: number;
}

export interface PublisherOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  world: Source;
  clock: Clock;
  /** Stop by itself once the clock passes this simulated instant. */
  endSimMs?: number;
  /** Subscribe to `<prefix>/notify/#` and pass notices to the world. */
  noticePrefix?: string;
  /** Called with every message as it is queued for publishing (for `--record`). */
  onMessages?: (messages: readonly OutMessage[]) => void;
  onTruth?: (records: readonly TruthRecord[]) => void;
  /** Load-test mode: top up with filler reading batches to this many messages per second. */
  rate?: { target: number; source: LoadSource };
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
  notices: number;
  /** Average acknowledged messages per second since the start. */
  rate: number;
}

export interface Publisher {
  stats(): PublisherStats;
  /** Stops the clock, flushes what is queued, disconnects. */
  stop(): Promise<PublisherStats>;
  /** Settles after `endSimMs` was reached or `stop()`, once flushed and disconnected. */
  readonly done: Promise<PublisherStats>;
}

const noticeCheck = validator(NoticeMessage);

export function startPublisher(o: PublisherOptions): Publisher {
  const { world, clock } = o;
  const endSimMs = o.endSimMs ?? Infinity;
  const maxQueue = o.maxQueue ?? 200_000;
  const window = o.window ?? 500;
  const log = o.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const startedAt = Date.now();

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
  let notices = 0;
  let filled = 0;
  let lastError = '';
  const badNotices = new Set<string>();
  let stopping: Promise<PublisherStats> | null = null;

  const stats = (): PublisherStats => ({
    sent,
    dropped,
    queued: queue.length - head,
    inflight,
    connected: client.connected,
    notices,
    rate: (sent * 1000) / Math.max(1, Date.now() - startedAt),
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

  const enqueue = (messages: readonly OutMessage[]) => {
    if (messages.length === 0) return;
    o.onMessages?.(messages);
    for (const m of messages) {
      queue.push(m);
      if (queue.length - head > maxQueue) {
        head++;
        dropped++;
      }
    }
  };

  const noticeTopic = o.noticePrefix === undefined ? null : `${o.noticePrefix}/notify/#`;
  client.on('connect', () => {
    log(`[sim] connected to ${redact(o.url)} as ${o.clientId}`);
    lastError = '';
    if (noticeTopic && world.notify) client.subscribe(noticeTopic, { qos: 1 });
    pump();
  });
  client.on('error', (err) => {
    // Reconnect attempts repeat the same error; say it once.
    if (err.message !== lastError) log(`[sim] mqtt: ${(lastError = err.message)}`);
  });
  client.on('message', (topic, payload) => {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      body = undefined;
    }
    const v = noticeCheck.check(body);
    if (!v.ok) {
      // GridWatch's notices are its business; say once per kind of problem, never crash.
      if (!badNotices.has(v.reason) && badNotices.size < 20) {
        badNotices.add(v.reason);
        log(`[sim] ignoring notice on ${topic}: ${v.reason}`);
      }
      return;
    }
    notices++;
    world.notify?.(v.value, Math.min(clock.now(), endSimMs));
  });

  const tick = () => {
    const now = Math.min(clock.now(), endSimMs);
    const step = world.advance(now);
    if (step.truth.length) o.onTruth?.(step.truth);
    enqueue(step.messages);
    if (o.rate) {
      // Top up to the target, but never pile up more than a second of backlog: past that the
      // broker (or this process) is the limit, and the achieved rate says so.
      const due = Math.floor((o.rate.target * (Date.now() - startedAt)) / 1000) - filled;
      const room = Math.max(0, o.rate.target - (queue.length - head + inflight));
      const n = Math.min(due, room);
      if (n > 0) {
        const batch: OutMessage[] = [];
        for (let i = 0; i < n; i++) batch.push(o.rate.source.next(now));
        enqueue(batch);
      }
      if (due > 0) filled += due;
    }
    pump();
    if (now >= endSimMs) void stop();
  };

  let lastSent = 0;
  let lastAt = Date.now();
  const progress = (final = false) => {
    const at = Date.now();
    const rate = ((sent - lastSent) * 1000) / Math.max(1, at - lastAt);
    [lastSent, lastAt] = [sent, at];
    const s = stats();
    log(
      `[sim] ${new Date(Math.min(clock.now(), endSimMs)).toISOString()} sent ${s.sent} (${rate.toFixed(1)} msg/s) ` +
        `queued ${s.queued + s.inflight} dropped ${s.dropped}` +
        (world.off ? ` dark ${world.off.size}` : '') +
        (world.contacts !== undefined ? ` contacts ${world.contacts}` : '') +
        (s.notices ? ` notices ${s.notices}` : '') +
        (final ? ` [stopped] average ${s.rate.toFixed(1)} msg/s${o.rate ? ` (target ${o.rate.target})` : ''}` : s.connected ? '' : ' [disconnected]'),
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
