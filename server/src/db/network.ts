// Network import (idempotent: an unchanged file is skipped by its version hash) and loading the
// network back from the database into memory at start.
import { createHash } from 'node:crypto';
import type { NetworkFile } from '@gridwatch/shared';
import { transaction, type Pool } from './pool.ts';

const CHUNK = 5_000;

/**
 * The network's version: the start of the SHA-256 of `JSON.stringify(network)`. Hashed element
 * by element, so a network of a million meters never becomes one string of 160 MB (320 MB as
 * UTF-16 once a name is Chinese); the bytes hashed are the same.
 */
export function networkVersion(network: NetworkFile): string {
  const hash = createHash('sha256');
  hash.update('{');
  let comma = false;
  for (const [key, value] of Object.entries(network)) {
    const whole = Array.isArray(value) ? null : (JSON.stringify(value) as string | undefined);
    if (whole === undefined) continue; // JSON.stringify leaves out undefined and functions
    hash.update(`${comma ? ',' : ''}${JSON.stringify(key)}:`);
    comma = true;
    if (whole !== null) {
      hash.update(whole);
      continue;
    }
    const list = value as unknown[];
    hash.update('[');
    for (let i = 0; i < list.length; i += HASH_BATCH) {
      const part: string[] = [];
      for (let j = i; j < Math.min(list.length, i + HASH_BATCH); j++) part.push((JSON.stringify(list[j]) as string | undefined) ?? 'null');
      hash.update(`${i > 0 ? ',' : ''}${part.join(',')}`);
    }
    hash.update(']');
  }
  hash.update('}');
  return hash.digest('hex').slice(0, 16);
}

const HASH_BATCH = 2_000;

/**
 * The network last imported into (or found already in) each pool's database, for `loadNetwork`
 * to take instead of reading it back row by row: a million meters read back cost 5 s and 300 MB
 * beside the file's own copy, which the caller still holds.
 */
const lastImport = new WeakMap<Pool, { version: string; network: NetworkFile }>();

async function insertChunked<T>(
  run: (rows: T[]) => Promise<unknown>,
  rows: readonly T[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await run(rows.slice(i, i + CHUNK));
}

const col = <T, K>(rows: T[], f: (r: T) => K) => rows.map(f);

/** Imports the network; returns false when the same version is already loaded. */
export async function importNetwork(pool: Pool, network: NetworkFile): Promise<boolean> {
  const version = networkVersion(network);
  const current = await pool.query<{ version: string }>('SELECT version FROM network_meta WHERE id = $1', [network.id]);
  lastImport.delete(pool);
  if (current.rows[0]?.version === version) {
    lastImport.set(pool, { version, network });
    return false;
  }
  const imported = await transaction(pool, async (client) => {
    await client.query('TRUNCATE customers, transformers, grids, teams, devices, feeders, substations, network_meta');
    await client.query(
      'INSERT INTO network_meta (id, name, version, attribution, centre_lon, centre_lat) VALUES ($1, $2, $3, $4, $5, $6)',
      [network.id, network.name, version, network.attribution ?? null, network.centre[0], network.centre[1]],
    );
    const q = (sql: string) => (params: unknown[]) => client.query(sql, params);
    await insertChunked(
      (r) => q('INSERT INTO substations SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[])')([col(r, (x) => x.id), col(r, (x) => x.name), col(r, (x) => x.lon), col(r, (x) => x.lat)]),
      network.substations,
    );
    await insertChunked(
      (r) => q('INSERT INTO feeders SELECT id, s, n, p::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, s, n, p)')([col(r, (x) => x.id), col(r, (x) => x.substation), col(r, (x) => x.name), col(r, (x) => JSON.stringify(x.paths))]),
      network.feeders,
    );
    await insertChunked(
      (r) => q('INSERT INTO devices SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::float8[], $7::float8[])')([col(r, (x) => x.id), col(r, (x) => x.feeder), col(r, (x) => x.kind), col(r, (x) => x.parent), col(r, (x) => x.fci), col(r, (x) => x.lon), col(r, (x) => x.lat)]),
      network.devices,
    );
    await insertChunked((r) => q('INSERT INTO teams SELECT * FROM unnest($1::text[], $2::text[])')([col(r, (x) => x.id), col(r, (x) => x.name)]), network.teams);
    await insertChunked(
      (r) => q('INSERT INTO grids SELECT * FROM unnest($1::text[], $2::text[], $3::text[])')([col(r, (x) => x.id), col(r, (x) => x.name), col(r, (x) => x.team)]),
      network.grids,
    );
    await insertChunked(
      (r) =>
        q('INSERT INTO transformers SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::float8[])')([
          col(r, (x) => x.id), col(r, (x) => x.name), col(r, (x) => x.feeder), col(r, (x) => x.device), col(r, (x) => x.grid),
          col(r, (x) => x.concentrator), col(r, (x) => x.zone), col(r, (x) => x.kva), col(r, (x) => x.lon), col(r, (x) => x.lat),
        ]),
      network.transformers,
    );
    await insertChunked(
      (r) =>
        q('INSERT INTO customers SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::text[], $7::float8[], $8::float8[])')([
          col(r, (x) => x.id), col(r, (x) => x.meter), col(r, (x) => x.transformer), col(r, (x) => x.type),
          col(r, (x) => x.sensitive), col(r, (x) => x.channel), col(r, (x) => x.lon), col(r, (x) => x.lat),
        ]),
      network.customers,
    );
    return true;
  });
  lastImport.set(pool, { version, network });
  return imported;
}

export interface LoadedNetwork {
  network: NetworkFile;
  version: string;
}

/**
 * The network in the database. When it is the one just imported (or found unchanged) through this
 * pool, that network is taken as it is: the same objects in the order of the database's
 * `ORDER BY id`, without the per-row copy (`fromDatabase` reads it back regardless).
 */
export async function loadNetwork(pool: Pool, opts: { fromDatabase?: boolean } = {}): Promise<LoadedNetwork | null> {
  const meta = await pool.query('SELECT * FROM network_meta LIMIT 1');
  const m = meta.rows[0];
  if (!m) return null;
  const last = lastImport.get(pool);
  lastImport.delete(pool);
  const header = {
    format: 'gridwatch-network/1' as const,
    id: m.id,
    name: m.name,
    ...(m.attribution ? { attribution: m.attribution } : {}),
    centre: [m.centre_lon, m.centre_lat] as [number, number],
  };
  if (!opts.fromDatabase && last && last.version === m.version && last.network.id === m.id && hasOnlyStoredFields(last.network)) {
    const n = last.network;
    return {
      version: m.version,
      network: {
        ...header,
        substations: byId(n.substations),
        feeders: byId(n.feeders),
        devices: byId(n.devices),
        teams: byId(n.teams),
        grids: byId(n.grids),
        transformers: byId(n.transformers),
        customers: byId(n.customers),
      },
    };
  }
  const [substations, feeders, devices, teams, grids, transformers, customers] = await Promise.all([
    pool.query('SELECT id, name, lon, lat FROM substations ORDER BY id'),
    pool.query('SELECT id, substation, name, paths FROM feeders ORDER BY id'),
    pool.query('SELECT id, feeder, kind, parent, fci, lon, lat FROM devices ORDER BY id'),
    pool.query('SELECT id, name FROM teams ORDER BY id'),
    pool.query('SELECT id, name, team FROM grids ORDER BY id'),
    pool.query('SELECT id, name, feeder, device, grid, concentrator, zone, kva, lon, lat FROM transformers ORDER BY id'),
    pool.query('SELECT id, meter, transformer, type, sensitive, channel, lon, lat FROM customers ORDER BY id'),
  ]);
  return {
    version: m.version,
    network: {
      ...header,
      substations: substations.rows,
      feeders: feeders.rows,
      devices: devices.rows,
      teams: teams.rows,
      grids: grids.rows,
      transformers: transformers.rows,
      customers: customers.rows,
    },
  };
}

/** The columns of each table, as `loadNetwork` reads them back. */
const STORED_FIELDS = {
  substations: ['id', 'name', 'lon', 'lat'],
  feeders: ['id', 'substation', 'name', 'paths'],
  devices: ['id', 'feeder', 'kind', 'parent', 'fci', 'lon', 'lat'],
  teams: ['id', 'name'],
  grids: ['id', 'name', 'team'],
  transformers: ['id', 'name', 'feeder', 'device', 'grid', 'concentrator', 'zone', 'kva', 'lon', 'lat'],
  customers: ['id', 'meter', 'transformer', 'type', 'sensitive', 'channel', 'lon', 'lat'],
} as const;

/**
 * Whether every element of the network has exactly the fields the database stores, in that
 * order (a file may carry more; the database drops them, so such a network is read back).
 */
function hasOnlyStoredFields(n: NetworkFile): boolean {
  for (const [table, fields] of Object.entries(STORED_FIELDS)) {
    for (const row of n[table as keyof typeof STORED_FIELDS] as readonly object[]) {
      let i = 0;
      for (const key in row) {
        if (key !== fields[i]) return false;
        i++;
      }
      if (i !== fields.length) return false;
    }
  }
  return true;
}

/** The rows in the order of `ORDER BY id` under the C collation (the array itself when already so). */
function byId<T extends { id: string }>(rows: T[]): T[] {
  for (let i = 1; i < rows.length; i++) {
    if (rows[i - 1]!.id >= rows[i]!.id) return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return rows;
}
