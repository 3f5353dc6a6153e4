// Resolves the NETWORK setting (`demo`, a shipped network's name, or a file path) to a network.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadNetworkFile } from '@gridwatch/shared/node';
import type { NetworkFile } from '@gridwatch/shared';
import { REPO_ROOT } from './config.ts';

/** From this many meters on, loading a network is followed by a full garbage collection. */
const COLLECT_AFTER_METERS = 100_000;

export async function resolveNetwork(setting: string): Promise<NetworkFile> {
  let network: NetworkFile;
  try {
    network = loadNetworkFile(setting, process.env.INIT_CWD ?? process.cwd());
  } catch (err) {
    // `pnpm start` runs in server/; a relative path typed at the repository root still works.
    try {
      network = loadNetworkFile(setting, REPO_ROOT);
    } catch {
      throw new Error(`NETWORK=${setting}: ${(err as Error).message}`);
    }
  }
  if (network.customers.length >= COLLECT_AFTER_METERS) collectGarbage();
  return network;
}

/**
 * One full garbage collection now. Reading a network of a million meters leaves some 500 MB
 * behind (the decompressed file, its text, parsing's scraps), outside V8's heap, which V8 would
 * collect only much later: meanwhile the next steps of the start stack on top, and the process's
 * peak resident memory with them. (The `gc` function is made for one new context and hidden
 * again, as Jest does.)
 */
export function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc');
    gc();
  } catch {
    // Not available: the next collection gives the memory back, later.
  }
}
