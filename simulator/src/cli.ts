// GridWatch field simulator. `run` publishes a scenario's telemetry over MQTT; `network` writes
// the demo network JSON for other tools. GridWatch sees nothing of this but the MQTT traffic.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TOPIC_PREFIX, generateNetwork, NetworkFile, validator } from '@gridwatch/shared';
import { createClock } from './clock.ts';
import { startPublisher } from './publisher.ts';
import { SCENARIOS } from './scenarios.ts';
import { createSimulation } from './simulation.ts';
import { DEFAULT_FIELD } from './world.ts';

const HELP = `GridWatch field simulator: smart-meter and concentrator telemetry over MQTT.

Usage:
  pnpm sim [run] [options]        publish a scenario (default command)
  pnpm sim network --out <file>   write the demo network JSON (generateNetwork with --seed)

Run options:
  --mqtt <url>              broker (default $MQTT_URL or mqtt://127.0.0.1:1883)
  --username, --password    broker credentials (default $MQTT_USERNAME / $MQTT_PASSWORD)
  --client-id <id>          MQTT client id (default gridwatch-sim-<seed>)
  --prefix <p>              topic prefix (default ${DEFAULT_TOPIC_PREFIX})
  --network demo|<file>     network: generated demo or a gridwatch-network/1 JSON file (default demo)
  --scenario <name>         ${Object.keys(SCENARIOS).join(' | ')} (default demo)
  --seed <n>                random seed; same seed and options give the same messages (default 1)
  --speed <x>               simulated seconds per real second (default 1)
  --start <ISO|now>         simulated start; default now, or at speed > 1 with a duration,
                            early enough that timestamps never run ahead of the wall clock
  --duration <d>            simulated run time: 90s, 10m, 2h, or 0 = forever (default 0)
  --reading-interval <s>    reading batch interval per concentrator (default ${DEFAULT_FIELD.readingIntervalS})
  --transformer <id>        station area for station-area-outage (default: chosen by seed)
  --outage-s <n>            outage length for station-area-outage (default 90)
  --last-gasp <share>       meters whose last gasp gets through (default ${DEFAULT_FIELD.lastGaspFraction})
  --meter-delay-s <s>       mean meter event delay, exponential (default ${DEFAULT_FIELD.meterDelayMeanS})
  --meter-delay-max-s <s>   cap of that delay (default ${DEFAULT_FIELD.meterDelayMaxS}; PLC can lag 3600)
  --duplicate-rate <share>  messages delivered twice (default ${DEFAULT_FIELD.duplicateRate})
  -h, --help

Scenarios:
${Object.entries(SCENARIOS)
  .map(([name, s]) => `  ${name.padEnd(22)}${s.summary}`)
  .join('\n')}

Examples:
  pnpm sim --scenario demo --reading-interval 60
  pnpm sim --scenario station-area-outage --transformer T000007 --outage-s 120 --duration 5m
  pnpm sim --scenario steady --speed 60 --duration 2h --reading-interval 900
  pnpm sim network --out demo-network.json
`;

class UsageError extends Error {}

/** "90s", "10m", "2h", "1d", "500ms", bare seconds; 0 means forever (Infinity). */
function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UsageError(`bad duration "${text}" (e.g. 90s, 10m, 2h, 0)`);
  const ms = Number(m[1]) * { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[m[2] ?? 's']!;
  return ms === 0 ? Infinity : ms;
}

const num = (name: string, text: string | undefined, check: (n: number) => boolean = Number.isFinite) => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !check(n)) throw new UsageError(`bad --${name} "${text}"`);
  return n;
};
const share = (n: number) => n >= 0 && n <= 1;
const positive = (n: number) => n > 0;

// pnpm runs the script inside simulator/; paths the user typed are relative to where they typed.
const userPath = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

function loadNetwork(spec: string): NetworkFile {
  if (spec === 'demo') return generateNetwork();
  const file = userPath(spec);
  const checked = validator(NetworkFile).check(JSON.parse(readFileSync(file, 'utf8')));
  if (!checked.ok) throw new UsageError(`${file}: ${checked.reason}`);
  return checked.value;
}

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      mqtt: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'client-id': { type: 'string' },
      prefix: { type: 'string' },
      network: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      start: { type: 'string' },
      duration: { type: 'string' },
      'reading-interval': { type: 'string' },
      transformer: { type: 'string' },
      'outage-s': { type: 'string' },
      'last-gasp': { type: 'string' },
      'meter-delay-s': { type: 'string' },
      'meter-delay-max-s': { type: 'string' },
      'duplicate-rate': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const command = positionals[0] ?? 'run';
  if (positionals.length > 1 || !['run', 'network'].includes(command)) throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  const seed = num('seed', v.seed, Number.isInteger) ?? 1;

  if (command === 'network') {
    const json = JSON.stringify(generateNetwork({ seed }), null, 2) + '\n';
    if (!v.out) throw new UsageError('network needs --out <file>');
    writeFileSync(userPath(v.out), json);
    process.stderr.write(`[sim] wrote ${userPath(v.out)}\n`);
    return 0;
  }

  const speed = num('speed', v.speed, positive) ?? 1;
  const durationMs = parseDuration(v.duration ?? '0');
  let startSimMs: number;
  if (v.start && v.start !== 'now') {
    startSimMs = Date.parse(v.start);
    if (Number.isNaN(startSimMs)) throw new UsageError(`bad --start "${v.start}"`);
  } else {
    // Faster than real time, the simulated clock would run into the future, where the server
    // rejects timestamps; back-date the start so the run ends at the wall clock instead.
    const backdate = v.start !== 'now' && speed > 1 && Number.isFinite(durationMs);
    startSimMs = Date.now() - (backdate ? durationMs - durationMs / speed : 0);
    if (speed > 1 && !backdate) {
      process.stderr.write('[sim] warning: speed > 1 without --duration: timestamps will run ahead of the wall clock\n');
    }
  }

  const network = loadNetwork(v.network ?? 'demo');
  const scenario = v.scenario ?? 'demo';
  if (!SCENARIOS[scenario]) throw new UsageError(`unknown scenario "${scenario}"`);
  const prefix = v.prefix ?? DEFAULT_TOPIC_PREFIX;
  const world = createSimulation({
    network,
    scenario,
    seed,
    startSimMs,
    prefix,
    transformer: v.transformer,
    outageS: num('outage-s', v['outage-s'], positive),
    readingIntervalS: num('reading-interval', v['reading-interval'], (n) => Number.isInteger(n) && n >= 1 && n <= 86_400),
    lastGaspFraction: num('last-gasp', v['last-gasp'], share),
    meterDelayMeanS: num('meter-delay-s', v['meter-delay-s'], (n) => n >= 0),
    meterDelayMaxS: num('meter-delay-max-s', v['meter-delay-max-s'], (n) => n >= 0),
    duplicateRate: num('duplicate-rate', v['duplicate-rate'], share),
  });
  const clock = createClock({ startSimMs, speed });
  const url = v.mqtt ?? process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  process.stderr.write(
    `[sim] scenario ${scenario}, network ${network.id} (${network.transformers.length} station areas, ` +
      `${network.customers.length} meters), seed ${seed}, speed ${speed}, ` +
      `duration ${Number.isFinite(durationMs) ? `${durationMs / 1000} s` : 'forever'}, from ${new Date(startSimMs).toISOString()}\n`,
  );

  const publisher = startPublisher({
    url,
    clientId: v['client-id'] ?? `gridwatch-sim-${seed}`,
    username: v.username ?? process.env.MQTT_USERNAME,
    password: v.password ?? process.env.MQTT_PASSWORD,
    world,
    clock,
    endSimMs: startSimMs + durationMs,
  });
  let signals = 0;
  const onSignal = (name: string) => {
    if (++signals > 1) process.exit(130);
    process.stderr.write(`[sim] ${name}: flushing and disconnecting\n`);
    void publisher.stop();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  await publisher.done;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`[sim] ${err instanceof Error ? err.message : String(err)}\n`);
    if (usage) process.stderr.write('Try --help.\n');
    process.exit(usage ? 2 : 1);
  },
);
