// The `run` and `replay` commands: build a simulation (or read a recording) from command-line
// values and publish it over MQTT on the simulated clock, optionally recording the traffic and
// writing the ground truth. cli.ts parses the command line and dispatches here.
import { DEFAULT_TOPIC_PREFIX, NetworkFile } from '@gridwatch/shared';
import { loadNetworkFile, NetworkFileError } from '@gridwatch/shared/node';
import { num, parseDuration, positive, share, UsageError, userCwd, userPath } from './args.ts';
import { BehaviourError, loadBehaviourFile } from './behaviour.ts';
import { createClock } from './clock.ts';
import { createLoadSource } from './loadgen.ts';
import { startPublisher, type Publisher, type PublisherOptions } from './publisher.ts';
import { createReplay, ndjsonWriter, readRecording, RECORD_FORMAT, toRecorded, TRUTH_FORMAT, type NdjsonWriter, type RunHeader } from './record.ts';
import { SCENARIOS } from './scenarios.ts';
import { createSimulation } from './simulation.ts';
import { DEFAULT_FIELD, QUIET_FIELD, type FieldParams } from './world.ts';

/** parseArgs options of `run` and `replay` beyond those cli.ts already has. */
export const RUN_OPTIONS = {
  device: { type: 'string' },
  customer: { type: 'string' },
  faults: { type: 'string' },
  lead: { type: 'string' },
  span: { type: 'string' },
  behaviour: { type: 'string' },
  truth: { type: 'string' },
  record: { type: 'string' },
  rate: { type: 'string' },
  'late-rate': { type: 'string' },
  'no-noise': { type: 'boolean' },
  'ignore-notices': { type: 'boolean' },
  'as-recorded': { type: 'boolean' },
} as const;

export const RUN_HELP = `  --network <name|file>     demo (generated), a shipped network (greensboro) or a network JSON(.gz) file (default demo)
  --device <id>             section/switch for feeder-lockout, reclose-success, planned, chronic-line
  --customer <id>           customer for customer-side
  --faults <n>              storm size (default 1.5 per feeder); daily: unplanned outages a day (default 24)
  --lead <d>                planned: announcement ahead of the start (default 1h)
  --span <d>                chronic-line: period of its 18 outages (default 730d)
  --behaviour <file>        customer behaviour overrides (JSON, validated; see simulator/src/behaviour.ts)
  --truth <file.ndjson>     write the ground truth (faults, restorations, contacts with causes, ...)
  --record <file.ndjson>    record every published message with its time, for \`replay\`
  --rate <msgs/s>           load test: top up with reading batches to this rate (speed 1; default scenario steady)
  --late-rate <share>       messages delivered late, out of order (default ${DEFAULT_FIELD.lateRate})
  --no-noise                no duplicates, late delivery, clock skew, flapping meters, background
                            momentaries or communication losses
  --ignore-notices          do not subscribe to <prefix>/notify/# (customers never get GridWatch's notices)
`;

export const REPLAY_HELP = `  pnpm sim replay <file.ndjson> [--speed x] [--as-recorded] [--mqtt ...] [--prefix p]
                            republish a recording; timestamps move to now unless --as-recorded
`;

type Values = { [K in string]?: string | boolean | (string | boolean)[] };
const str = (v: Values, key: string) => {
  const x = v[key];
  return typeof x === 'string' ? x : undefined;
};

interface Common {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  prefix: string;
  speed: number;
}

/**
 * SIMULATOR_MQTT_USERNAME/PASSWORD (as a pair) before MQTT_USERNAME/PASSWORD: the simulator that
 * `pnpm start` spawns inherits the server's environment, whose MQTT_USERNAME is the server's own
 * account, which may not publish telemetry (docker/mosquitto/acl: the simulator's is `simulator`).
 */
const envCredentials = () =>
  process.env.SIMULATOR_MQTT_USERNAME
    ? { username: process.env.SIMULATOR_MQTT_USERNAME, password: process.env.SIMULATOR_MQTT_PASSWORD }
    : { username: process.env.MQTT_USERNAME, password: process.env.MQTT_PASSWORD };

const common = (v: Values, seed: number): Common => ({
  url: str(v, 'mqtt') ?? process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
  clientId: str(v, 'client-id') ?? `gridwatch-sim-${seed}`,
  username: str(v, 'username') ?? envCredentials().username,
  password: str(v, 'password') ?? envCredentials().password,
  prefix: str(v, 'prefix') ?? DEFAULT_TOPIC_PREFIX,
  speed: num('speed', str(v, 'speed'), positive) ?? 1,
});

/** Publishes until done; the first SIGINT/SIGTERM flushes and stops, the second exits. */
async function publish(options: PublisherOptions, writers: NdjsonWriter[]): Promise<void> {
  const publisher: Publisher = startPublisher(options);
  let signals = 0;
  const onSignal = (name: string) => {
    if (++signals > 1) process.exit(130);
    process.stderr.write(`[sim] ${name}: flushing and disconnecting\n`);
    void publisher.stop();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  await publisher.done;
  await Promise.all(writers.map((w) => w.close()));
}

export async function runCommand(v: Values, seed: number): Promise<number> {
  const c = common(v, seed);
  const durationMs = parseDuration(str(v, 'duration') ?? '0');
  const rate = num('rate', str(v, 'rate'), positive);
  if (rate !== undefined && c.speed !== 1) throw new UsageError('--rate needs --speed 1: load-test readings carry current timestamps');
  const start = str(v, 'start');
  let startSimMs: number;
  if (start && start !== 'now') {
    startSimMs = Date.parse(start);
    if (Number.isNaN(startSimMs)) throw new UsageError(`bad --start "${start}"`);
  } else {
    // Faster than real time, the simulated clock would run into the future, where the server
    // rejects timestamps; back-date the start so the run ends at the wall clock instead.
    const backdate = start !== 'now' && c.speed > 1 && Number.isFinite(durationMs);
    startSimMs = Date.now() - (backdate ? durationMs - durationMs / c.speed : 0);
    if (c.speed > 1 && !backdate) {
      process.stderr.write('[sim] warning: speed > 1 without --duration: timestamps will run ahead of the wall clock\n');
    }
  }

  const networkSpec = str(v, 'network') ?? 'demo';
  let network: NetworkFile;
  try {
    network = loadNetworkFile(networkSpec, userCwd());
  } catch (err) {
    if (err instanceof NetworkFileError) throw new UsageError(err.message);
    throw err;
  }
  const scenario = str(v, 'scenario') ?? (rate !== undefined ? 'steady' : 'demo');
  if (!SCENARIOS[scenario]) throw new UsageError(`unknown scenario "${scenario}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  let behaviour;
  try {
    behaviour = str(v, 'behaviour') ? loadBehaviourFile(userPath(str(v, 'behaviour')!)) : undefined;
  } catch (err) {
    if (err instanceof BehaviourError) throw new UsageError(err.message);
    throw err;
  }
  const readingIntervalS = num('reading-interval', str(v, 'reading-interval'), (n) => Number.isInteger(n) && n >= 1 && n <= 86_400);
  const field: Partial<FieldParams> = {
    ...(v['no-noise'] ? QUIET_FIELD : {}),
    readingIntervalS,
    lastGaspFraction: num('last-gasp', str(v, 'last-gasp'), share),
    meterDelayMeanS: num('meter-delay-s', str(v, 'meter-delay-s'), (n) => n >= 0),
    meterDelayMaxS: num('meter-delay-max-s', str(v, 'meter-delay-max-s'), (n) => n >= 0),
    duplicateRate: num('duplicate-rate', str(v, 'duplicate-rate'), share),
    lateRate: num('late-rate', str(v, 'late-rate'), share),
  };
  for (const key of Object.keys(field) as (keyof FieldParams)[]) if (field[key] === undefined) delete field[key];
  const durationText = (name: string) => {
    const text = str(v, name);
    if (text === undefined) return undefined;
    const ms = parseDuration(text, name);
    if (!Number.isFinite(ms)) throw new UsageError(`--${name} must be > 0`);
    return ms / 1000;
  };
  const sim = createSimulation({
    network,
    scenario,
    seed,
    startSimMs,
    prefix: c.prefix,
    field,
    behaviour,
    transformer: str(v, 'transformer'),
    device: str(v, 'device'),
    customer: str(v, 'customer'),
    outageS: num('outage-s', str(v, 'outage-s'), positive),
    faults: num('faults', str(v, 'faults'), (n) => Number.isInteger(n) && n > 0),
    leadS: durationText('lead'),
    spanS: durationText('span'),
  });

  const header = (format: RunHeader['format']): RunHeader => ({
    format,
    network: network.id,
    scenario,
    seed,
    startSimMs,
    prefix: c.prefix,
    options: Object.fromEntries(Object.entries(v).filter(([k]) => !['password', 'username', 'mqtt'].includes(k))),
  });
  const writers: NdjsonWriter[] = [];
  const recorder = str(v, 'record') ? ndjsonWriter(userPath(str(v, 'record')!), header(RECORD_FORMAT)) : null;
  const truth = str(v, 'truth') ? ndjsonWriter(userPath(str(v, 'truth')!), header(TRUTH_FORMAT)) : null;
  if (recorder) writers.push(recorder);
  if (truth) writers.push(truth);

  process.stderr.write(
    `[sim] scenario ${scenario}, network ${network.id} (${network.transformers.length} station areas, ` +
      `${network.customers.length} meters), seed ${seed}, speed ${c.speed}` +
      (rate !== undefined ? `, target ${rate} msg/s` : '') +
      `, duration ${Number.isFinite(durationMs) ? `${durationMs / 1000} s` : 'forever'}, from ${new Date(startSimMs).toISOString()}\n`,
  );
  await publish(
    {
      url: c.url,
      clientId: c.clientId,
      username: c.username,
      password: c.password,
      world: sim,
      clock: createClock({ startSimMs, speed: c.speed }),
      endSimMs: startSimMs + durationMs,
      noticePrefix: v['ignore-notices'] ? undefined : c.prefix,
      onMessages: recorder ? (messages) => messages.forEach((m) => recorder.write(toRecorded(m))) : undefined,
      onTruth: truth ? (records) => records.forEach((r) => truth.write(r)) : undefined,
      rate: rate === undefined ? undefined : { target: rate, source: createLoadSource(network, seed, c.prefix, readingIntervalS ?? DEFAULT_FIELD.readingIntervalS) },
    },
    writers,
  );
  return 0;
}

export async function replayCommand(v: Values, file: string | undefined, seed: number): Promise<number> {
  if (!file) throw new UsageError('replay needs a recording: pnpm sim replay <file.ndjson>');
  const c = common(v, seed);
  let recording;
  try {
    recording = readRecording(userPath(file));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { header, messages } = recording;
  const spanMs = Math.max(0, (messages[messages.length - 1]?.at ?? header.startSimMs) - header.startSimMs);
  // As for `run`: faster than real time, start back-dated so the replay ends at the wall clock.
  const startSimMs = v['as-recorded'] ? header.startSimMs : Date.now() - (c.speed > 1 ? spanMs - spanMs / c.speed : 0);
  const source = createReplay(recording, startSimMs - header.startSimMs, str(v, 'prefix') ?? header.prefix);
  process.stderr.write(
    `[sim] replay ${file}: ${messages.length} messages over ${(spanMs / 1000).toFixed(0)} s (scenario ${header.scenario}, ` +
      `network ${header.network}, seed ${header.seed}), speed ${c.speed}${v['as-recorded'] ? ', timestamps as recorded' : ''}\n`,
  );
  await publish({ ...c, world: source, clock: createClock({ startSimMs, speed: c.speed }), endSimMs: source.endSimMs }, []);
  return 0;
}
