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
    body = JSON.parse(asciiJson(file.endsWith('.gz') ? gunzipSync(raw) : raw));
  } catch (err) {
    throw new NetworkFileError(`network "${spec}": not valid JSON (${(err as Error).message})`);
  }
  const v = check.check(body);
  if (!v.ok) throw new NetworkFileError(`network "${spec}": not a gridwatch-network/1 file (${v.reason})`);
  return v.value;
}

/**
 * UTF-8 JSON as a string of one byte per character, for JSON.parse: every non-ASCII character
 * written as a \u escape, which JSON reads back as the same character. A network's names are
 * often Chinese, and one such character makes the whole decoded text UTF-16: 320 MB instead of
 * 160 MB for a million meters. Non-ASCII characters only occur inside JSON strings, where the
 * escape means the same; invalid UTF-8 becomes U+FFFD, as in `toString('utf8')`.
 */
export function asciiJson(buf: Buffer): string {
  let extra = 0;
  let runs = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i]! < 0x80) continue;
    let j = i;
    while (j < buf.length && buf[j]! >= 0x80) j++;
    // At most one UTF-16 unit per byte, each 6 bytes escaped.
    extra += 5 * (j - i);
    runs++;
    i = j;
  }
  if (runs === 0) return buf.toString('latin1');
  const out = Buffer.allocUnsafe(buf.length + extra);
  let o = 0;
  let from = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i]! < 0x80) continue;
    let j = i;
    while (j < buf.length && buf[j]! >= 0x80) j++;
    o += buf.copy(out, o, from, i);
    // A run of bytes ≥ 0x80 holds whole UTF-8 sequences (every byte of a multi-byte sequence is).
    const text = buf.toString('utf8', i, j);
    for (let k = 0; k < text.length; k++) o += out.write(`\\u${text.charCodeAt(k).toString(16).padStart(4, '0')}`, o, 'latin1');
    from = i = j;
  }
  o += buf.copy(out, o, from, buf.length);
  return out.toString('latin1', 0, o);
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
