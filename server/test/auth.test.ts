// Password hashes: chosen passwords at scrypt's full cost, generated ones (72 random bits) at a
// low cost so that a network's thousands of team leaders get theirs within seconds.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrapUsers, findUser, GENERATED_SCRYPT_N, hashPassword, verifyPassword } from '../src/auth.ts';
import type { Pool } from '../src/db/pool.ts';
import { migratedDatabase } from './helpers.ts';

describe('password hashes', () => {
  it('hashes chosen passwords at full cost, generated ones cheaply, and verifies both', async () => {
    const chosen = await hashPassword('correct horse');
    expect(chosen).toMatch(/^scrypt\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse', chosen)).toBe(true);
    expect(await verifyPassword('correct horsf', chosen)).toBe(false);
    const generated = await hashPassword('Zm9vYmFyYmF6', GENERATED_SCRYPT_N);
    expect(generated).toMatch(/^scrypt:1024\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('Zm9vYmFyYmF6', generated)).toBe(true);
    expect(await verifyPassword('Zm9vYmFyYmF7', generated)).toBe(false);
    // The cost is part of the hash: the same key under another cost does not verify.
    expect(await verifyPassword('Zm9vYmFyYmF6', generated.replace('scrypt:1024$', 'scrypt$'))).toBe(false);
    expect(await verifyPassword('correct horse', chosen.replace('scrypt$', 'scrypt:1024$'))).toBe(false);
  });

  it('refuses hashes with a cost it would not set', async () => {
    const generated = await hashPassword('x', GENERATED_SCRYPT_N);
    for (const scheme of ['scrypt:2', 'scrypt:1000', 'scrypt:1048576', 'scrypt:', 'bcrypt']) {
      expect(await verifyPassword('x', generated.replace('scrypt:1024', scheme))).toBe(false);
    }
  });
});

describe('first start with many grid teams', () => {
  const database = migratedDatabase();
  let pool: Pool;
  beforeAll(() => {
    pool = database.pool();
  });

  it('gives each of 1,500 team leaders a password of their own, quickly', async () => {
    const teams = Array.from({ length: 1_500 }, (_, i) => ({ id: `TEAM${String(i + 1).padStart(5, '0')}`, name: `网格服务队 ${i + 1} / Grid team ${i + 1}` }));
    const t0 = Date.now();
    const r = await bootstrapUsers(pool, 'centre-password-1', teams);
    // At full cost, one hash after another, this took over a minute here; now a few seconds.
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.teamPasswords).toHaveLength(1_500);
    expect(new Set(r.teamPasswords.map(([, pw]) => pw)).size).toBe(1_500);
    expect(r.teamPasswords[0]![0]).toBe('team-TEAM00001');
    const n = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'team'`);
    expect(n.rows[0]!.n).toBe(1_500);
    for (const [username, pw] of [r.teamPasswords[0]!, r.teamPasswords[777]!, r.teamPasswords[1_499]!]) {
      expect(await findUser(pool, username, pw)).toMatchObject({ username, role: 'team' });
      expect(await findUser(pool, username, r.teamPasswords[1]![1])).toBeNull();
    }
    // The centre's users keep the full cost.
    expect(await findUser(pool, 'officer', 'centre-password-1')).toMatchObject({ role: 'officer' });
    const officer = await pool.query<{ h: string }>(`SELECT password_hash AS h FROM users WHERE username = 'officer'`);
    expect(officer.rows[0]!.h).toMatch(/^scrypt\$/);
    // Next start: nothing to create.
    expect((await bootstrapUsers(pool, null, teams)).created).toEqual([]);
  });
});
