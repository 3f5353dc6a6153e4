// The OpenDSS importer on small hand-written models (test/fixtures): tracing loads to their
// transformer and transformers to their nearest upstream device, device parents, placement of
// lon/lat and feet coordinates, SMART-DS layouts and gaps, counts and what could not be placed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { indexNetwork, NetworkFile, validator, type NetworkFile as Network } from '@gridwatch/shared';
import { writeNetworkFile } from '../src/network/commands.ts';
import { cleanId, importOpenDss, tokenize } from '../src/network/opendss.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const check = validator(NetworkFile);

const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((x) => [x.id, x]));
/** Metres between two lon/lat points (equirectangular; fine at fixture scale). */
const metres = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) => {
  const k = Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180));
  return Math.hypot((a.lon - b.lon) * k, a.lat - b.lat) * 111_195;
};

function expectValid(network: Network) {
  const v = check.check(JSON.parse(JSON.stringify(network)));
  expect(v.ok ? 'ok' : v.reason).toBe('ok');
  const ix = indexNetwork(network);
  // Every station area reaches a feeder head breaker through existing devices of its own feeder.
  for (const t of network.transformers) {
    const up = ix.upstream(t.id);
    const head = ix.device.get(up[up.length - 1]!)!;
    expect(head).toMatchObject({ kind: 'breaker', parent: null, feeder: t.feeder });
  }
}

describe('OpenDSS text', () => {
  it('tokenizes named, positional, bracketed and commented parameters', () => {
    expect(tokenize('Transformer.T buses=(a.1, b.1.2) kvs=[7.2 0.24] Line.L1 1 ! comment bus=x')).toEqual([
      { key: null, value: 'Transformer.T' },
      { key: 'buses', value: 'a.1, b.1.2' },
      { key: 'kvs', value: '7.2 0.24' },
      { key: null, value: 'Line.L1' },
      { key: null, value: '1' },
    ]);
    expect(tokenize('Line.x Bus1 = n1.1 // trailing')).toEqual([
      { key: null, value: 'Line.x' },
      { key: 'bus1', value: 'n1.1' },
    ]);
  });

  it('makes contract ids out of model names', () => {
    expect(cleanId('tr(r:udt29-udt29lv)')).toBe('tr_udt29-udt29lv');
    expect(cleanId('padswitch(r:u1-u2)')).toBe('padswitch_u1-u2');
    expect(cleanId('a b/c')).toBe('a_b_c');
    expect(cleanId('x'.repeat(80)).length).toBeLessThanOrEqual(64);
  });
});

describe('import-opendss: feeder with lon/lat coordinates (Master.dss, circuit source)', () => {
  const { network, report } = importOpenDss(path.join(FIXTURES, 'lonlat-feeder'));
  const devices = byId(network.devices);
  const transformers = byId(network.transformers);
  const customers = byId(network.customers);

  it('produces a valid network with the expected counts', () => {
    expectValid(network);
    expect(report.layout).toBe('circuit');
    expect(report.counts).toMatchObject({ substations: 1, feeders: 1, transformers: 4, customers: 6, devices: { breaker: 1, recloser: 1, switch: 1, fuse: 1 } });
    expect(report.model).toEqual({ loads: 7, serviceTransformers: 3, lines: 9, disabledLines: 1 });
  });

  it('traces each load to the transformer its LV lines lead to', () => {
    expect(customers.get('house1')!.transformer).toBe('T1');
    expect(customers.get('house2')!.transformer).toBe('T1'); // two LV hops
    expect(customers.get('shop3')!.transformer).toBe('T2'); // LV line written LV→transformer, other case
    expect(customers.get('house4')!.transformer).toBe('T2'); // on the LV bus itself
  });

  it('gives an MV-connected load a dedicated station area under the device upstream of it', () => {
    expect(report.dedicated).toBe(1);
    const factory = customers.get('factory')!;
    expect(transformers.get(factory.transformer)).toMatchObject({ id: 'ZB-n4', device: 'lat1', kva: 1000 });
    expect(['industrial', 'critical']).toContain(factory.type);
  });

  it('finds the nearest upstream device of each transformer, and device parents', () => {
    expect(transformers.get('T1')!.device).toBe('sw1');
    expect(transformers.get('T2')!.device).toBe('lat1');
    expect(devices.get('lat1')).toMatchObject({ kind: 'fuse', parent: 'trunk2', fci: false }); // Fuse object, positional target
    expect(devices.get('trunk2')).toMatchObject({ kind: 'recloser', parent: 'sw1', fci: true }); // Recloser object
    expect(devices.get('sw1')).toMatchObject({ kind: 'switch', parent: 'lonlat-feeder-CB', fci: true });
    expect(devices.get('lonlat-feeder-CB')).toMatchObject({ kind: 'breaker', parent: null, fci: false });
    expect(devices.has('tie')).toBe(false); // enabled=false
  });

  it('places elements at their coordinates, falling back upstream and to the transformer', () => {
    expect(network.substations[0]).toMatchObject({ lon: 121.4, lat: 37.4 });
    expect(devices.get('sw1')).toMatchObject({ lon: 121.405, lat: 37.4 });
    expect(transformers.get('T1')).toMatchObject({ lon: 121.4051, lat: 37.4 });
    // T2's buses have no coordinates: it sits at the nearest positioned bus upstream (n4).
    expect(transformers.get('T2')).toMatchObject({ lon: 121.41, lat: 37.402 });
    expect(report.transformersPositionedUpstream).toEqual(['T2']);
    expect(customers.get('house1')).toMatchObject({ lon: 121.4054, lat: 37.4002 });
    expect(customers.get('house2')).toMatchObject({ lon: 121.4051, lat: 37.4 });
    expect(report.loadsWithoutCoords).toBe(2);
    expect(network.feeders[0]!.paths).toEqual([
      [[121.4, 37.4], [121.405, 37.4], [121.4051, 37.4], [121.41, 37.4], [121.41, 37.402]],
    ]);
  });

  it('reports the load it could not place', () => {
    expect(report.unplacedLoads).toEqual(['lonlat-feeder/orphan (bus nowhere)']);
    expect(customers.has('orphan')).toBe(false);
  });

  it('still places loads behind a transformer the source walk cannot reach, and says so', () => {
    expect(customers.get('cabin5')!.transformer).toBe('T3');
    expect(transformers.get('T3')).toMatchObject({ device: 'lonlat-feeder-CB', lon: 121.42, lat: 37.41 });
    expect(report.transformersOffSource).toEqual(['T3']);
    expect(report.loadsOffSource).toBe(1);
  });

  it('derives meters, concentrators, grids and profiles deterministically', () => {
    expect(network.customers.map((c) => c.meter)).toEqual(['M0000001', 'M0000002', 'M0000003', 'M0000004', 'M0000005', 'M0000006']);
    expect(network.transformers.map((t) => t.concentrator)).toEqual(['DCU-000001', 'DCU-000002', 'DCU-000003', 'DCU-000004']);
    expect(network.grids).toHaveLength(1);
    expect(network.teams).toHaveLength(1);
    expect(customers.get('shop3')!.type).toBe('commercial');
    for (const c of network.customers) {
      expect(['hotline', 'app', 'wechat', 'hall']).toContain(c.channel);
      if (c.type === 'critical') expect(c.sensitive).toBe(true);
    }
    expect(importOpenDss(path.join(FIXTURES, 'lonlat-feeder')).network).toEqual(network);
  });
});

describe('import-opendss: feeder with projected coordinates in feet', () => {
  const origin: [number, number] = [120, 30];
  const { network, report } = importOpenDss(path.join(FIXTURES, 'feet-feeder'), { origin });
  const devices = byId(network.devices);
  const transformers = byId(network.transformers);

  it('traces from the substation transformer, with SwtControl and continuation lines', () => {
    expectValid(network);
    expect(report.counts).toMatchObject({ substations: 1, feeders: 1, transformers: 2, customers: 3, devices: { breaker: 1, recloser: 0, switch: 2, fuse: 0 } });
    expect(network.substations[0]!.id).toBe('Sub1');
    expect(transformers.get('TA')!.device).toBe('S1');
    expect(transformers.get('TB')!.device).toBe('L2');
    expect(devices.get('L2')!.parent).toBe('S1');
    expect(network.customers.map((c) => c.transformer)).toEqual(['TA', 'TB', 'TB']);
    expect(report.unplacedLoads).toEqual([]);
  });

  it('places the drawing around the origin at true scale', () => {
    // Bounding-box centre (1000 ft, 100 ft) lands on the origin.
    const [lon0, lat0] = origin;
    expect(transformers.get('TA')!.lon).toBeCloseTo(lon0, 5);
    // 1000 ft between TA and TB = 304.8 m; 200 ft between the substation bus row and the houses.
    expect(metres(transformers.get('TA')!, transformers.get('TB')!)).toBeCloseTo(304.8, 0);
    const house = network.customers[0]!;
    expect(metres(house, { lon: house.lon, lat: network.substations[0]!.lat })).toBeCloseTo(60.96, 0);
    expect(Math.abs(network.centre[0] - lon0)).toBeLessThan(0.01);
    expect(Math.abs(network.centre[1] - lat0)).toBeLessThan(0.01);
  });

  it('uses --origin, defaulting to Yantai', () => {
    const { network: yantai } = importOpenDss(path.join(FIXTURES, 'feet-feeder'));
    expect(yantai.transformers[0]!.lon).toBeCloseTo(121.447, 3);
    expect(yantai.transformers[0]!.lat).toBeCloseTo(37.464, 3);
  });
});

describe('import-opendss: SMART-DS layout', () => {
  const root = path.join(FIXTURES, 'smartds');

  it('reads a root of substations with <sub>--<feeder> folders, bridging dangling section ends', () => {
    const { network, report } = importOpenDss(root);
    expectValid(network);
    expect(report.layout).toBe('root');
    expect(network.substations).toEqual([{ id: 'sub1', name: expect.any(String), lon: -79.8, lat: 36.05 }]);
    expect(network.feeders.map((f) => [f.id, f.substation])).toEqual([['sub1--f1', 'sub1']]);
    // The substation names the feeder head `sub1-f1x`, the feeder `f1-sub1x`; u3-u4x lost its link.
    expect(report.gapsBridged).toEqual(['sub1: sub1-f1x ~ f1-sub1x', 'sub1: u3-u4x ~ u3']);
    const devices = byId(network.devices);
    // The two switch lines of one pad-switched cable section are one device.
    expect(network.devices.map((d) => [d.id, d.kind, d.parent])).toEqual([
      ['sub1--f1-CB', 'breaker', null],
      ['padswitch_u1-u2', 'switch', 'sub1--f1-CB'],
      ['fuse_u2-u3', 'fuse', 'padswitch_u1-u2'],
    ]);
    expect(devices.get('fuse_u2-u3')!.fci).toBe(false);
    const transformers = byId(network.transformers);
    expect(transformers.get('tr_u2-u2lv')).toMatchObject({ device: 'padswitch_u1-u2', kva: 25, feeder: 'sub1--f1' });
    expect(transformers.get('tr_u4-u4lv')).toMatchObject({ device: 'fuse_u2-u3', kva: 50 });
    expect(transformers.get('ZB-u1')).toMatchObject({ device: 'sub1--f1-CB' });
    expect(network.customers.map((c) => [c.id, c.transformer])).toEqual([
      ['load_h1', 'tr_u2-u2lv'],
      ['load_h2', 'tr_u4-u4lv'],
      ['load_mv1', 'ZB-u1'],
    ]);
    expect(report.unplacedLoads).toEqual([]);
  });

  it('reads one substation folder and one feeder folder alike', () => {
    const whole = importOpenDss(root).network;
    const sub = importOpenDss(path.join(root, 'sub1'));
    expect(sub.report.layout).toBe('substation');
    expect(sub.network.transformers).toEqual(whole.transformers);
    const feeder = importOpenDss(path.join(root, 'sub1', 'sub1--f1'));
    expect(feeder.report.layout).toBe('feeder');
    expect(feeder.network.feeders[0]!.id).toBe('sub1--f1');
    expect(feeder.network.substations[0]!.id).toBe('sub1');
    expect(feeder.network.customers.map((c) => c.transformer)).toEqual(whole.customers.map((c) => c.transformer));
    expect(feeder.network.transformers.map((t) => t.device)).toEqual(whole.transformers.map((t) => t.device));
  });

  it('traces from --source when given, and refuses a bus the model does not have', () => {
    const { network } = importOpenDss(path.join(root, 'sub1', 'sub1--f1'), { source: 'u3' });
    // Fed from u3 the fuse section now carries u2's transformer, and the pad switch u1's MV customer.
    expect(network.transformers.map((t) => [t.id, t.device])).toEqual([
      ['tr_u2-u2lv', 'fuse_u2-u3'],
      ['tr_u4-u4lv', 'sub1--f1-CB'],
      ['ZB-u1', 'padswitch_u1-u2'],
    ]);
    expect(() => importOpenDss(path.join(root, 'sub1', 'sub1--f1'), { source: 'nope' })).toThrow(/--source bus "nope"/);
  });
});

describe('writeNetworkFile', () => {
  it('streams exactly the bytes of JSON.stringify, plain or gzip', async () => {
    const { network } = importOpenDss(path.join(FIXTURES, 'lonlat-feeder'), { attribution: 'test' });
    const dir = mkdtempSync(path.join(tmpdir(), 'gw-net-'));
    try {
      await writeNetworkFile(path.join(dir, 'n.json'), network);
      await writeNetworkFile(path.join(dir, 'n.json.gz'), network);
      expect(readFileSync(path.join(dir, 'n.json'), 'utf8')).toBe(JSON.stringify(network));
      expect(gunzipSync(readFileSync(path.join(dir, 'n.json.gz'))).toString('utf8')).toBe(JSON.stringify(network));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
