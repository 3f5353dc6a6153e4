// The synthetic generator: the default demo network must never change (the running demo and other
// tests depend on it byte for byte), and `meters: N` networks must hit N with sound topology.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateNetwork, indexNetwork, NetworkFile, validator, type NetworkFile as Network } from '../src/index.ts';

// Recorded from generateNetwork() before the scaled generator was added.
const DEMO_SHA256 = '56283f4e71fdba469976e28eefbf882bada7d706f3322fbfeb047774fa0f59c8';

const sha256 = (network: Network) => createHash('sha256').update(JSON.stringify(network)).digest('hex');
const counts = (n: Network) => [n.substations, n.feeders, n.devices, n.transformers, n.customers, n.grids, n.teams].map((a) => a.length);

describe('generateNetwork() — the demo network', () => {
  it('is exactly the network it has always been', () => {
    const demo = generateNetwork();
    expect(counts(demo)).toEqual([2, 6, 42, 72, 1739, 12, 12]);
    expect(demo.id).toBe('demo');
    expect(sha256(demo)).toBe(DEMO_SHA256);
  });
});

describe('generateNetwork({ meters })', () => {
  const check = validator(NetworkFile);
  const net = generateNetwork({ meters: 5000 });

  it('hits the meter count (within 10%, in fact exactly)', () => {
    expect(Math.abs(net.customers.length - 5000)).toBeLessThanOrEqual(500);
    expect(net.customers).toHaveLength(5000);
  });

  it('validates, with unique ids and a breaker at the end of every upstream path', () => {
    const v = check.check(JSON.parse(JSON.stringify(net)));
    expect(v.ok ? 'ok' : v.reason).toBe('ok');
    for (const list of [net.devices, net.transformers, net.customers, net.grids, net.teams, net.feeders]) {
      expect(new Set(list.map((x) => x.id)).size).toBe(list.length);
    }
    expect(new Set(net.customers.map((c) => c.meter)).size).toBe(5000);
    const ix = indexNetwork(net);
    for (const t of net.transformers) {
      const up = ix.upstream(t.id);
      expect(up.length).toBeGreaterThan(0);
      for (const id of up) expect(ix.device.get(id)!.feeder).toBe(t.feeder);
      expect(ix.device.get(up[up.length - 1]!)).toMatchObject({ kind: 'breaker', parent: null });
    }
  });

  it('groups 10–15 station areas of one feeder per grid, one team per grid', () => {
    const feedersOf = new Map<string, Set<string>>();
    const size = new Map<string, number>();
    for (const t of net.transformers) {
      if (!feedersOf.has(t.grid)) feedersOf.set(t.grid, new Set());
      feedersOf.get(t.grid)!.add(t.feeder);
      size.set(t.grid, (size.get(t.grid) ?? 0) + 1);
    }
    for (const feeders of feedersOf.values()) expect(feeders.size).toBe(1);
    const sizes = [...size.values()];
    expect(sizes.filter((s) => s > 15)).toEqual([]);
    expect(sizes.filter((s) => s < 10).length).toBeLessThanOrEqual(net.feeders.length); // a feeder's last grid
    expect(new Set(net.grids.map((g) => g.team)).size).toBe(net.grids.length);
  });

  it('has utility-like ratios and customer profiles', () => {
    const big = generateNetwork({ meters: 200_000, seed: 7 });
    expect(big.customers).toHaveLength(200_000);
    const perArea = big.customers.length / big.transformers.length;
    expect(perArea).toBeGreaterThan(12);
    expect(perArea).toBeLessThan(35);
    const perFeeder = big.transformers.length / big.feeders.length;
    expect(perFeeder).toBeGreaterThan(100);
    expect(perFeeder).toBeLessThan(400);
    expect(new Set(big.transformers.map((t) => t.zone))).toEqual(new Set(['urban', 'rural', 'remote']));
    const types = new Map<string, number>();
    for (const c of big.customers) types.set(c.type, (types.get(c.type) ?? 0) + 1);
    expect(types.get('residential')! / 200_000).toBeGreaterThan(0.75);
    expect(types.get('critical')).toBeGreaterThan(0);
    const sensitive = big.customers.filter((c) => c.sensitive).length / 200_000;
    expect(sensitive).toBeGreaterThan(0.06);
    expect(sensitive).toBeLessThan(0.1);
    expect(big.customers.filter((c) => c.channel === 'hotline').length / 200_000).toBeCloseTo(0.8, 1);
  });

  it('is deterministic by seed and placed around the chosen centre', () => {
    expect(sha256(generateNetwork({ meters: 5000 }))).toBe(sha256(net));
    expect(sha256(generateNetwork({ meters: 5000, seed: 2 }))).not.toBe(sha256(net));
    const beijing = generateNetwork({ meters: 1000, centre: [116.4, 39.9] });
    expect(beijing.centre).toEqual([116.4, 39.9]);
    for (const t of beijing.transformers) {
      expect(Math.abs(t.lon - 116.4)).toBeLessThan(0.2);
      expect(Math.abs(t.lat - 39.9)).toBeLessThan(0.2);
    }
  });
});
