// Data test (CI integration suite): the real OpenDSS models in the shared data folder beside the
// clone import with every load placed and counts matching the files, and the shipped Greensboro
// network is what the importer makes of them. Fails, never skips, when the data is missing.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { indexNetwork, type NetworkFile } from '@gridwatch/shared';
import { loadNetworkFile, NETWORKS_DIR, SHIPPED_NETWORKS } from '@gridwatch/shared/node';
import { importOpenDss } from '../../src/network/opendss.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// GW_SHARED_DATA points elsewhere when the clone does not sit beside shared/.
const DATA = process.env.GW_SHARED_DATA ? path.resolve(process.env.GW_SHARED_DATA) : path.resolve(REPO_ROOT, '../shared/data');
const GREENSBORO = path.join(DATA, 'smart-ds-greensboro');
const IEEE8500 = path.join(DATA, 'ieee-8500-node');

for (const dir of [GREENSBORO, IEEE8500]) {
  if (!existsSync(dir)) {
    throw new Error(`data test: ${dir} not found. These tests need the shared data folder beside the clone (${DATA}); or set GW_SHARED_DATA.`);
  }
}

/** `New <Class>.` objects in the files, counted independently of the importer's parser. */
function countObjects(files: string[], cls: string): number {
  const re = new RegExp(`^\\s*new\\s+(object\\s*=\\s*)?${cls}\\.`, 'gim');
  return files.reduce((n, f) => n + (readFileSync(f, 'latin1').match(re)?.length ?? 0), 0);
}
const filesIn = (dir: string, name: RegExp) =>
  readdirSync(dir)
    .filter((n) => name.test(n) && statSync(path.join(dir, n)).isFile())
    .map((n) => path.join(dir, n));

function expectConsistent(network: NetworkFile) {
  const ix = indexNetwork(network);
  for (const c of network.customers) expect(ix.transformer.has(c.transformer)).toBe(true);
  for (const t of network.transformers) {
    const up = ix.upstream(t.id);
    expect(up.length).toBeGreaterThan(0);
    expect(ix.device.get(up[up.length - 1]!)).toMatchObject({ kind: 'breaker', parent: null, feeder: t.feeder });
  }
}

const substations = readdirSync(GREENSBORO).filter((n) => statSync(path.join(GREENSBORO, n)).isDirectory()).sort();

describe('SMART-DS Greensboro', () => {
  it('has the 18 substations of the data set', () => {
    expect(substations).toHaveLength(18);
  });

  for (const sub of substations) {
    it(`imports ${sub} with every load placed`, () => {
      const dir = path.join(GREENSBORO, sub);
      const feeders = readdirSync(dir).filter((n) => n.includes('--')).map((n) => path.join(dir, n));
      const loads = countObjects(feeders.flatMap((f) => filesIn(f, /^loads.*\.dss$/i)), 'load');
      const transformers = countObjects(feeders.flatMap((f) => filesIn(f, /^transformers.*\.dss$/i)), 'transformer');
      const { network, report } = importOpenDss(dir);
      expect(report.unplacedLoads).toEqual([]);
      expect(report.transformersOffSource).toEqual([]);
      expect(report.transformersWithoutPosition).toEqual([]);
      expect(network.customers).toHaveLength(loads);
      expect(report.model.serviceTransformers).toBe(transformers);
      expect(network.transformers).toHaveLength(transformers + report.dedicated);
      expect(network.feeders).toHaveLength(feeders.length);
      expect(network.substations.map((s) => s.id)).toEqual([sub]);
      expectConsistent(network);
    });
  }
});

describe('IEEE 8500-node feeder', () => {
  it('imports with every load placed, around --origin', () => {
    const origin: [number, number] = [116.4, 39.9];
    const { network, report } = importOpenDss(IEEE8500, { origin });
    const all = filesIn(IEEE8500, /\.dss$/i);
    expect(report.unplacedLoads).toEqual([]);
    expect(report.transformersOffSource).toEqual([]);
    expect(network.customers).toHaveLength(countObjects(all, 'load'));
    expect(network.customers).toHaveLength(1177);
    expect(report.model.serviceTransformers).toBe(1177);
    expect(network.transformers).toHaveLength(1177);
    // 43 switches in Lines.dss, 5 of them open (enabled=False); 30 Fuse objects.
    expect(report.counts.devices).toEqual({ breaker: 1, recloser: 0, switch: 38, fuse: 30 });
    expect(Math.abs(network.centre[0] - origin[0])).toBeLessThan(0.1);
    expect(Math.abs(network.centre[1] - origin[1])).toBeLessThan(0.1);
    expectConsistent(network);
  });
});

describe('shipped greensboro network', () => {
  const file = path.join(NETWORKS_DIR, SHIPPED_NETWORKS.greensboro!);

  it('loads via loadNetworkFile and validates, under 5 MB', () => {
    const network = loadNetworkFile('greensboro');
    expect(statSync(file).size).toBeLessThan(5_000_000);
    expect(network.id).toBe('greensboro');
    expect(network.substations).toHaveLength(18);
    expect(network.feeders).toHaveLength(50);
    expect(network.customers).toHaveLength(52_559);
    expect(network.transformers.filter((t) => !t.id.startsWith('ZB-'))).toHaveLength(17_872);
    expect(network.attribution).toMatch(/NREL SMART-DS/);
    expect(network.attribution).toMatch(/CC BY 4\.0/);
    expect(network.attribution).toMatch(/GreenEVT/);
    expectConsistent(network);
  });

  it('is exactly what the importer makes of the data (regenerate it when the importer changes)', () => {
    const shipped = loadNetworkFile('greensboro');
    const { network } = importOpenDss(GREENSBORO, { id: shipped.id, name: shipped.name, attribution: shipped.attribution });
    expect(network).toEqual(shipped);
  });
});
