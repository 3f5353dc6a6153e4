// Wires a network, a scenario and the field model from plain options; shared by the CLI and the
// tests so both exercise exactly the same construction.
import { createRng, indexNetwork, type NetworkFile } from '@gridwatch/shared';
import { SCENARIOS } from './scenarios.ts';
import { createWorld, type FieldParams, type World } from './world.ts';

export interface SimulationOptions extends Partial<FieldParams> {
  network: NetworkFile;
  scenario: string;
  seed: number;
  startSimMs: number;
  prefix?: string;
  transformer?: string;
  outageS?: number;
}

export function createSimulation(o: SimulationOptions): World {
  const scenario = SCENARIOS[o.scenario];
  if (!scenario) throw new Error(`unknown scenario "${o.scenario}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  const net = indexNetwork(o.network);
  const actions = scenario.actions({
    net,
    rng: createRng(o.seed ^ 0x5ce7a210),
    startSimMs: o.startSimMs,
    transformer: o.transformer,
    outageS: o.outageS,
  });
  return createWorld({ ...o, network: net, rng: createRng(o.seed), actions });
}
