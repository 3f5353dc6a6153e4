// What the server benchmarks share: a fresh database per run on a real server (so row counts are
// exact), and a GridWatch server process on a given network, with its output kept for errors.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import mqtt from 'mqtt';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new, empty database on the server of `url` (named `<prefix>_<time>`); its URL. */
export async function freshDatabase(url: string, prefix: string): Promise<string> {
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface ServerProcess {
  child: ChildProcess;
  /** The last few kB of its output. */
  output: () => string;
  /** Polls `probe` until true; throws with the server's output after `ms`. */
  waitFor: (probe: () => Promise<boolean>, ms: number, what: string) => Promise<void>;
  /** SIGINT, then waits for the exit. */
  stop: () => Promise<void>;
}

/**
 * Starts `server/src/main.ts` without the simulator on `network` (a file), on `port`, with the
 * embedded broker on `mqttPort` unless MQTT_URL is set, and with `databaseUrl` (else embedded
 * PGlite in `dataDir`). `env` adds settings. Killed when this process exits.
 */
export function startServer(o: { network: string; port: number; mqttPort: number; dataDir: string; databaseUrl: string | null; clientId: string; env?: Record<string, string> }): ServerProcess {
  // BENCH_SERVER_NODE_ARGS adds node flags to the server alone, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
      SIMULATOR: 'false',
      NETWORK: o.network,
      PORT: String(o.port),
      MQTT_PORT: String(o.mqttPort),
      DATA_DIR: o.dataDir,
      MQTT_CLIENT_ID: o.clientId,
      LOG_LEVEL: 'warn',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-8000)));
  process.on('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  return {
    child,
    output: () => out,
    async waitFor(probe, ms, what) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        if (await probe().catch(() => false)) return;
        await sleep(100);
      }
      throw new Error(`timed out waiting for ${what}\n${out.slice(-2000)}`);
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await new Promise((r) => child.once('exit', r));
      }
      // A real broker would keep the server's persistent session, and queue every later message on
      // its topics for it, run after run: a clean connection under the same id discards it.
      if (process.env.MQTT_URL) {
        const c = await mqtt.connectAsync(process.env.MQTT_URL, { clientId: o.clientId, clean: true, reconnectPeriod: 0 }).catch(() => null);
        await c?.endAsync();
      }
    },
  };
}
