// The HTTP edge under unwelcome visitors: every write checks the role, sign-in and writes are
// rate-limited, security headers and CORS are set, the audit log records who did what (and keeps
// no secrets), injection strings stay data, and no secret reaches a log line.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/config.ts';
import { auditDetail, inlineScriptHashes, tileOrigins } from '../src/security.ts';
import { redactUrl } from '../src/app.ts';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from './helpers.ts';

const PASSWORD = 'security-test-password';
const WALL = 'wall-token-for-security-0123';
const INTAKE = 'intake-key-for-security-0123';
const INJECTIONS = [
  `' OR '1'='1`,
  `1; DROP TABLE outages; --`,
  `x'); DELETE FROM users; --`,
  `" OR ""="`,
  `$1) OR true --`,
  `\\'; SELECT pg_sleep(5); --`,
  `%' UNION SELECT password_hash, username FROM users --`,
];

let db: TestResource;
let broker: TestResource;
let system: System;

beforeAll(async () => {
  db = await testDatabase();
  broker = await testBroker();
  const config = await testConfig(db, broker, {
    network: 'demo',
    consolePassword: PASSWORD,
    wallTokens: [{ name: 'lobby', key: WALL }],
    intakeApiKeys: [{ name: 'hotline', key: INTAKE }],
    corsOrigins: ['https://ops.example.cn'],
    loginRatePerMin: 5,
    writeRatePerMin: 40,
  });
  system = await startSystem(config, quietLogger, { httpLogger: false });
});

afterAll(async () => {
  await system?.close();
  await broker?.close();
  await db?.close();
});

const inject = (method: 'GET' | 'POST', url: string, token?: string, payload?: unknown, headers: Record<string, string> = {}) =>
  system.app.inject({ method, url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
const signIn = async (username: string) => {
  const r = await inject('POST', '/api/login', undefined, { username, password: PASSWORD });
  expect(r.statusCode).toBe(200);
  return r.json().token as string;
};
const audit = async (token: string, actor?: string) =>
  (await inject('GET', `/api/audit?limit=1000${actor ? `&actor=${encodeURIComponent(actor)}` : ''}`, token)).json().entries as {
    actor: string; role: string | null; action: string; target: string | null; status: number; detail: unknown;
  }[];

describe('every write checks the role', () => {
  it('refuses each write route without a sign-in (401) and with a read-only wall token (403)', async () => {
    const writes = system.app.routeList.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
    // The API's writes, found from the routes themselves (a new one is checked without editing this test).
    expect(writes.length).toBeGreaterThanOrEqual(7);
    for (const r of writes) {
      const url = r.url.replace(/:(\w+)/g, 'X-1');
      if (r.url === '/api/login') continue; // the way in
      const anonymous = await inject('POST', url, undefined, {});
      expect(anonymous.statusCode, `${r.method} ${r.url} without a sign-in`).toBe(401);
      const wall = await inject('POST', url, WALL, {});
      // Contacts are entered with an intake key or an officer's sign-in; a wall token is neither.
      expect(wall.statusCode, `${r.method} ${r.url} with a wall token`).toBe(403);
    }
  });

  it('lets a team leader work orders but not alerts, the model or the audit log', async () => {
    const team = system.core.index.network.teams[0]!.id;
    const leader = await inject('POST', '/api/login', undefined, { username: `team-${team}`, password: 'wrong-password-x' });
    expect(leader.statusCode).toBe(401);
    const officer = await signIn('officer');
    expect((await inject('POST', '/api/risk/retrain', officer)).statusCode).toBe(403);
    expect((await inject('GET', '/api/audit', officer)).statusCode).toBe(403);
    expect((await inject('GET', '/api/audit', await signIn('manager'))).statusCode).toBe(200);
  });
});

describe('headers and CORS', () => {
  it('sends security headers with a content security policy on pages and API answers', async () => {
    for (const url of ['/', '/api/health']) {
      const r = await inject('GET', url);
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain(`default-src 'self'`);
      expect(csp).toContain(`frame-ancestors 'none'`);
      expect(csp).toContain(`object-src 'none'`);
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('answers CORS only for the configured origins', async () => {
    const ok = await inject('GET', '/api/kpis', WALL, undefined, { origin: 'https://ops.example.cn' });
    expect(ok.headers['access-control-allow-origin']).toBe('https://ops.example.cn');
    const evil = await inject('GET', '/api/kpis', WALL, undefined, { origin: 'https://evil.example.com' });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await system.app.inject({
      method: 'OPTIONS', url: '/api/contacts', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses the realtime socket to browsers on other sites (CORS does not cover WebSocket)', async () => {
    const attempt = (origin?: string) =>
      new Promise<string>((resolve) => {
        const s = connect(system.url, { transports: ['websocket'], reconnection: false, auth: { token: WALL }, ...(origin ? { extraHeaders: { origin } } : {}) });
        s.on('snapshot', () => (s.disconnect(), resolve('snapshot')));
        s.on('connect_error', (err) => (s.disconnect(), resolve(`refused: ${err.message}`)));
      });
    expect(await attempt('https://evil.example.com')).toMatch(/^refused/);
    expect(await attempt('https://ops.example.cn')).toBe('snapshot');
    expect(await attempt(new URL(system.url).origin)).toBe('snapshot');
    expect(await attempt()).toBe('snapshot');
  });

  it('lets the built page run its one inline script by hash, and tiles load from their host', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gw-csp-'));
    await writeFile(path.join(dir, 'index.html'), '<script>var a = 1;</script><script type="module" src="/x.js"></script>');
    // echo -n 'var a = 1;' | openssl dgst -sha256 -binary | base64
    expect(inlineScriptHashes(dir)).toEqual([`'sha256-+dZ6udsWxNVoGfScAq7t5IIF5UJb4F6RhjbN6oe1p4w='`]);
    expect(tileOrigins('https://{s}.tile.example.cn/{z}/{x}/{y}.png')).toEqual(['https://*.tile.example.cn']);
    expect(tileOrigins('http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png')).toEqual(['http://10.1.2.3:8080']);
  });
});

describe('rate limits', () => {
  it('slows down password guessing per address and username, with a clear answer', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await inject('POST', '/api/login', undefined, { username: 'lead', password: `guess-${i}-xxxx` })).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
    const refused = await inject('POST', '/api/login', undefined, { username: 'lead', password: PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatch(/too many requests: at most 5 a minute; try again in \d+ s/);
    // Another user at the same desk still signs in.
    expect((await inject('POST', '/api/login', undefined, { username: 'admin', password: PASSWORD })).statusCode).toBe(200);
    const metrics = (await inject('GET', '/metrics')).body;
    expect(metrics).toMatch(/gridwatch_http_rate_limited_total\{limit="login"\} 3/);
  });

  it('limits writes per user, and reads not at all', async () => {
    const admin = await signIn('admin');
    const codes: number[] = [];
    for (let i = 0; i < 45; i++) codes.push((await inject('POST', '/api/alerts/none/acknowledge', admin, {})).statusCode);
    expect(codes.filter((c) => c === 404)).toHaveLength(40);
    expect(codes.slice(40)).toEqual([429, 429, 429, 429, 429]);
    for (let i = 0; i < 60; i++) expect((await inject('GET', '/api/kpis', admin)).statusCode).toBe(200);
    // Another user is not held back by this one.
    expect((await inject('POST', '/api/alerts/none/acknowledge', await signIn('officer'), {})).statusCode).toBe(404);
  });
});

describe('audit log', () => {
  it('records who did what — refused and failed writes and sign-ins too — without their secrets', async () => {
    const manager = await signIn('manager');
    const officer = await signIn('officer');
    expect((await inject('POST', '/api/alerts/al-9/resolve', officer, { note: 'checked on site' })).statusCode).toBe(404);
    expect((await inject('POST', '/api/risk/retrain', WALL)).statusCode).toBe(403);
    expect((await inject('POST', '/api/login', undefined, { username: 'officer', password: 'not-the-password-1' })).statusCode).toBe(401);
    const customer = system.core.index.network.customers[0]!.id;
    const contact = await inject('POST', '/api/contacts', INTAKE, { id: 'sec-c-1', ts: Date.now(), channel: 'hotline', customer, category: 'outage', text: 'no power' });
    expect(contact.statusCode).toBe(201);

    const entries = await eventually(async () => {
      const e = await audit(manager);
      return e.some((x) => x.actor === 'intake:hotline') ? e : null;
    });
    const find = (actor: string, action: string) => entries.find((e) => e.actor === actor && e.action === action);
    expect(find('officer', 'POST /api/alerts/:id/resolve')).toMatchObject({ role: 'officer', status: 404, target: '{"id":"al-9"}', detail: { note: 'checked on site' } });
    expect(find('wall-lobby', 'POST /api/risk/retrain')).toMatchObject({ role: 'wall', status: 403 });
    expect(entries.filter((e) => e.action === 'POST /api/login' && e.actor === 'officer').map((e) => e.status)).toEqual(expect.arrayContaining([200, 401]));
    expect(find('intake:hotline', 'POST /api/contacts')).toMatchObject({ status: 201, detail: { id: 'sec-c-1', customer } });
    const text = JSON.stringify(entries);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('not-the-password-1');
    expect(text).not.toContain(INTAKE);
    expect(text).toContain('[redacted]');
    // Filtered by actor.
    expect((await audit(manager, 'wall-lobby')).every((e) => e.actor === 'wall-lobby')).toBe(true);
  });

  it('is append-only: the database refuses to change or delete an entry', async () => {
    const pool = system.pool;
    await eventually(async () => ((await pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n > 0 ? true : null));
    await expect(pool.query(`UPDATE audit_log SET actor = 'someone-else'`)).rejects.toThrow(/append-only/);
    await expect(pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });

  it('keeps secrets and oversized values out of the stored detail', () => {
    expect(auditDetail({ username: 'a', password: 'p', nested: { apiKey: 'k', text: 'x'.repeat(600) } })).toEqual({
      username: 'a', password: '[redacted]', nested: { apiKey: '[redacted]', text: `${'x'.repeat(500)}…` },
    });
    expect(JSON.stringify(auditDetail({ list: Array.from({ length: 5000 }, (_, i) => `item ${i} ${'y'.repeat(40)}`) })).length).toBeLessThan(2_200);
    expect(auditDetail({ text: 'a\u0000b' })).toEqual({ text: 'a\ufffdb' });
    expect(redactUrl('/?token=abc&lang=en')).toBe('/?token=[redacted]&lang=en');
  });
});

describe('injection strings stay data', () => {
  it('finds nothing for injected ids and filters, and leaves every table as it was', async () => {
    const officer = await signIn('officer');
    const users = (await system.pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n as number;
    for (const s of INJECTIONS) {
      const q = encodeURIComponent(s);
      expect((await inject('GET', `/api/outages/${q}`, officer)).statusCode).toBe(404);
      expect((await inject('GET', `/api/alerts/${q}`, officer)).statusCode).toBe(404);
      expect((await inject('GET', `/api/orders/${q}`, officer)).statusCode).toBe(404);
      expect((await inject('GET', `/api/orders?customer=${q}`, officer)).json()).toEqual({ orders: [], total: 0 });
      expect((await inject('GET', `/api/orders?team=${q}&grid=${q}&outage=${q}`, officer)).json()).toEqual({ orders: [], total: 0 });
      expect((await inject('GET', `/api/notices?outage=${q}`, officer)).json()).toEqual({ notices: [] });
      expect((await inject('POST', '/api/login', undefined, { username: s, password: s })).statusCode).toBe(401);
      expect((await inject('POST', `/api/orders/${q}/actions`, officer, { action: 'accept' })).statusCode).toBe(404);
    }
    expect((await system.pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(users);
    await system.pool.query('SELECT 1 FROM outages LIMIT 1');
  });

  it('stores an injection string in a contact exactly as sent', async () => {
    const customer = system.core.index.network.customers[1]!.id;
    const text = INJECTIONS.join(' | ');
    const r = await inject('POST', '/api/contacts', INTAKE, { id: `sec-inj-1`, ts: Date.now(), channel: 'app', customer, category: 'other', text });
    expect(r.statusCode).toBe(201);
    const stored = await eventually(async () => (await system.pool.query('SELECT text FROM contacts WHERE id = $1', ['sec-inj-1'])).rows[0]);
    expect(stored.text).toBe(text);
  });
});

describe('secrets', () => {
  it('writes no secret to the console, even at debug level with failed sign-ins and tokens in URLs', async () => {
    const secrets = {
      SESSION_SECRET: 'session-secret-never-logged-42',
      CONSOLE_PASSWORD: 'console-password-never-logged',
      WALL_TOKENS: 'tv:wall-token-never-logged-4242',
      INTAKE_API_KEYS: 'crm:intake-key-never-logged-4242',
      TEAM_PASSWORD: 'team-password-never-logged',
      MQTT_PASSWORD: 'mqtt-password-never-logged',
    };
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gw-secrets-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/src/main.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...secrets, PORT: String(port), HOST: '127.0.0.1', MQTT_PORT: '0', MQTT_USERNAME: 'gridwatch', SIMULATOR: 'false', NETWORK: 'demo', LOG_LEVEL: 'debug', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => (await fetch(`${base}/api/health`)).ok, 60_000, 'the server to start');
      await fetch(`${base}/?token=wall-token-never-logged-4242`);
      await fetch(`${base}/api/kpis?token=wall-token-never-logged-4242`, { headers: { authorization: 'Bearer wall-token-never-logged-4242' } });
      await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'console-password-never-logged' }) });
      await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": "admin", "password": "console-password-never-logged"' });
      await fetch(`${base}/api/contacts`, { method: 'POST', headers: { authorization: 'Bearer intake-key-never-logged-4242', 'content-type': 'application/json' }, body: '{}' });
      // The server did log (this test would pass trivially on silence).
      await eventually(() => out.includes('/api/kpis'), 10_000, 'request log lines');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    for (const [key, value] of Object.entries(secrets)) {
      const secret = value.includes(':') ? value.split(':')[1]! : value;
      expect(out.includes(secret), `${key} appeared in the log`).toBe(false);
    }
  });
});
