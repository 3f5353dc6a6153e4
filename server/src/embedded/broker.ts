// The embedded MQTT broker for the default run (aedes), listening on a real TCP port so that
// outside tools such as mosquitto_pub can publish to it.
//
// Open by default, and then on the loopback interface only: anyone who can reach an open broker
// can feed GridWatch false readings and faults. With a password file (MQTT_PASSWORD_FILE, in
// Mosquitto's format) every client must sign in and the ACL file (docker/mosquitto/acl unless
// MQTT_ACL_FILE says otherwise) applies with the same meaning as in Mosquitto (../mqttAcl.ts);
// then it listens on HOST like the HTTP server.
//
// What a client sees, as with Mosquitto 2 and MQTT 3.1.1 (aedes speaks no MQTT 5):
// - no username, an unknown one or a wrong password: CONNACK 5 "not authorized", disconnected;
// - a publish it may not make: acknowledged (PUBACK at QoS 1) and dropped, so a device with one
//   misdirected message does not loop on reconnects; the broker counts and logs it;
// - a subscription is always granted; messages it may not read are never delivered.
import { Aedes, type AedesOptions, type Client } from 'aedes';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { allowed, parseAcl, parsePasswordFile, verifyPassword, type Acl, type Identity, type PasswordEntry } from '../mqttAcl.ts';

export interface EmbeddedBrokerOptions {
  /** Mosquitto password_file: when set, clients must sign in and `aclFile` applies. */
  passwordFile?: string | null;
  /** Mosquitto acl_file; required with `passwordFile`. */
  aclFile?: string | null;
  /** Only for a warning when the ACL names no topic under it. */
  topicPrefix?: string;
  log?: { info: (msg: string) => void; warn: (msg: string) => void };
  now?: () => number;
}

export interface BrokerSecurityStats {
  refusedConnects: number;
  deniedPublishes: number;
  /** Publishes dropped as malformed whatever the ACL says: an empty topic level, or a packet over MAX_PACKET_BYTES. */
  malformedPublishes: number;
  /** Messages not delivered to a subscriber that may not read them. */
  withheldDeliveries: number;
}

export interface EmbeddedBroker {
  url: string;
  port: number;
  /** Credentials required (a password file was given). */
  secured: boolean;
  stats(): BrokerSecurityStats;
  close(): Promise<void>;
}

/** Denied publishes are renamed to this and published nowhere: `$` topics match no wildcard, and the ACL grants no read on it. */
const DENIED_SINK = '$GRIDWATCH/denied';
/** One log line per identity and kind of denial per minute; the rest are counted into the next. */
const LOG_EVERY_MS = 60_000;

export async function startEmbeddedBroker(host: string, port: number, o: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const stats: BrokerSecurityStats = { refusedConnects: 0, deniedPublishes: 0, malformedPublishes: 0, withheldDeliveries: 0 };
  const secured = Boolean(o.passwordFile);
  let options: AedesOptions = {};
  if (o.passwordFile) {
    if (!o.aclFile) throw new Error('the embedded MQTT broker needs an ACL file with a password file (MQTT_ACL_FILE)');
    const passwords = parsePasswordFile(readConfigFile(o.passwordFile, 'MQTT_PASSWORD_FILE'), o.passwordFile);
    const acl = parseAcl(readConfigFile(o.aclFile, 'MQTT_ACL_FILE'), o.aclFile);
    if (passwords.size === 0) o.log?.warn(`MQTT password file ${o.passwordFile} has no users: no client can connect`);
    for (const w of acl.warnings) o.log?.warn(`MQTT ACL: ${w}`);
    const prefix = o.topicPrefix;
    const rules = [...acl.patterns, ...[...acl.users.values()].flat()];
    if (prefix && !rules.some((r) => r.filter.startsWith(`${prefix}/`))) {
      o.log?.warn(`MQTT ACL ${o.aclFile} has no rule under the topic prefix ${prefix}: every publish will be denied (edit the topics in the ACL file)`);
    }
    options = secureOptions(passwords, acl, stats, o.log ?? { info: () => {}, warn: () => {} }, o.now ?? Date.now);
  }
  const broker = await Aedes.createBroker(guardMalformed(options, stats, o.log));
  const server: Server = createServer(broker.handle);
  // An open broker must not be reachable from the network, whatever HOST says.
  const bindHost = secured ? host : '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`MQTT port ${port} is already in use: stop the other broker, or set MQTT_PORT, or set MQTT_URL to use it`)
          : err,
      );
    });
    server.listen(port, bindHost, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `mqtt://127.0.0.1:${bound}`,
    port: bound,
    secured,
    stats: () => ({ ...stats }),
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The largest publish the broker passes on, as Mosquitto's `max_packet_size` in
 * docker/mosquitto/mosquitto.conf; ingest dead-letters anything over 512 KiB that gets through.
 */
export const MAX_PACKET_BYTES = 1024 * 1024;

/**
 * Drops, before any other check, publishes that aedes mishandles or Mosquitto would refuse:
 * a topic with an empty level (`gw/v1/ami//readings`: aedes then closes the subscriber's
 * connection — GridWatch's own — instead of delivering) and payloads over MAX_PACKET_BYTES. They
 * never reach GridWatch, so they are counted and logged here instead of dead-lettered.
 */
function guardMalformed(options: AedesOptions, stats: BrokerSecurityStats, log: EmbeddedBrokerOptions['log']): AedesOptions {
  const next = options.authorizePublish;
  let lastLog = 0;
  return {
    ...options,
    authorizePublish(client, packet, done) {
      const why = packet.topic.split('/').includes('') ? 'an empty topic level' : packet.payload.length > MAX_PACKET_BYTES ? `a payload over ${MAX_PACKET_BYTES} bytes` : null;
      if (why === null) return next ? next.call(this, client, packet, done) : done(null);
      stats.malformedPublishes++;
      if (Date.now() - lastLog > LOG_EVERY_MS) {
        lastLog = Date.now();
        log?.warn(`mqtt: dropped a publish to ${show(packet.topic)} from client ${show(client?.id ?? '?')}: ${why} (${stats.malformedPublishes} so far)`);
      }
      packet.topic = DENIED_SINK;
      packet.retain = false;
      packet.payload = Buffer.alloc(0);
      done(null);
    },
  };
}

function readConfigFile(file: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${setting}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function secureOptions(
  passwords: ReadonlyMap<string, PasswordEntry>, acl: Acl, stats: BrokerSecurityStats, log: { warn: (msg: string) => void }, now: () => number,
): AedesOptions {
  // The username a client signed in with (aedes keeps none on its Client).
  const usernames = new WeakMap<Client, string>();
  const identity = (client: Client): Identity => ({ username: usernames.get(client) ?? null, clientId: client.id });
  const quiet = new Map<string, { until: number; more: number }>();
  const report = (key: string, line: string) => {
    const t = now();
    const q = quiet.get(key);
    if (q && t < q.until) {
      q.more++;
      return;
    }
    log.warn(`${line}${q?.more ? ` (and ${q.more} more since the last such line)` : ''}`);
    quiet.set(key, { until: t + LOG_EVERY_MS, more: 0 });
  };
  // Any time spent on an unknown user is spent on a known one too: no telling them apart by timing.
  const decoy: PasswordEntry = { kind: 'pbkdf2-sha512', iterations: 101, salt: Buffer.alloc(12), hash: Buffer.alloc(64) };
  const notAuthorized = () => Object.assign(new Error('not authorized'), { returnCode: 5 as const });

  return {
    authenticate(client, username, password, done) {
      const entry = username === undefined ? undefined : passwords.get(username);
      const refuse = (why: string) => {
        stats.refusedConnects++;
        // Usernames of refused clients are the sender's choice: quoted, cut, one key for all unknown.
        report(`connect:${entry ? username : '?'}`, `mqtt: refused connection from client ${show(client.id)}: ${why}`);
        done(notAuthorized(), false);
      };
      if (username === undefined || password === undefined) {
        refuse('no username or password');
        return;
      }
      verifyPassword(entry ?? decoy, password).then(
        (ok) => {
          if (!entry) return refuse(`unknown user ${show(username)}`);
          if (!ok) return refuse(`wrong password for ${show(username)}`);
          usernames.set(client, username);
          done(null, true);
        },
        (err: Error) => refuse(`password check failed (${err.message})`),
      );
    },
    authorizePublish(client, packet, done) {
      // client is null only for the will of a client that left before a restart: no identity, no say.
      const who = client ? identity(client) : null;
      if (who && allowed(acl, who, packet.topic, 'write')) return done(null);
      stats.deniedPublishes++;
      report(
        `publish:${who?.username ?? '?'}`,
        `mqtt: denied publish by ${who ? show(who.username ?? '(no username)') : 'a departed client'}${who ? ` (client ${show(who.clientId)})` : ''} to ${show(packet.topic)}`,
      );
      // Acknowledge and drop, like Mosquitto: an error here would make aedes close the connection,
      // and the device would resend the same message after every reconnect.
      packet.topic = DENIED_SINK;
      packet.retain = false;
      done(null);
    },
    authorizeSubscribe(_client, subscription, done) {
      // Granted, as Mosquitto 2 does; authorizeForward decides message by message.
      done(null, subscription);
    },
    authorizeForward(client, packet) {
      if (allowed(acl, identity(client), packet.topic, 'read')) return packet;
      stats.withheldDeliveries++;
      return null;
    },
  };
}

/** Quoted, printable and short, for names the sender chose. */
function show(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
