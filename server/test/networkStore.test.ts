// The network at start: its version hashed without one giant string, and the network just
// imported (or found unchanged) taken as loaded instead of read back row by row — the same
// network either way.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateNetwork, type NetworkFile } from '@gridwatch/shared';
import { loadNetworkFile } from '@gridwatch/shared/node';
import { importNetwork, loadNetwork, networkVersion } from '../src/db/network.ts';
import type { Pool } from '../src/db/pool.ts';
import { migratedDatabase } from './helpers.ts';

const wholeHash = (n: unknown) => createHash('sha256').update(JSON.stringify(n)).digest('hex').slice(0, 16);

describe('network version', () => {
  it('is the hash of the whole JSON text, as before', () => {
    const greensboro = loadNetworkFile('greensboro');
    for (const n of [generateNetwork(), generateNetwork({ meters: 20_000, seed: 2 }), greensboro]) expect(networkVersion(n)).toBe(wholeHash(n));
    // Keys JSON leaves out, and odd array entries, hash as JSON writes them.
    const odd = { ...generateNetwork(), attribution: undefined, extra: [undefined, 1, 'x'], nested: { a: [1, 2] } } as unknown as NetworkFile;
    expect(networkVersion(odd)).toBe(wholeHash(odd));
    const demo = generateNetwork();
    const big = { ...demo, customers: Array.from({ length: 5_001 }, (_, i) => demo.customers[i % demo.customers.length]!) };
    expect(networkVersion(big)).toBe(wholeHash(big));
    expect(networkVersion(big)).not.toBe(networkVersion(generateNetwork()));
  });
});

describe('network at start', () => {
  const database = migratedDatabase();
  let pool: Pool;
  beforeAll(() => {
    pool = database.pool();
  });

  it('takes the imported network as loaded: equal to reading it back, in the same order', async () => {
    // Greensboro's file is not in id order; the database answers in id order.
    const file = loadNetworkFile('greensboro');
    expect(await importNetwork(pool, file)).toBe(true);
    const taken = await loadNetwork(pool);
    const read = await loadNetwork(pool, { fromDatabase: true });
    expect(taken!.version).toBe(read!.version);
    expect(taken!.network).toEqual(read!.network);
    expect(taken!.network.customers.map((c) => c.id)).toEqual(read!.network.customers.map((c) => c.id));
    expect(taken!.network.devices.map((c) => c.id)).toEqual(read!.network.devices.map((c) => c.id));
    // The file's own objects, not copies; the file's arrays left as they were.
    const firstId = [...file.customers].sort((a, b) => (a.id < b.id ? -1 : 1))[0]!.id;
    expect(taken!.network.customers[0]).toBe(file.customers.find((c) => c.id === firstId));
    expect(file.customers[0]!.id).not.toBe(firstId);

    // Unchanged on the next start: taken again.
    const again = loadNetworkFile('greensboro');
    expect(await importNetwork(pool, again)).toBe(false);
    const second = await loadNetwork(pool);
    expect(second!.network.transformers[5]).toBe(again.transformers.find((t) => t.id === second!.network.transformers[5]!.id));
    expect(second!.network).toEqual(read!.network);
    // Used once: a later load reads the database.
    const third = await loadNetwork(pool);
    expect(third!.network).toEqual(read!.network);
    expect(third!.network.transformers[5]).not.toBe(second!.network.transformers[5]);
  });

  it('reads back a network whose file has fields the database does not keep', async () => {
    const n = generateNetwork({ substations: 1, feedersPerSubstation: 1, seed: 5, id: 'extra' });
    const withExtra = { ...n, customers: n.customers.map((c, i) => (i === 3 ? { ...c, note: 'gate code 1234' } : c)) };
    expect(await importNetwork(pool, withExtra)).toBe(true);
    const loaded = await loadNetwork(pool);
    expect(loaded!.network.customers.find((c) => c.id === n.customers[3]!.id)).toEqual(n.customers[3]);
    expect(loaded!.network).toEqual((await loadNetwork(pool, { fromDatabase: true }))!.network);
  });
});
