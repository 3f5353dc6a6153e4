// MQTT access control shared by both brokers. Mosquitto (docker compose) reads
// docker/mosquitto/acl and a password file made with `mosquitto_passwd`; the embedded aedes broker
// reads the very same two files through this module, so there is one set of rules, not two that
// could drift apart. Pure: text in, decisions out (password hashing uses node:crypto, no I/O).
//
// The semantics are Mosquitto 2's default security (src/security_default.c, lib/util_topic.c),
// checked against a real Mosquitto by server/test/mqttAcl.real.test.ts:
// - `user <name>` starts a block; `topic [read|write|readwrite|deny] <filter>` lines belong to the
//   block above them (before any `user` line: to clients without a username);
//   `pattern [access] <filter>` lines apply to every client, `%u` / `%c` standing for its username
//   / client id. No access word means readwrite.
// - A client's own block is checked first, then the patterns; in each, `deny` lines come first
//   whatever their place in the file. The first matching line decides; nothing matching: denied.
// - A username or client id holding `+` or `#` gets nothing from the patterns (they would turn
//   into wildcards).
// - Subscriptions are always accepted; every message is checked against the subscriber's `read`
//   access when it is delivered (Mosquitto 2.0 does the same: SUBACK grants, delivery filters).
//
// Stricter than Mosquitto, so that a file means the same on every broker version:
// - `%u` / `%c` must be a whole topic level (`gw/v1/ami/%u/readings`, not `ami-%u`), and a username
//   or client id holding `/` never matches one (Mosquitto versions differ there: 2.0.11 substitutes
//   the whole string, later ones compare one level).
// - A malformed line, an unknown hash type or a duplicate user stops the start with the line
//   number, where Mosquitto logs it and drops the entry.
import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';

export type Access = 'read' | 'write';

const READ = 1;
const WRITE = 2;
const DENY = 0;

interface Rule {
  /** The filter as written. */
  filter: string;
  levels: string[];
  /** READ | WRITE bits; DENY (0) for a deny line. */
  access: number;
  line: number;
}

export interface Acl {
  /** Blocks by username; `null`: the block for clients without a username. Deny lines first. */
  users: ReadonlyMap<string | null, readonly Rule[]>;
  /** Pattern lines, deny lines first. */
  patterns: readonly Rule[];
  /** Not errors, but worth a line in the log (e.g. a pattern without %u or %c applies to all). */
  warnings: string[];
}

export interface Identity {
  /** null: signed in without a username (only possible on a broker that allows anonymous). */
  username: string | null;
  clientId: string;
}

export class AclFileError extends Error {}

/** Parses a Mosquitto acl_file. Throws AclFileError naming the line for anything it cannot read. */
export function parseAcl(text: string, source = 'acl file'): Acl {
  const users = new Map<string | null, Rule[]>();
  const patterns: Rule[] = [];
  const warnings: string[] = [];
  let user: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const fail = (why: string): never => {
      throw new AclFileError(`${source} line ${n}: ${why}`);
    };
    // Like Mosquitto: trailing white space goes; a comment is a `#` in the first column; words are
    // separated by spaces only (a tab is part of a word, and Mosquitto rejects such a line too).
    const raw = lines[i]!.replace(/\s+$/, '');
    if (raw.startsWith('#')) continue;
    const line = raw.replace(/^ +/, '');
    if (line === '') continue;
    const sp = line.indexOf(' ');
    const keyword = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1).replace(/^ +/, '');
    if (keyword === 'user') {
      const name = rest.trim();
      if (!name) fail('`user` needs a username');
      user = name;
      continue;
    }
    if (keyword !== 'topic' && keyword !== 'pattern') fail(`expected user, topic or pattern, got "${keyword.slice(0, 40)}"`);
    if (!rest) fail(`\`${keyword}\` needs a topic filter`);
    const sp2 = rest.indexOf(' ');
    // `topic <filter>` (readwrite) or `topic <access> <filter>`; the filter is the rest of the line.
    const word = sp2 < 0 ? null : rest.slice(0, sp2);
    const filter = sp2 < 0 ? rest : rest.slice(sp2 + 1).trim();
    let access: number;
    if (word === null) access = READ | WRITE;
    else if (word === 'read') access = READ;
    else if (word === 'write') access = WRITE;
    else if (word === 'readwrite') access = READ | WRITE;
    else if (word === 'deny') access = DENY;
    else access = fail(`access must be read, write, readwrite or deny, got "${word.slice(0, 40)}"`);
    const bad = filterProblem(filter);
    if (bad) fail(`invalid topic filter "${filter.slice(0, 80)}": ${bad}`);
    const levels = filter.split('/');
    if (keyword === 'pattern') {
      if (/%[uc]/.test(filter) && levels.some((l) => /%[uc]/.test(l) && l !== '%u' && l !== '%c')) {
        fail(`%u and %c must each be a whole topic level (e.g. gw/v1/ami/%u/readings), got "${filter.slice(0, 80)}"`);
      }
      if (!levels.includes('%u') && !levels.includes('%c')) warnings.push(`${source} line ${n}: pattern "${filter}" has no %u or %c and applies to every client`);
      insert(patterns, { filter, levels, access, line: n });
    } else {
      let list = users.get(user);
      if (!list) users.set(user, (list = []));
      insert(list, { filter, levels, access, line: n });
    }
  }
  return { users, patterns, warnings };
}

/** Deny lines go before the others (Mosquitto puts them at the front of their list). */
function insert(list: Rule[], rule: Rule): void {
  if (rule.access === DENY) {
    const firstGrant = list.findIndex((r) => r.access !== DENY);
    list.splice(firstGrant < 0 ? list.length : firstGrant, 0, rule);
  } else list.push(rule);
}

/** Why a subscription filter is invalid (Mosquitto's mosquitto_sub_topic_check), or null. */
export function filterProblem(filter: string): string | null {
  if (filter.length === 0) return 'empty';
  if (filter.length > 65535) return 'too long';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes('+') && l !== '+') return '+ must be a whole level';
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return '# must be the whole last level';
  }
  return null;
}

/**
 * Does `topic` (as published, no wildcards) match `filter`? MQTT rules: `+` is one level, `#` the
 * rest including none (`a/#` matches `a`), and a wildcard never matches a `$…` first level.
 * `%u` / `%c` levels match the identity's username / client id exactly.
 */
function matches(levels: readonly string[], topic: readonly string[], who: Identity | null): boolean {
  for (let i = 0; i < levels.length; i++) {
    const f = levels[i]!;
    if (f === '#') return true;
    if (i >= topic.length) return false;
    const t = topic[i]!;
    if (f === '+') continue;
    if (who && (f === '%u' || f === '%c')) {
      const value = f === '%u' ? who.username : who.clientId;
      if (!value || value.includes('/') || value !== t) return false;
      continue;
    }
    if (f !== t) return false;
  }
  return levels.length === topic.length;
}

export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') !== filter.startsWith('$')) return false;
  return matches(filter.split('/'), topic.split('/'), null);
}

/** May this identity publish (`write`) to, or receive (`read`) a message on, this topic? */
export function allowed(acl: Acl, who: Identity, topic: string, access: Access): boolean {
  const want = access === 'read' ? READ : WRITE;
  const own = acl.users.get(who.username);
  if (!own && acl.patterns.length === 0) return false;
  const levels = topic.split('/');
  const dollar = topic.startsWith('$');
  for (const rule of own ?? []) {
    if (dollar !== rule.filter.startsWith('$')) continue;
    if (!matches(rule.levels, levels, null)) continue;
    if (rule.access === DENY) return false;
    if (rule.access & want) return true;
  }
  if (acl.patterns.length === 0) return false;
  if (who.username !== null && /[+#]/.test(who.username)) return false;
  if (/[+#]/.test(who.clientId)) return false;
  for (const rule of acl.patterns) {
    if (rule.levels.includes('%u') && !who.username) continue;
    if (dollar !== rule.filter.startsWith('$')) continue;
    if (!matches(rule.levels, levels, who)) continue;
    if (rule.access === DENY) return false;
    if (rule.access & want) return true;
  }
  return false;
}

// ---- password file ----

export interface PasswordEntry {
  /** `$7$`: PBKDF2-HMAC-SHA512 (mosquitto_passwd's default since 2.0); `$6$`: SHA-512(password ‖ salt). */
  kind: 'pbkdf2-sha512' | 'sha512';
  iterations: number;
  salt: Buffer;
  hash: Buffer;
}

export class PasswordFileError extends Error {}

/** Parses a Mosquitto password_file (`username:$7$iterations$salt$hash` per line). */
export function parsePasswordFile(text: string, source = 'password file'): Map<string, PasswordEntry> {
  const users = new Map<string, PasswordEntry>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fail = (why: string): never => {
      throw new PasswordFileError(`${source} line ${i + 1}: ${why}`);
    };
    const colon = line.indexOf(':');
    if (colon <= 0) fail('expected username:hash');
    const username = line.slice(0, colon).trim();
    const stored = line.slice(colon + 1).split(':')[0]!.trim();
    if (users.has(username)) fail(`user "${username}" appears twice`);
    users.set(username, decodeHash(stored, fail));
  }
  return users;
}

function decodeHash(stored: string, fail: (why: string) => never): PasswordEntry {
  const parts = stored.split('$');
  // "$7$101$salt$hash" splits into ['', '7', '101', salt, hash].
  if (parts[0] !== '' || (parts[1] !== '6' && parts[1] !== '7')) {
    return fail('not a mosquitto_passwd hash ($6$ or $7$); hash plain-text passwords with `mosquitto_passwd -U <file>`');
  }
  const pbkdf = parts[1] === '7';
  if (parts.length !== (pbkdf ? 5 : 4)) return fail('malformed hash');
  const iterations = pbkdf ? Number(parts[2]) : 0;
  if (pbkdf && !(Number.isInteger(iterations) && iterations >= 1)) return fail('malformed hash: bad iteration count');
  const salt = Buffer.from(parts[pbkdf ? 3 : 2]!, 'base64');
  const hash = Buffer.from(parts[pbkdf ? 4 : 3]!, 'base64');
  if ((salt.length !== 12 && salt.length !== 64) || hash.length !== 64) return fail('malformed hash: wrong salt or hash length');
  return { kind: pbkdf ? 'pbkdf2-sha512' : 'sha512', iterations, salt, hash };
}

async function digest(entry: PasswordEntry, password: Buffer): Promise<Buffer> {
  if (entry.kind === 'sha512') return createHash('sha512').update(password).update(entry.salt).digest();
  return new Promise((resolve, reject) => pbkdf2(password, entry.salt, entry.iterations, 64, 'sha512', (err, key) => (err ? reject(err) : resolve(key))));
}

export async function verifyPassword(entry: PasswordEntry, password: Buffer | string): Promise<boolean> {
  const got = await digest(entry, Buffer.isBuffer(password) ? password : Buffer.from(password, 'utf8'));
  return got.length === entry.hash.length && timingSafeEqual(got, entry.hash);
}

/**
 * A password_file line value in mosquitto_passwd's `$7$` format, which Mosquitto reads as it is.
 * (mosquitto_passwd 2.0 uses 101 iterations; more cost nothing per connection that matters.)
 */
export async function hashPassword(password: string, iterations = 1000): Promise<string> {
  const salt = randomBytes(12);
  const hash = await digest({ kind: 'pbkdf2-sha512', iterations, salt, hash: Buffer.alloc(0) }, Buffer.from(password, 'utf8'));
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}
