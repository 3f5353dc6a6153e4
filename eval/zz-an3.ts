import { loadNetworkFile } from '@gridwatch/shared/node';
import { indexNetwork } from '@gridwatch/shared';
import { runOutageEval } from '/work/main/eval/src/outages.ts';
const net = indexNetwork(loadNetworkFile('greensboro'));
runOutageEval({ network: net, networkName: 'g', scenario: 'storm', seed: Number(process.env.SEED ?? 1), hours: 2 });
