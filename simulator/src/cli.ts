// GridWatch field simulator. `run` publishes a scenario's telemetry over MQTT (run.ts); `replay`
// republishes a recording; `network` writes the demo network JSON for other tools. GridWatch
// sees nothing of this but the MQTT traffic.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_TOPIC_PREFIX, generateNetwork } from '@gridwatch/shared';
import { num, UsageError, userPath } from './args.ts';
import { REPLAY_HELP, RUN_HELP, RUN_OPTIONS, replayCommand, runCommand } from './run.ts';
import { SCENARIOS } from './scenarios.ts';
import { runWorkforce } from './workforce.ts';
import { DEFAULT_FIELD } from './world.ts';
import { NETWORK_COMMANDS, NETWORK_HELP, runNetworkCommand } from './network/commands.ts';

const HELP = `GridWatch field simulator: smart-meter and concentrator telemetry over MQTT.

Usage:
  pnpm sim [run] [options]        publish a scenario (default command)
${REPLAY_HELP}  pnpm sim workforce --api <url>  work GridWatch's orders as grid teams and callback staff (HTTP API;
                                  officer's password from $GW_CONSOLE_PASSWORD or --password-file <file>;
                                  team leaders' from $GW_TEAM_PASSWORD or --team-passwords <file> of
                                  "username password" lines)
  pnpm sim network --out <file>   write the demo network JSON (generateNetwork with --seed)
${NETWORK_HELP}
Run options:
  --mqtt <url>              broker (default $MQTT_URL or mqtt://127.0.0.1:1883)
  --username, --password    broker credentials (default $SIMULATOR_MQTT_USERNAME / $SIMULATOR_MQTT_PASSWORD,
                            else $MQTT_USERNAME / $MQTT_PASSWORD)
  --client-id <id>          MQTT client id (default gridwatch-sim-<seed>)
  --prefix <p>              topic prefix (default ${DEFAULT_TOPIC_PREFIX})
  --scenario <name>         ${Object.keys(SCENARIOS).join(' | ')} (default demo)
  --seed <n>                random seed; same seed and options give the same messages (default 1)
  --speed <x>               simulated seconds per real second (default 1)
  --start <ISO|now>         simulated start; default now, or at speed > 1 with a duration,
                            early enough that timestamps never run ahead of the wall clock
  --duration <d>            simulated run time: 90s, 10m, 2h, or 0 = forever (default 0)
  --reading-interval <s>    reading batch interval per concentrator (default ${DEFAULT_FIELD.readingIntervalS})
  --transformer <id>        station area for station-area-outage, transformer-failure, voltage-complaints,
                            comm-loss (default: chosen by seed)
  --outage-s <n>            length of the scenario's outage or episode, seconds (defaults: see Scenarios)
  --last-gasp <share>       meters whose last gasp gets through (default ${DEFAULT_FIELD.lastGaspFraction})
  --meter-delay-s <s>       mean meter event delay, exponential (default ${DEFAULT_FIELD.meterDelayMeanS})
  --meter-delay-max-s <s>   cap of that delay (default ${DEFAULT_FIELD.meterDelayMaxS}; PLC can lag 3600)
  --duplicate-rate <share>  messages delivered twice (default ${DEFAULT_FIELD.duplicateRate})
${RUN_HELP}  -h, --help

Scenarios:
${Object.entries(SCENARIOS)
  .map(([name, s]) => `  ${name.padEnd(22)}${s.summary}`)
  .join('\n')}

Examples:
  pnpm sim --scenario demo --reading-interval 60
  pnpm sim --scenario station-area-outage --transformer T000007 --outage-s 120 --duration 5m
  pnpm sim --scenario steady --speed 60 --duration 2h --reading-interval 900
  pnpm sim --network greensboro --scenario storm --faults 40 --speed 10 --duration 6h --truth storm-truth.ndjson
  pnpm sim --scenario feeder-lockout --speed 20 --duration 4h --record lockout.ndjson
  pnpm sim replay lockout.ndjson --speed 20
  pnpm sim --scenario planned --lead 30m --outage-s 3600 --speed 10 --duration 2h
  pnpm sim --scenario chronic-line --span 12h --speed 60 --duration 12h
  pnpm sim --network greensboro --scenario daily --speed 600 --duration 14d --reading-interval 3600 --truth daily-truth.ndjson
  pnpm sim --rate 2000 --duration 5m
  pnpm sim network --out demo-network.json
`;

async function main(argv: string[]): Promise<number> {
  // Network-file commands parse their own options (src/network/commands.ts).
  const first = argv[0] === '--' ? argv[1] : argv[0];
  if ((NETWORK_COMMANDS as readonly string[]).includes(first ?? '')) return runNetworkCommand(argv.slice(argv[0] === '--' ? 1 : 0));
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
      ...RUN_OPTIONS,
      out: { type: 'string' },
      api: { type: 'string' },
      'password-file': { type: 'string' },
      'team-passwords': { type: 'string' },
      'poll-s': { type: 'string' },
    },
  });
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const command = positionals[0] ?? 'run';
  if (!['run', 'network', 'replay', 'workforce'].includes(command) || positionals.length > (command === 'replay' ? 2 : 1)) throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  const seed = num('seed', v.seed, Number.isInteger) ?? 1;

  if (command === 'network') {
    const json = JSON.stringify(generateNetwork({ seed }), null, 2) + '\n';
    if (!v.out) throw new UsageError('network needs --out <file>');
    writeFileSync(userPath(v.out), json);
    process.stderr.write(`[sim] wrote ${userPath(v.out)}\n`);
    return 0;
  }

  if (command === 'replay') return replayCommand(v, positionals[1], seed);
  if (command === 'workforce') {
    if (!v.api) throw new UsageError('workforce needs --api <GridWatch URL>');
    const password = v['password-file'] ? readFileSync(userPath(v['password-file']), 'utf8').trim() : process.env.GW_CONSOLE_PASSWORD;
    if (!password) throw new UsageError('workforce needs the console password: $GW_CONSOLE_PASSWORD or --password-file <file>');
    const teamPasswords = v['team-passwords']
      ? new Map(readFileSync(userPath(v['team-passwords']), 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).filter((x): x is [string, string] => x.length === 2))
      : process.env.GW_TEAM_PASSWORD;
    if (!teamPasswords) throw new UsageError("workforce needs the team leaders' passwords: $GW_TEAM_PASSWORD or --team-passwords <file>");
    const stop = new AbortController();
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort());
    process.stderr.write(`[workforce] working the open orders of ${v.api} as team leaders and the callback desk\n`);
    await runWorkforce({ api: v.api, password, teamPasswords, seed, pollMs: (num('poll-s', v['poll-s'], (x) => x > 0) ?? 15) * 1000, signal: stop.signal, log: (l) => process.stderr.write(`[workforce] ${l}\n`) });
    return 0;
  }
  return runCommand(v, seed);
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
