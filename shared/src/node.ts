// Node-only helpers for network files (the web bundle never imports this entry): the registry of
// shipped networks and reading/writing `gridwatch-network/1` JSON, optionally gzip-compressed.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { generateNetwork } from './generate.ts';
import { NetworkFile } from './network.ts';
import { validator } from './schemas.ts';

export const NETWORKS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../networks');

/** Networks known by name: `demo` is generated; the others ship in shared/networks/. */
export const SHIPPED_NETWORKS: Readonly<Record<string, string>> = {
  greensboro: 'greensboro.json.gz',
};

const check = validator(NetworkFile);

export class NetworkFileError extends Error {}

/** `demo`, a shipped network's name, or a path (relative to `cwd`) to a .json or .json.gz file. */
export function loadNetworkFile(spec: string, cwd = process.cwd()): NetworkFile {
  if (spec === 'demo') return generateNetwork();
  const shipped = SHIPPED_NETWORKS[spec];
  const file = shipped ? path.join(NETWORKS_DIR, shipped) : path.resolve(cwd, spec);
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    const names = ['demo', ...Object.keys(SHIPPED_NETWORKS)].join(', ');
    throw new NetworkFileError(`network "${spec}": no such file (${file}); use one of ${names} or a path to a network JSON file`);
  }
  let body: unknown;
  try {
    body = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
  } catch (err) {
    throw new NetworkFileError(`network "${spec}": not valid JSON (${(err as Error).message})`);
  }
  const v = check.check(body);
  if (!v.ok) throw new NetworkFileError(`network "${spec}": not a gridwatch-network/1 file (${v.reason})`);
  return v.value;
}

/** Writes a network file; `.gz` in the name compresses it. */
export function saveNetworkFile(file: string, network: NetworkFile): number {
  const json = Buffer.from(JSON.stringify(network));
  const out = file.endsWith('.gz') ? gzipSync(json, { level: 9 }) : json;
  writeFileSync(file, out);
  return out.length;
}

/** Absolute form of a network spec, for handing to another process with another cwd. */
export function networkSpecFor(spec: string, cwd = process.cwd()): string {
  return spec === 'demo' || SHIPPED_NETWORKS[spec] ? spec : path.resolve(cwd, spec);
}
