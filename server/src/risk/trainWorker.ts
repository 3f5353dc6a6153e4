// Trains the complaint-risk model off the main thread: a year of history is a million rows or
// more and seconds of fitting, which must not pause ingest or the walls.
import { parentPort, workerData } from 'node:worker_threads';
import { indexNetwork, type NetworkFile } from '@gridwatch/shared';
import { trainRiskModel, type TrainingData, type TrainOptions } from './training.ts';

const input = workerData as { network: NetworkFile; data: TrainingData; options: Omit<TrainOptions, 'index'> };
try {
  const result = trainRiskModel(input.data, { ...input.options, index: indexNetwork(input.network) });
  parentPort!.postMessage({ result });
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
