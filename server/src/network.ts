// Resolves the NETWORK setting (`demo`, a shipped network's name, or a file path) to a network.
import { loadNetworkFile } from '@gridwatch/shared/node';
import type { NetworkFile } from '@gridwatch/shared';
import { REPO_ROOT } from './config.ts';

export async function resolveNetwork(setting: string): Promise<NetworkFile> {
  try {
    return loadNetworkFile(setting, process.env.INIT_CWD ?? process.cwd());
  } catch (err) {
    // `pnpm start` runs in server/; a relative path typed at the repository root still works.
    try {
      return loadNetworkFile(setting, REPO_ROOT);
    } catch {
      throw new Error(`NETWORK=${setting}: ${(err as Error).message}`);
    }
  }
}
