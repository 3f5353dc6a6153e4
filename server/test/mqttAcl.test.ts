// MQTT access control: the rule module (server/src/mqttAcl.ts) against the table of
// mqttAclCases.ts and its own edge cases, the configuration, and the embedded aedes broker with
// credentials over the wire (the same suite runs against a real Mosquitto in mqttAcl.real.test.ts).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, REPO_ROOT } from '../src/config.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../src/embedded/broker.ts';
import { startMqttSource } from '../src/ingest/mqttSource.ts';
import { AclFileError, allowed, hashPassword, parseAcl, parsePasswordFile, PasswordFileError, topicMatches, verifyPassword } from '../src/mqttAcl.ts';
import { ACL_FILE, brokerSecuritySuite, CASES, connectAs, password, USERS, type User } from './mqttAclCases.ts';

const shipped = parseAcl(readFileSync(ACL_FILE, 'utf8'), ACL_FILE);
const id = (username: string | null, clientId = 'c1') => ({ username, clientId });

describe('the rule module on docker/mosquitto/acl', () => {
  it('reads the shipped file without warnings', () => {
    expect(shipped.warnings).toEqual([]);
    expect(shipped.patterns.length).toBeGreaterThan(0);
  });

  it('decides every case of the table as the table says', () => {
    const wrong = CASES.filter((c) => allowed(shipped, id(c.user), c.topic, c.access) !== c.allowed)
      .map((c) => `${c.user} ${c.access} ${c.topic}`);
    expect(wrong).toEqual([]);
  });

  it('gives nothing to clients without a username or with an unknown role name, beyond their own-name patterns', () => {
    for (const topic of ['gw/v1/ami/T000018/readings', 'gw/v1/notify/outage/O-1', 'gw/v1/service/contacts']) {
      expect(allowed(shipped, id(null), topic, 'write')).toBe(false);
      expect(allowed(shipped, id('stranger'), topic, 'write')).toBe(false);
      expect(allowed(shipped, id('stranger'), topic, 'read')).toBe(false);
    }
  });

  it('lets no username with + # or / turn a %u pattern into a wildcard or a prefix', () => {
    for (const u of ['+', '#', 'T0+', 'T000018/readings', 'T000018/#']) {
      expect(allowed(shipped, id(u), 'gw/v1/ami/T000018/readings', 'write'), u).toBe(false);
      expect(allowed(shipped, id(u), `gw/v1/ami/${u}/readings`, 'write'), u).toBe(false);
    }
    // A client id with a wildcard loses the patterns too, as in Mosquitto.
    expect(allowed(shipped, id('T000018', 'dcu#1'), 'gw/v1/ami/T000018/readings', 'write')).toBe(false);
    expect(allowed(shipped, id('T000018', 'dcu-1'), 'gw/v1/ami/T000018/readings', 'write')).toBe(true);
  });
});

describe('the rule module, Mosquitto semantics', () => {
  it('checks deny lines first, the user block before the patterns, and denies what matches nothing', () => {
    const acl = parseAcl(
      [
        'pattern write a/%u/#',
        'pattern deny a/%u/secret',
        'user u1',
        'topic write b/#',
        'topic deny b/locked',
        'user admin',
        'topic readwrite a/#',
        'topic deny a/admin/x',
      ].join('\n'),
    );
    expect(allowed(acl, id('u1'), 'b/open', 'write')).toBe(true);
    expect(allowed(acl, id('u1'), 'b/locked', 'write')).toBe(false); // deny after the grant still wins
    expect(allowed(acl, id('u1'), 'a/u1/data', 'write')).toBe(true); // from the pattern
    expect(allowed(acl, id('u1'), 'a/u1/secret', 'write')).toBe(false); // pattern deny first
    expect(allowed(acl, id('u1'), 'a/u2/data', 'write')).toBe(false);
    expect(allowed(acl, id('u1'), 'b/open', 'read')).toBe(false); // write is not read
    // A grant in the user's own block decides before the patterns' deny...
    expect(allowed(acl, id('admin'), 'a/u1/secret', 'read')).toBe(true);
    // ...and its own deny before its grant.
    expect(allowed(acl, id('admin'), 'a/admin/x', 'read')).toBe(false);
    expect(allowed(acl, id('nobody'), 'c', 'read')).toBe(false);
  });

  it('gives topic lines before any user line to clients without a username only', () => {
    const acl = parseAcl('topic read public/#\nuser u1\ntopic read private/#\n');
    expect(allowed(acl, id(null), 'public/x', 'read')).toBe(true);
    expect(allowed(acl, id('u1'), 'public/x', 'read')).toBe(false);
    expect(allowed(acl, id(null), 'private/x', 'read')).toBe(false);
  });

  it('reads `topic <filter>` as readwrite, and `topic read` alone as readwrite on the topic "read", like Mosquitto', () => {
    const acl = parseAcl('user u\ntopic x/y\ntopic read\n');
    expect(allowed(acl, id('u'), 'x/y', 'write')).toBe(true);
    expect(allowed(acl, id('u'), 'x/y', 'read')).toBe(true);
    expect(allowed(acl, id('u'), 'read', 'write')).toBe(true);
  });

  it('matches topics the MQTT way, $ topics only by filters that start with $', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+/c', 'a/b/d')).toBe(false);
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
    expect(topicMatches('+/x', '$SYS/x')).toBe(false);
    expect(topicMatches('$SYS/#', '$SYS/x')).toBe(true);
    expect(topicMatches('a/b', 'a/b/c')).toBe(false);
    expect(topicMatches('a/+', 'a/')).toBe(true);
    const acl = parseAcl('user u\ntopic readwrite #\n');
    expect(allowed(acl, id('u'), 'any/thing', 'write')).toBe(true);
    expect(allowed(acl, id('u'), '$SYS/broker/uptime', 'read')).toBe(false);
  });

  it('refuses a file it cannot read the way Mosquitto does, naming the line', () => {
    const bad: [string, RegExp][] = [
      ['user u\ntopic write a/#/b', /line 2: invalid topic filter/],
      ['user u\ntopic write a/b+', /line 2: invalid topic filter/],
      ['user u\ntopic publish a/b', /line 2: access must be read, write, readwrite or deny/],
      ['user', /line 1: `user` needs a username/],
      ['topic', /line 1: `topic` needs a topic filter/],
      ['user u\ntopic\twrite\ta/b', /line 2: expected user, topic or pattern/],
      ['  # indented comment', /line 1: expected user, topic or pattern/],
      ['pattern write a/dev-%u/x', /line 1: %u and %c must each be a whole topic level/],
    ];
    for (const [text, reason] of bad) expect(() => parseAcl(text), text).toThrow(reason);
    expect(() => parseAcl('oops')).toThrow(AclFileError);
    expect(parseAcl('pattern read everyone/#').warnings[0]).toMatch(/applies to every client/);
    expect(parseAcl('# comment\n\n   \nuser u \r\ntopic read a \r\n').users.get('u')?.map((r) => r.filter)).toEqual(['a']);
  });
});

describe('the rule module: password files', () => {
  it("verifies mosquitto_passwd's $7$ (PBKDF2-SHA512) and $6$ (SHA-512) hashes, and its own", async () => {
    const salt = randomBytes(12);
    const six = `$6$${salt.toString('base64')}$${createHash('sha512').update('secret-6').update(salt).digest('base64')}`;
    const seven = await hashPassword('secret-7', 101);
    const users = parsePasswordFile(`# accounts\nsix:${six}\n\nseven:${seven}\n`);
    expect([...users.keys()]).toEqual(['six', 'seven']);
    expect(await verifyPassword(users.get('six')!, 'secret-6')).toBe(true);
    expect(await verifyPassword(users.get('six')!, 'secret-7')).toBe(false);
    expect(await verifyPassword(users.get('seven')!, Buffer.from('secret-7'))).toBe(true);
    expect(await verifyPassword(users.get('seven')!, 'secret-')).toBe(false);
    expect(users.get('seven')!.iterations).toBe(101);
  });

  it('refuses plain-text passwords, malformed hashes and duplicate users, naming the line', async () => {
    const good = await hashPassword('x');
    expect(() => parsePasswordFile('u:plain')).toThrow(/line 1: not a mosquitto_passwd hash.*mosquitto_passwd -U/);
    expect(() => parsePasswordFile(`u:${good}\nu:${good}`)).toThrow(/line 2: user "u" appears twice/);
    expect(() => parsePasswordFile('u:$7$0$AAAAAAAAAAAAAAAA$AAAA')).toThrow(/line 1: malformed hash/);
    expect(() => parsePasswordFile('u:$7$101$AAAA$AAAA')).toThrow(/wrong salt or hash length/);
    expect(() => parsePasswordFile('no-colon')).toThrow(PasswordFileError);
  });
});

describe('configuration', () => {
  it('turns MQTT_PASSWORD_FILE into the embedded broker files, with the shipped ACL by default', () => {
    const c = loadConfig({ MQTT_PASSWORD_FILE: 'docker/mosquitto/passwd' });
    expect(c.mqttPasswordFile).toBe(path.join(REPO_ROOT, 'docker/mosquitto/passwd'));
    expect(c.mqttAclFile).toBe(path.join(REPO_ROOT, 'docker/mosquitto/acl'));
    expect(loadConfig({ MQTT_PASSWORD_FILE: '/etc/gw/passwd', MQTT_ACL_FILE: '/etc/gw/acl' }).mqttAclFile).toBe('/etc/gw/acl');
    expect(loadConfig({}).mqttPasswordFile).toBeNull();
    expect(loadConfig({}).mqttAclFile).toBeNull();
  });

  it('refuses an ACL without a password file, and a password file for a broker it does not run', () => {
    expect(() => loadConfig({ MQTT_ACL_FILE: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ MQTT_ACL_FILE: 'x' })).toThrow(/MQTT_ACL_FILE needs MQTT_PASSWORD_FILE/);
    expect(() => loadConfig({ MQTT_PASSWORD_FILE: 'x', MQTT_URL: 'mqtt://b:1883' })).toThrow(/MQTT_PASSWORD_FILE configures the embedded broker/);
  });
});

// ---- the embedded broker with credentials ----

let dir: string;
let broker: EmbeddedBroker;
const warnings: string[] = [];
let clock = 1_000_000;
const publishers = new Map<User, MqttClient>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gw-mqtt-acl-'));
  const lines = await Promise.all(USERS.map(async (u) => `${u}:${await hashPassword(password(u), 101)}`));
  await writeFile(path.join(dir, 'passwd'), lines.join('\n') + '\n', { mode: 0o600 });
  broker = await startEmbeddedBroker('127.0.0.1', 0, {
    passwordFile: path.join(dir, 'passwd'),
    aclFile: ACL_FILE,
    topicPrefix: 'gw/v1',
    log: { info: () => {}, warn: (m) => warnings.push(m) },
    now: () => clock,
  });
});

afterAll(async () => {
  await Promise.all([...publishers.values()].map((c) => c.endAsync()));
  await broker?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

brokerSecuritySuite('the embedded broker (aedes, MQTT 3.1.1)', () => ({
  url: broker.url,
  async publishDenied(user, topic) {
    // aedes decides in authorizePublish, before it writes the PUBACK the client waits for.
    if (!publishers.has(user)) publishers.set(user, await connectAs(broker.url, user));
    // Dropped as malformed (an empty topic level) before the ACL is asked counts as denied too.
    const refused = () => broker.stats().deniedPublishes + broker.stats().malformedPublishes;
    const before = refused();
    await publishers.get(user)!.publishAsync(topic, 'probe', { qos: 1 });
    return refused() > before;
  },
}));

describe('the embedded broker with credentials', () => {
  it('counts what it refuses and logs it at most once a minute per account, never a password', async () => {
    clock += 61_000; // past any line the suite above caused
    const before = broker.stats();
    const c = await connectAs(broker.url, 'T000019');
    const start = warnings.length;
    for (let i = 0; i < 5; i++) await c.publishAsync('gw/v1/ami/T000018/readings', 'x', { qos: 1 });
    clock += 61_000;
    await c.publishAsync('gw/v1/notify/outage/O-9', 'x', { qos: 1 });
    await c.endAsync();
    const lines = warnings.slice(start);
    expect(lines).toEqual([
      'mqtt: denied publish by "T000019" (client ' + JSON.stringify(c.options.clientId) + ') to "gw/v1/ami/T000018/readings"',
      'mqtt: denied publish by "T000019" (client ' + JSON.stringify(c.options.clientId) + ') to "gw/v1/notify/outage/O-9" (and 4 more since the last such line)',
    ]);
    expect(broker.stats().deniedPublishes - before.deniedPublishes).toBe(6);

    const refusedBefore = broker.stats().refusedConnects;
    const secret = 'not-the-password-0123';
    await expect(mqtt.connectAsync(broker.url, { username: 'gridwatch', password: secret, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    expect(broker.stats().refusedConnects).toBe(refusedBefore + 1);
    expect(warnings.join('\n')).not.toContain(secret);
    expect(warnings.join('\n')).not.toContain(password('gridwatch'));
  });

  it('feeds the ingest edge the server uses when it signs in as gridwatch', async () => {
    const got: string[] = [];
    const source = startMqttSource({
      url: broker.url, clientId: `acl-ingest-${process.pid}`, username: 'gridwatch', password: password('gridwatch'),
      subscriptions: ['gw/v1/ami/+/readings'], onMessage: (topic, payload, ack) => { got.push(`${topic} ${payload}`); ack(); },
      whenReady: () => null, log: { info: () => {}, warn: () => {} },
    });
    const concentrator = await connectAs(broker.url, 'T000018');
    const deadline = Date.now() + 5_000;
    while (!source.connected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100)); // the subscription follows the CONNACK
    await concentrator.publishAsync('gw/v1/ami/T000019/readings', 'forged', { qos: 1 });
    await concentrator.publishAsync('gw/v1/ami/T000018/readings', 'own', { qos: 1 });
    while (!got.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual(['gw/v1/ami/T000018/readings own']);
    await concentrator.endAsync();
    await source.close();
  });

  it('stops the start with a clear message for a missing or broken file', async () => {
    await expect(startEmbeddedBroker('127.0.0.1', 0, { passwordFile: path.join(dir, 'missing'), aclFile: ACL_FILE })).rejects.toThrow(/MQTT_PASSWORD_FILE: cannot read .*missing \(ENOENT\)/);
    await writeFile(path.join(dir, 'bad-acl'), 'user gridwatch\ntopic publish gw/#\n');
    await expect(startEmbeddedBroker('127.0.0.1', 0, { passwordFile: path.join(dir, 'passwd'), aclFile: path.join(dir, 'bad-acl') })).rejects.toThrow(/bad-acl line 2: access must be/);
  });

  it('warns when the ACL names no topic under the configured prefix', async () => {
    const seen: string[] = [];
    const b = await startEmbeddedBroker('127.0.0.1', 0, { passwordFile: path.join(dir, 'passwd'), aclFile: ACL_FILE, topicPrefix: 'acme/v2', log: { info: () => {}, warn: (m) => seen.push(m) } });
    await b.close();
    expect(seen.join('\n')).toMatch(/no rule under the topic prefix acme\/v2/);
  });
});

describe('the embedded broker without credentials', () => {
  it('stays open, to local clients only, whatever HOST says', async () => {
    const b = await startEmbeddedBroker('0.0.0.0', 0);
    try {
      expect(b.secured).toBe(false);
      const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 });
      await c.publishAsync('gw/v1/notify/outage/O-1', 'anyone', { qos: 1 });
      await c.endAsync();
      // Not reachable on another address of this machine (when it has one).
      const { networkInterfaces } = await import('node:os');
      const other = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
      if (other) {
        await expect(mqtt.connectAsync(`mqtt://${other.address}:${b.port}`, { reconnectPeriod: 0, connectTimeout: 2_000 })).rejects.toThrow();
      }
      expect(b.stats()).toEqual({ refusedConnects: 0, deniedPublishes: 0, malformedPublishes: 0, withheldDeliveries: 0 });
    } finally {
      await b.close();
    }
  });
});
