// MQTT security against a real Mosquitto: this file starts its own broker (Debian's mosquitto,
// installed by .ci/mosquitto.sh) on a free port with docker/mosquitto/mosquitto.conf and
// docker/mosquitto/acl as shipped (only the paths, the port and persistence are changed for a
// temp dir), and a password file made by mosquitto_passwd. It runs the suite of
// mqttAclCases.ts, which mqttAcl.test.ts runs against the embedded aedes broker, so the two
// brokers are held to the same table; here denials are read from MQTT 5 reason codes.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordFile, verifyPassword } from '../src/mqttAcl.ts';
import { ACL_FILE, brokerSecuritySuite, connectAs, password, USERS, type User } from './mqttAclCases.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';
const CONF_FILE = new URL('../../docker/mosquitto/mosquitto.conf', import.meta.url).pathname;
/** Settings that name container paths or the port; the test sets its own. The rest is kept as shipped. */
const LOCAL = new Set(['listener', 'password_file', 'acl_file', 'persistence', 'persistence_location', 'autosave_interval', 'log_dest']);
/** Made with our own hasher rather than mosquitto_passwd: Mosquitto must accept it. */
const HASHED_BY_US: User = 'planning';

let dir: string;
let url: string;
let mosquitto: ChildProcess;
let output = '';
const v5 = new Map<User, MqttClient>();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gw-mosquitto-acl-'));
  // Run as root, Mosquitto drops to the mosquitto user, which must read these files.
  chmodSync(dir, 0o755);
  const passwd = path.join(dir, 'passwd');
  writeFileSync(passwd, '');
  for (const u of USERS) if (u !== HASHED_BY_US) execFileSync('mosquitto_passwd', ['-b', passwd, u, password(u)]);
  appendFileSync(passwd, `${HASHED_BY_US}:${await hashPassword(password(HASHED_BY_US))}\n`);
  writeFileSync(path.join(dir, 'acl'), readFileSync(ACL_FILE));
  chmodSync(passwd, 0o644);
  chmodSync(path.join(dir, 'acl'), 0o644);

  const port = await freePort();
  const shipped = readFileSync(CONF_FILE, 'utf8').split('\n');
  const conf = [
    ...shipped.filter((line) => !LOCAL.has(line.trim().split(/\s+/)[0]!)),
    `listener ${port} 127.0.0.1`,
    `password_file ${passwd}`,
    `acl_file ${path.join(dir, 'acl')}`,
    'persistence false',
    'log_dest stderr',
  ].join('\n');
  writeFileSync(path.join(dir, 'mosquitto.conf'), conf);
  mosquitto = spawn(MOSQUITTO, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8000));
  mosquitto.stdout!.on('data', keep);
  mosquitto.stderr!.on('data', keep);
  let exited: string | null = null;
  mosquitto.once('error', (err) => (exited = err.message));
  mosquitto.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (exited) throw new Error(`${MOSQUITTO} ${exited} (is Debian's mosquitto installed? bash .ci/mosquitto.sh installs it):\n${output}`);
    if (Date.now() > deadline) throw new Error(`${MOSQUITTO} does not listen on ${port} after 10 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  url = `mqtt://127.0.0.1:${port}`;
});

afterAll(async () => {
  await Promise.all([...v5.values()].map((c) => c.endAsync()));
  if (mosquitto && mosquitto.exitCode === null) {
    mosquitto.kill('SIGTERM');
    await new Promise((r) => {
      mosquitto.once('exit', r);
      setTimeout(r, 5_000).unref();
    });
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the shipped Mosquitto configuration', () => {
  it('requires sign-in, applies the ACL and bounds the packet size', () => {
    const conf = readFileSync(CONF_FILE, 'utf8');
    expect(conf).toMatch(/^allow_anonymous false$/m);
    expect(conf).toMatch(/^acl_file \/mosquitto\/config\/acl$/m);
    expect(conf).toMatch(/^password_file \/mosquitto\/auth\/passwd$/m);
    expect(conf).toMatch(/^max_packet_size 1048576$/m);
  });

  it("reads mosquitto_passwd's file the way the embedded broker does", async () => {
    const users = parsePasswordFile(readFileSync(path.join(dir, 'passwd'), 'utf8'));
    expect([...users.keys()].sort()).toEqual([...USERS].sort());
    expect(await verifyPassword(users.get('gridwatch')!, password('gridwatch'))).toBe(true);
    expect(await verifyPassword(users.get('gridwatch')!, password('headend'))).toBe(false);
  });
});

brokerSecuritySuite('Mosquitto', () => ({
  url,
  async publishDenied(user, topic) {
    // MQTT 5: Mosquitto answers a denied QoS 1 publish with PUBACK reason 0x87 (Not authorized);
    // a 3.1.1 client gets a plain PUBACK and no way to tell.
    if (!v5.has(user)) v5.set(user, await connectAs(url, user, { protocolVersion: 5 }));
    return v5.get(user)!.publishAsync(topic, 'probe', { qos: 1 }).then(
      () => false,
      (err: Error & { code?: number }) => {
        if (err.code === 135) return true;
        throw err;
      },
    );
  },
}));

describe('Mosquitto with the shipped limits', () => {
  it('passes a payload ingest will judge itself, and closes the connection of one past 1 MiB', async () => {
    const server = await connectAs(url, 'gridwatch');
    const got: number[] = [];
    server.on('message', (_t, payload) => got.push(payload.length));
    await server.subscribeAsync('gw/v1/ami/+/readings', { qos: 1 });
    const headend = await connectAs(url, 'headend');
    await headend.publishAsync('gw/v1/ami/T000018/readings', Buffer.alloc(600 * 1024, 'x'), { qos: 1 });
    const closed = new Promise<void>((resolve) => headend.once('close', () => resolve()));
    headend.publish('gw/v1/ami/T000018/readings', Buffer.alloc(1100 * 1024, 'y'), { qos: 1 });
    await closed;
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([600 * 1024]);
    await headend.endAsync(true);
    await server.endAsync();
  });
});
