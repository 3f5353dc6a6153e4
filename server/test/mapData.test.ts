// The wall's map data: the detailed form unchanged for networks up to MAP_DETAIL_MAX station
// areas, the aggregated form beyond (cells, simplified lines, station areas per feeder on demand),
// and the map served compressed as the client accepts.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNetwork, indexNetwork, type MapAreas, type MapNetwork } from '@gridwatch/shared';
import { EncodedBody, MAP_AREAS_URL, MAP_GRID, aggregateAreas, mapAreas, mapNetwork, pickEncoding, simplifyPaths } from '../src/mapData.ts';
import { startSystem, type System } from '../src/system.ts';
import { quietLogger, testBroker, testConfig, testDatabase, type TestResource } from './helpers.ts';

describe('map data', () => {
  it('lists every station area of a network up to the limit, as before', () => {
    const network = generateNetwork();
    const index = indexNetwork(network);
    // The form the wall has always had, field for field and in this order.
    const before = {
      id: network.id,
      version: 'v1',
      substations: network.substations.map((s) => ({ id: s.id, name: s.name, lon: s.lon, lat: s.lat })),
      feeders: network.feeders.map((f) => ({ id: f.id, paths: f.paths })),
      transformers: network.transformers.map((t) => [t.id, t.lon, t.lat, index.customersOf.get(t.id)!.length]),
    };
    expect(JSON.stringify(mapNetwork(index, 'v1'))).toBe(JSON.stringify(before));
  });

  it('sums the station areas of a large network in grid cells, every one counted once', () => {
    const network = generateNetwork({ meters: 30_000, seed: 3 });
    const index = indexNetwork(network);
    const map = mapNetwork(index, 'v2', 100);
    expect(map.transformers).toEqual([]);
    expect(map.areasUrl).toBe(MAP_AREAS_URL);
    const cells = map.cells!;
    expect(cells.length).toBeGreaterThan(10);
    expect(cells.length).toBeLessThan(network.transformers.length);
    expect(cells.reduce((n, c) => n + c[2], 0)).toBe(network.transformers.length);
    expect(cells.reduce((n, c) => n + c[3], 0)).toBe(network.customers.length);
    const lons = network.transformers.map((t) => t.lon);
    const lats = network.transformers.map((t) => t.lat);
    for (const [lon, lat, areas] of cells) {
      expect(areas).toBeGreaterThan(0);
      expect(lon).toBeGreaterThanOrEqual(Math.min(...lons) - 1e-5);
      expect(lon).toBeLessThanOrEqual(Math.max(...lons) + 1e-5);
      expect(lat).toBeGreaterThanOrEqual(Math.min(...lats) - 1e-5);
      expect(lat).toBeLessThanOrEqual(Math.max(...lats) + 1e-5);
    }
    // Same feeders and substations; lines never longer than before.
    expect(map.feeders.map((f) => f.id)).toEqual(network.feeders.map((f) => f.id));
    map.feeders.forEach((f, i) => expect(f.paths.flat().length).toBeLessThanOrEqual(network.feeders[i]!.paths.flat().length));
    expect(map.substations).toHaveLength(network.substations.length);
  });

  it('places a cell at the mean of its station areas and keeps distant ones apart', () => {
    const { cells, tolerance } = aggregateAreas(
      [
        ['a', 120, 36, 10],
        ['b', 120.00002, 36.00002, 20],
        ['c', 121, 37, 5],
      ],
      64,
    );
    expect(cells).toEqual([
      [120.00001, 36.00001, 2, 30],
      [121, 37, 1, 5],
    ]);
    expect(tolerance).toBeCloseTo(1 / 64 / 2, 9);
    // The grid follows the longer side: never more than MAP_GRID cells along it.
    const line = Array.from({ length: 5000 }, (_, i) => [`t${i}`, 120 + i * 1e-4, 36, 1] as [string, number, number, number]);
    const along = aggregateAreas(line).cells;
    expect(along.length).toBeLessThanOrEqual(MAP_GRID + 1);
    expect(along.length).toBeGreaterThan(MAP_GRID - 2);
  });

  it('simplifies lines to the resolution: ends kept, straight runs dropped, corners kept', () => {
    const straight: [number, number][] = [[120, 36], [120.001, 36], [120.002, 36], [120.003, 36]];
    const corner: [number, number][] = [[120, 36], [120.01, 36], [120.01, 36.01]];
    const wiggle: [number, number][] = [[120, 36], [120.005, 36.000001], [120.01, 36]];
    expect(simplifyPaths([straight, corner, wiggle], 0.001)).toEqual([
      [[120, 36], [120.003, 36]],
      corner,
      [[120, 36], [120.01, 36]],
    ]);
    expect(simplifyPaths([[[120.123456, 36.654321], [121, 37]]], 0.001)).toEqual([[[120.12346, 36.65432], [121, 37]]]);
  });

  it('answers the station areas asked for, once each, unknown ones none', () => {
    const network = generateNetwork();
    const index = indexNetwork(network);
    const [t0, t1] = network.transformers;
    const a = mapAreas(index, 'v3', [t0!.id, t1!.id, t0!.id, 'nope']);
    expect(a).toEqual({
      version: 'v3',
      transformers: [
        [t0!.id, t0!.lon, t0!.lat, index.customersOf.get(t0!.id)!.length],
        [t1!.id, t1!.lon, t1!.lat, index.customersOf.get(t1!.id)!.length],
      ],
    });
    expect(mapAreas(index, 'v3', ['nope']).transformers).toEqual([]);
  });

  it('picks the encoding the client accepts, brotli first', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0.8')).toBe('gzip');
    expect(pickEncoding('identity')).toBe('identity');
    expect(pickEncoding(undefined)).toBe('identity');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('*, br;q=0')).toBe('gzip');
    const json = JSON.stringify({ a: 'b'.repeat(1000) });
    const body = new EncodedBody(json);
    expect(brotliDecompressSync(body.get('br')).toString()).toBe(json);
    expect(gunzipSync(body.get('gzip')).toString()).toBe(json);
    expect(body.get('identity').toString()).toBe(json);
    expect(body.get('br')).toBe(body.get('br'));
  });
});

describe('map endpoints', () => {
  let db: TestResource;
  let broker: TestResource;
  let system: System;

  beforeAll(async () => {
    db = await testDatabase();
    broker = await testBroker();
    system = await startSystem(await testConfig(db, broker, { network: 'demo' }), quietLogger, { httpLogger: false });
  });

  afterAll(async () => {
    await system?.close();
    await broker?.close();
    await db?.close();
  });

  it('serves the map compressed as accepted, the same map each way, and revalidates', async () => {
    const get = (encoding: string, headers: Record<string, string> = {}) => system.app.inject({ url: '/api/network/map', headers: { 'accept-encoding': encoding, ...headers } });
    const plain = await get('identity');
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const map = plain.json() as MapNetwork;
    expect(map.transformers).toHaveLength(72);
    const br = await get('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString())).toEqual(map);
    const gz = await get('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString())).toEqual(map);
    const etag = String(plain.headers.etag);
    expect((await get('br', { 'if-none-match': etag })).statusCode).toBe(304);
    expect((await get('br', { 'if-none-match': `"${map.version}"` })).statusCode).toBe(304);
    expect((await get('br', { 'if-none-match': '"other"' })).statusCode).toBe(200);
  });

  it('answers station areas by id, at most 1,000 at a time, never cached', async () => {
    const ids = system.core.index.network.transformers.slice(0, 5).map((t) => t.id);
    const res = await system.app.inject({ url: `${MAP_AREAS_URL}?ids=${ids.join(',')}`, headers: { 'accept-encoding': 'identity' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const areas = res.json() as MapAreas;
    expect(areas.version).toBe(system.core.summary.version);
    expect(areas.transformers.map((r) => r[0])).toEqual(ids);
    const many = Array.from({ length: 1_001 }, (_, i) => `T${i}`).join(',');
    expect((await system.app.inject({ url: `${MAP_AREAS_URL}?ids=${many}` })).statusCode).toBe(400);
    expect((await system.app.inject({ url: MAP_AREAS_URL })).statusCode).toBe(400);
  });
});
