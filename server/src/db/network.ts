// Network import (idempotent: an unchanged file is skipped by its version hash) and loading the
// network back from the database into memory at start.
import { createHash } from 'node:crypto';
import type { NetworkFile } from '@gridwatch/shared';
import { transaction, type Pool } from './pool.ts';

const CHUNK = 5_000;

export function networkVersion(network: NetworkFile): string {
  return createHash('sha256').update(JSON.stringify(network)).digest('hex').slice(0, 16);
}

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
  if (current.rows[0]?.version === version) return false;
  return transaction(pool, async (client) => {
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
}

export interface LoadedNetwork {
  network: NetworkFile;
  version: string;
}

export async function loadNetwork(pool: Pool): Promise<LoadedNetwork | null> {
  const meta = await pool.query('SELECT * FROM network_meta LIMIT 1');
  const m = meta.rows[0];
  if (!m) return null;
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
      format: 'gridwatch-network/1',
      id: m.id,
      name: m.name,
      ...(m.attribution ? { attribution: m.attribution } : {}),
      centre: [m.centre_lon, m.centre_lat],
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
