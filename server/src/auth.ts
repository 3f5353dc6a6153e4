// Console sign-in: users with scrypt-hashed passwords in the database, and signed bearer tokens
// that expire. A token is `base64url(payload).base64url(HMAC-SHA256(payload))`; the secret comes
// from SESSION_SECRET (or is random per process, which signs everyone out on restart). Roles
// order what a user may do: wall < officer < shift-lead < manager < admin.
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ROLES, type ConsoleUser, type Role } from '@gridwatch/shared';
import type { Pool } from './db/pool.ts';

export { ROLES, type Role };
export type User = ConsoleUser;

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number }) => Promise<Buffer>;

/** scrypt's cost N for passwords people choose: stored as `scrypt$salt$key`. */
const SCRYPT_N = 16_384;
/**
 * scrypt's cost N for the passwords GridWatch generates (72 random bits): guessing one takes
 * about 2^71 tries whatever the cost per try, so a cheap hash is as safe, and the thousands of
 * team leaders of a large network get theirs in seconds instead of minutes. Stored as
 * `scrypt:1024$salt$key`.
 */
export const GENERATED_SCRYPT_N = 1_024;

export async function hashPassword(password: string, cost = SCRYPT_N): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, 32, { N: cost });
  return `${cost === SCRYPT_N ? 'scrypt' : `scrypt:${cost}`}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split('$');
  const m = /^scrypt(?::(\d{1,7}))?$/.exec(scheme ?? '');
  if (!m || !salt || !key) return false;
  const cost = m[1] ? Number(m[1]) : SCRYPT_N;
  // A power of two between the generated and the chosen passwords' costs, nothing else.
  if (cost < GENERATED_SCRYPT_N || cost > SCRYPT_N || (cost & (cost - 1)) !== 0) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: cost });
  return timingSafeEqual(actual, expected);
}

export const atLeast = (role: Role, needed: Role) => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** The name of the key `token` matches (wall tokens, intake keys; compared in constant time), or null. */
export function keyName(keys: readonly { name: string; key: string }[], token: string | undefined): string | null {
  if (!token) return null;
  const given = Buffer.from(token);
  for (const w of keys) {
    const key = Buffer.from(w.key);
    if (key.length === given.length && timingSafeEqual(key, given)) return w.name;
  }
  return null;
}

export class Tokens {
  private readonly secret: Buffer;

  constructor(
    secret: string | null,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  issue(user: User): { token: string; expiresAt: number } {
    const expiresAt = this.now() + this.ttlMs;
    const payload = Buffer.from(JSON.stringify({ u: user.username, n: user.displayName, r: user.role, ...(user.team ? { t: user.team } : {}), e: expiresAt })).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, expiresAt };
  }

  /** The user a token stands for, or null if it is forged, malformed or expired. */
  verify(token: string): User | null {
    const [payload, sig] = token.split('.');
    if (!payload || !sig) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const p = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { u: string; n: string; r: Role; t?: string; e: number };
      if (typeof p.e !== 'number' || p.e <= this.now() || !ROLES.includes(p.r)) return null;
      return { username: p.u, displayName: p.n, role: p.r, ...(typeof p.t === 'string' ? { team: p.t } : {}) };
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

export async function findUser(pool: Pool, username: string, password: string): Promise<User | null> {
  const r = await pool.query<{ username: string; display_name: string; role: Role; team: string | null; password_hash: string; disabled: boolean }>(
    'SELECT username, display_name, role, team, password_hash, disabled FROM users WHERE username = $1',
    [username],
  );
  const row = r.rows[0];
  // Hash anyway when the user is unknown, so timing does not tell which usernames exist.
  const ok = await verifyPassword(password, row?.password_hash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  if (!row || row.disabled || !ok) return null;
  return { username: row.username, displayName: row.display_name, role: row.role, ...(row.team ? { team: row.team } : {}) };
}

export async function upsertUser(pool: Pool, user: User, password: string): Promise<void> {
  await upsertUsers(pool, [user], await hashPassword(password));
}

const HASH_PARALLEL = 16;
const UPSERT_CHUNK = 1_000;

/**
 * Upserts users with one password hash for all (hashed once: scrypt is slow on purpose) or one
 * hash each.
 */
async function upsertUsers(pool: Pool, users: readonly User[], hash: string | readonly string[]): Promise<void> {
  for (let i = 0; i < users.length; i += UPSERT_CHUNK) {
    const part = users.slice(i, i + UPSERT_CHUNK);
    const hashes = typeof hash === 'string' ? part.map(() => hash) : hash.slice(i, i + UPSERT_CHUNK);
    await pool.query(
      `INSERT INTO users (username, display_name, role, team, password_hash)
       SELECT u, n, r, t, h FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(u, n, r, t, h)
       ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role, team = EXCLUDED.team, password_hash = EXCLUDED.password_hash`,
      [part.map((u) => u.username), part.map((u) => u.displayName), part.map((u) => u.role), part.map((u) => u.team ?? null), hashes],
    );
  }
}

export const DEFAULT_USERS: User[] = [
  { username: 'officer', displayName: '值班员 / Duty officer', role: 'officer' },
  { username: 'lead', displayName: '值班长 / Shift lead', role: 'shift-lead' },
  { username: 'manager', displayName: '主任 / Manager', role: 'manager' },
  { username: 'admin', displayName: '管理员 / Administrator', role: 'admin' },
];

/** One leader per grid team, `team-<team id>`, who works that team's orders. */
export const teamUsers = (teams: readonly { id: string; name: string }[]): User[] =>
  teams.map((t) => {
    // Team names are often bilingual ("网格服务队 1 / Grid team 1"): keep the name pair whole.
    const [zh, en] = t.name.includes(' / ') ? t.name.split(' / ', 2) : [t.name, t.name];
    return { username: `team-${t.id}`, displayName: `${zh}班组长 / ${en} leader`, role: 'team', team: t.id };
  });

/**
 * First start: when there are no users, creates the centre's users (`officer`, `lead`, `manager`,
 * `admin`) with CONSOLE_PASSWORD or one generated password, and one leader per grid team with
 * TEAM_PASSWORD or a password of the team's own (generated): a team leader must not hold the
 * centre's password. A database from before the team users gets them on its next start.
 * Generated passwords are returned for the caller to hand over once (never logged).
 */
export async function bootstrapUsers(
  pool: Pool,
  password: string | null,
  teams: readonly { id: string; name: string }[] = [],
  teamPassword: string | null = null,
): Promise<{ created: string[]; password: string | null; teamPasswords: [string, string][] }> {
  const r = await pool.query<{ n: number; teams: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE role = 'team')::int AS teams FROM users`);
  const { n = 0, teams: teamCount = 0 } = r.rows[0] ?? {};
  const created: string[] = [];
  let generated: string | null = null;
  if (n === 0) {
    const pw = password ?? (generated = randomBytes(9).toString('base64url'));
    await upsertUsers(pool, DEFAULT_USERS, await hashPassword(pw));
    created.push(...DEFAULT_USERS.map((u) => u.username));
  }
  const teamPasswords: [string, string][] = [];
  if (teamCount === 0 && teams.length > 0) {
    const users = teamUsers(teams);
    if (teamPassword) await upsertUsers(pool, users, await hashPassword(teamPassword));
    else {
      // One generated password per leader, hashed a few at a time on libuv's threads.
      const hashes: string[] = [];
      for (let i = 0; i < users.length; i += HASH_PARALLEL) {
        const part = users.slice(i, i + HASH_PARALLEL).map((u) => [u.username, randomBytes(9).toString('base64url')] as [string, string]);
        hashes.push(...(await Promise.all(part.map(([, pw]) => hashPassword(pw, GENERATED_SCRYPT_N)))));
        teamPasswords.push(...part);
      }
      await upsertUsers(pool, users, hashes);
    }
    created.push(`${users.length} team leaders team-<team id>`);
  }
  return { created, password: generated, teamPasswords };
}
