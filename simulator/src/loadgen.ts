// Load-test filler for `--rate`: reading batches from every concentrator in turn, as many as the
// target message rate asks for, each stamped with the current instant so GridWatch accepts and
// stores them like live telemetry. Deterministic for a seed apart from the timestamps.
import { createRng, topics, type Customer, type NetworkFile, type ReadingsMessage } from '@gridwatch/shared';
import { loadKw } from './load.ts';
import type { OutMessage } from './world.ts';

export interface LoadSource {
  /** The next reading batch, stamped `atMs`. */
  next(atMs: number): OutMessage;
}

export function createLoadSource(network: NetworkFile, seed: number, prefix?: string, intervalS = 900): LoadSource {
  const topic = topics(prefix);
  const rng = createRng(seed ^ 0x10ad);
  const byArea = new Map<string, Customer[]>();
  for (const c of network.customers) {
    let list = byArea.get(c.transformer);
    if (!list) byArea.set(c.transformer, (list = []));
    list.push(c);
  }
  const areas = network.transformers.map((tf) => ({ tf, meters: byArea.get(tf.id) ?? [], lastTs: 0 })).filter((a) => a.meters.length > 0);
  if (areas.length === 0) throw new Error('--rate: the network has no metered station areas');
  const utcOffsetMs = Math.round(network.centre[0] / 15) * 3_600_000;
  let i = 0;
  return {
    next(atMs) {
      const area = areas[i++ % areas.length]!;
      const { tf, meters } = area;
      // Two batches of one area never share a timestamp, or storage would merge them.
      const ts = (area.lastTs = Math.max(Math.floor(atMs), area.lastTs + 1));
      const hour = (((ts + utcOffsetMs) / 3_600_000) % 24 + 24) % 24;
      const message: ReadingsMessage = {
        ts: new Date(ts).toISOString(),
        interval_s: intervalS,
        readings: meters.slice(0, 5_000).map((c) => ({
          meter: c.meter,
          kwh: Math.round(loadKw(c.type, hour) * (intervalS / 3600) * (0.8 + 0.4 * rng.next()) * 1e4) / 1e4,
          v: Math.round((216 + rng.next() * 8) * 10) / 10,
        })),
      };
      return { atSimMs: ts, topic: topic.readings(tf.id), payload: message };
    },
  };
}
