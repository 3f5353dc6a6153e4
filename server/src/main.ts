// `pnpm start`: runs GridWatch — embedded PGlite and MQTT broker unless DATABASE_URL / MQTT_URL
// are set, the server with the wall, and (SIMULATOR=true, the default) the demo simulator.
// Ctrl-C stops intake, writes every buffered row, and closes the database cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { networkSpecFor } from '@gridwatch/shared/node';
import { ConfigError, REPO_ROOT, loadConfig } from './config.ts';
import { consoleLogger as log, startSystem, TEAM_PASSWORDS_FILE } from './system.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      log.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const system = await startSystem(config);
  let simulator: ChildProcess | null = null;
  let workforce: ChildProcess | null = null;
  const passwordFile = path.join(config.dataDir, 'console-password.txt');
  if (config.simulator) {
    const args = [
      '--import', 'tsx', path.join(REPO_ROOT, 'simulator/src/cli.ts'), 'run',
      '--mqtt', system.config.mqttUrl!, '--prefix', config.topicPrefix, '--network', networkSpecFor(config.network, process.env.INIT_CWD ?? process.cwd()),
      ...config.simulatorArgs.split(/\s+/).filter(Boolean),
    ];
    simulator = spawn(process.execPath, args, { cwd: path.join(REPO_ROOT, 'simulator'), stdio: ['ignore', 'inherit', 'inherit'] });
    simulator.on('exit', (code, signal) => {
      if (!stopping) log.warn(`simulator exited (${signal ?? code}); GridWatch keeps running`);
    });
    // The simulated grid teams and callback desk work the orders through the HTTP API.
    const password = config.consolePassword ?? (existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : null);
    const teamFile = path.join(config.dataDir, TEAM_PASSWORDS_FILE);
    if (password && (config.teamPassword || existsSync(teamFile))) {
      workforce = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(REPO_ROOT, 'simulator/src/cli.ts'), 'workforce', '--api', `http://127.0.0.1:${system.config.port}`, ...(config.teamPassword ? [] : ['--team-passwords', teamFile])],
        {
          cwd: path.join(REPO_ROOT, 'simulator'),
          stdio: ['ignore', 'inherit', 'inherit'],
          env: { ...process.env, GW_CONSOLE_PASSWORD: password, ...(config.teamPassword ? { GW_TEAM_PASSWORD: config.teamPassword } : {}) },
        },
      );
    } else log.warn('the console or team passwords are not known: the simulated workforce does not run (set CONSOLE_PASSWORD and TEAM_PASSWORD)');
  }
  const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(
    [
      '',
      `  GridWatch is running.`,
      `  Wall:     http://${host}:${system.config.port}/`,
      `  Console:  http://${host}:${system.config.port}/console  (users officer, lead, manager, admin: ${config.consolePassword ? 'CONSOLE_PASSWORD' : `password in ${config.dataDir}/console-password.txt`}; team leaders team-<team id>: ${config.teamPassword ? 'TEAM_PASSWORD' : `${config.dataDir}/${TEAM_PASSWORDS_FILE}`})`,
      `  API:      http://${host}:${system.config.port}/api/health`,
      `  MQTT:     ${system.config.mqttUrl}${system.embedded.broker ? ' (embedded)' : ''}`,
      `  Database: ${system.embedded.database ? `embedded PGlite in ${config.dataDir}` : 'DATABASE_URL'}`,
      `  Simulator: ${config.simulator ? `on (${config.simulatorArgs}), with grid teams and the callback desk working the orders` : 'off'}`,
      `  Press Ctrl-C to stop.`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    for (const child of [simulator, workforce]) {
      if (!child || child.exitCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((r) => { child.once('exit', r); setTimeout(r, 3_000).unref(); });
    }
    await system.close();
    log.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  log.error((err as Error).message);
  process.exit(1);
});
