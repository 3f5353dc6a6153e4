// Runs one arm of the complaint evaluation in a worker thread, so control and treatment run side
// by side; progress and the result go back to the parent as messages.
import { parentPort, workerData } from 'node:worker_threads';
import { loadNetworkFile } from '@gridwatch/shared/node';
import { runComplaintArm, type ComplaintArmOptions } from './complaints.ts';

type Input = Omit<ComplaintArmOptions, 'network' | 'progress'> & { network: string; cwd: string };

const input = workerData as Input;
const network = loadNetworkFile(input.network, input.cwd);
const result = runComplaintArm({ ...input, network, progress: (share) => parentPort!.postMessage({ type: 'progress', share }) });
parentPort!.postMessage({ type: 'result', result });
