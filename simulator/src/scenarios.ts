// Scenarios script what happens in the field as a time-ordered (possibly endless) stream of
// actions; the world turns actions into telemetry. A new scenario is one entry here, plus a new
// Action kind in world.ts when it needs new physics (faults, contacts, planned notices).
import type { NetworkIndex, Rng } from '@gridwatch/shared';
import type { Action } from './world.ts';

export interface ScenarioContext {
  net: NetworkIndex;
  /** The scenario's own stream, so field noise cannot shift the plot. */
  rng: Rng;
  startSimMs: number;
  transformer?: string;
  outageS?: number;
}

export interface Scenario {
  summary: string;
  actions(ctx: ScenarioContext): Iterable<Action>;
}

const S = 1000;

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  steady: {
    summary: 'readings only',
    actions: () => [],
  },

  'station-area-outage': {
    summary: 'one station area (--transformer or by seed) loses power at +20 s for --outage-s (default 90 s)',
    actions({ net, rng, startSimMs, transformer, outageS = 90 }) {
      const id = transformer ?? rng.pick(net.network.transformers).id;
      if (!net.transformer.has(id)) throw new Error(`unknown transformer ${id}`);
      if (!(outageS > 0)) throw new Error(`outage-s must be > 0, got ${outageS}`);
      const at = startSimMs + 20 * S;
      return [
        { kind: 'power-off', atSimMs: at, transformers: [id] },
        { kind: 'power-on', atSimMs: at + outageS * S, transformers: [id] },
      ];
    },
  },

  demo: {
    summary: 'readings, and every ~2 min one random station area is dark for 45-120 s',
    *actions({ net, rng, startSimMs }) {
      const ids = net.network.transformers.map((t) => t.id);
      const restores: Action[] = [];
      // The first outage comes soon so a freshly opened wall has something to show.
      for (let at = startSimMs + 30 * S; ; at += rng.int(90, 150) * S) {
        while (restores[0] && restores[0].atSimMs <= at) yield restores.shift()!;
        const dark = new Set(restores.flatMap((a) => a.transformers));
        const candidates = ids.filter((id) => !dark.has(id));
        if (candidates.length === 0) continue;
        const id = rng.pick(candidates);
        yield { kind: 'power-off', atSimMs: at, transformers: [id] };
        restores.push({ kind: 'power-on', atSimMs: at + rng.int(45, 120) * S, transformers: [id] });
        restores.sort((a, b) => a.atSimMs - b.atSimMs);
      }
    },
  },
};
