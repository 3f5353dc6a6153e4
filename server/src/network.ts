// Resolves the NETWORK setting to a network file: `demo` is the generated demo network, anything
// else a path to a `gridwatch-network/1` JSON file (as exported from GIS or the importer).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NetworkFile, generateNetwork, validator } from '@gridwatch/shared';
import { REPO_ROOT } from './config.ts';

const check = validator(NetworkFile);

export async function resolveNetwork(setting: string): Promise<NetworkFile> {
  if (setting === 'demo') return generateNetwork();
  const file = path.isAbsolute(setting) ? setting : path.resolve(process.cwd(), setting);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const fromRoot = path.resolve(REPO_ROOT, setting);
    try {
      text = await readFile(fromRoot, 'utf8');
    } catch {
      throw new Error(`NETWORK=${setting}: no such network; use "demo" or the path to a network JSON file`);
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new Error(`NETWORK=${setting}: not valid JSON (${(err as Error).message})`);
  }
  const v = check.check(body);
  if (!v.ok) throw new Error(`NETWORK=${setting}: not a gridwatch-network/1 file (${v.reason})`);
  return v.value;
}
