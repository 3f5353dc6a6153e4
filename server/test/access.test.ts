// Read access with wall tokens (WALL_TOKENS): the wall's data — read API and realtime socket —
// needs a read-only wall token or a console sign-in; a wall token writes nothing.
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '@gridwatch/shared';
import { startSystem, type System } from '../src/system.ts';
import { eventually, quietLogger, testBroker, testConfig, testDatabase, type TestResource } from './helpers.ts';

let db: TestResource;
let broker: TestResource;
let system: System;
const WALL = 'lobby-wall-token-0123456789';

beforeAll(async () => {
  db = await testDatabase();
  broker = await testBroker();
  const config = await testConfig(db, broker, { network: 'demo', consolePassword: 'test-password-4', wallTokens: [{ name: 'lobby', key: WALL }] });
  system = await startSystem(config, quietLogger, { httpLogger: false });
});

afterAll(async () => {
  await system?.close();
  await broker?.close();
  await db?.close();
});

const get = (url: string, token?: string) => system.app.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} });
const socketResult = (token?: string) =>
  new Promise<'snapshot' | string>((resolve) => {
    const s = connect(system.url, { transports: ['websocket'], reconnection: false, ...(token ? { auth: { token } } : {}) });
    s.on('snapshot', (_x: Snapshot) => {
      s.disconnect();
      resolve('snapshot');
    });
    s.on('connect_error', (err) => {
      s.disconnect();
      resolve(err.message);
    });
  });

describe('wall tokens', () => {
  it('keeps the wall data from anyone without a wall token or a sign-in', async () => {
    expect((await get('/api/outages')).statusCode).toBe(401);
    expect((await get('/api/network/map')).statusCode).toBe(401);
    expect((await get('/api/outages', 'not-the-token-0123456789')).statusCode).toBe(401);
    expect((await get('/api/health')).statusCode).toBe(200);
    expect((await get('/api/config')).statusCode).toBe(200);
    expect(await socketResult()).toMatch(/unauthorized/);
    expect(await socketResult('not-the-token-0123456789')).toMatch(/unauthorized/);
  });

  it('lets a wall token and a console session read, and a wall token write nothing', async () => {
    expect((await get('/api/outages', WALL)).statusCode).toBe(200);
    expect((await get('/api/me', WALL)).json()).toMatchObject({ role: 'wall', username: 'wall-lobby' });
    expect(await socketResult(WALL)).toBe('snapshot');
    const login = await system.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'officer', password: 'test-password-4' } });
    const session = login.json().token as string;
    expect((await get('/api/service', session)).statusCode).toBe(200);
    expect(await socketResult(session)).toBe('snapshot');
    const write = await system.app.inject({ method: 'POST', url: '/api/risk/retrain', headers: { authorization: `Bearer ${WALL}` } });
    expect(write.statusCode).toBe(403);
    await eventually(async () => (await get('/api/kpis', WALL)).statusCode === 200, 2_000, 'kpis');
  });
});
