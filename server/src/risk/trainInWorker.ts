// Runs `trainRiskModel` in a worker thread and resolves with its result.
import { Worker } from 'node:worker_threads';
import type { NetworkFile } from '@gridwatch/shared';
import type { TrainingData, TrainOptions, TrainResult } from './training.ts';

export function trainInWorker(network: NetworkFile, data: TrainingData, options: Omit<TrainOptions, 'index'>): Promise<TrainResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./trainWorker.mjs', import.meta.url), { workerData: { network, data, options } });
    let settled = false;
    worker.once('message', (m: { result?: TrainResult; error?: string }) => {
      settled = true;
      if (m.result) resolve(m.result);
      else reject(new Error(m.error ?? 'training failed'));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`training worker exited with code ${code}`));
    });
  });
}
