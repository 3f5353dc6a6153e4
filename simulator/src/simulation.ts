// The simulator's in-process API, shared by the CLI, the tests and evaluation harnesses:
//
//   import { createSimulation } from './simulation.ts';
//   const sim = createSimulation({ network, scenario: 'storm', seed: 7, startSimMs: Date.parse('2025-07-01T08:00:00Z'),
//                                  faults: 20, field: { lateRate: 0 }, behaviour: { notice: { withEtr: 0.2 } } });
//   const { messages, truth } = sim.advance(startSimMs + 60 * 60_000);   // everything due in the first hour
//   sim.notify(noticeMessage, atSimMs);                                  // a GridWatch notice reached customers
//
// - `advance(untilSimMs)` runs the pure field model up to that simulated instant and returns the
//   MQTT messages due by then ({ atSimMs, topic, payload }, in delivery order) and the ground
//   truth records (see truth.ts) in time order. Calls must not go back in time; slicing time
//   differently never changes the result.
// - `notify(notice, atSimMs)` hands the simulator a NoticeMessage as GridWatch publishes it on
//   `<prefix>/notify/outage/{id}`: the listed customers change their contact behaviour from then
//   on (an instant before the last `advance` counts as that instant).
// - Same options and seed → the same messages and truth. `field` overrides FieldParams (world.ts,
//   QUIET_FIELD turns all noise off); `behaviour` overrides BehaviourParams (behaviour.ts), checked
//   like a `--behaviour` file. Scenario options: transformer, device, customer, outageS, faults,
//   leadS, spanS (see scenarios.ts).
import { createRng, indexNetwork, type NetworkFile, type NetworkIndex } from '@gridwatch/shared';
import { resolveBehaviour, type BehaviourOverrides, type BehaviourParams } from './behaviour.ts';
import { SCENARIOS, type ScenarioContext } from './scenarios.ts';
import { createTopology } from './topology.ts';
import { createWorld, type FieldParams, type World } from './world.ts';

export type { Step, OutMessage, FieldParams } from './world.ts';
export type { TruthRecord } from './truth.ts';

export interface SimulationOptions extends Omit<Partial<ScenarioContext>, 'net' | 'topo' | 'rng' | 'startSimMs' | 'idPrefix'> {
  network: NetworkFile | NetworkIndex;
  scenario: string;
  seed: number;
  startSimMs: number;
  /** Topic prefix (default gw/v1). */
  prefix?: string;
  field?: Partial<FieldParams>;
  behaviour?: BehaviourOverrides | BehaviourParams;
}

export type Simulation = World;

export function createSimulation(o: SimulationOptions): Simulation {
  const scenario = SCENARIOS[o.scenario];
  if (!scenario) throw new Error(`unknown scenario "${o.scenario}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  if (!Number.isInteger(o.seed)) throw new Error(`seed must be an integer, got ${o.seed}`);
  const net = 'customersOf' in o.network ? o.network : indexNetwork(o.network);
  // Ids of this run's faults, contacts and planned outages: distinct across seeds and starts, so
  // two runs against one GridWatch never collide, yet the same for a repeated run.
  const idPrefix = `s${o.seed >>> 0}-${Math.floor(o.startSimMs / 1000).toString(36)}-`;
  const topology = createTopology(net);
  const actions = scenario.actions({
    net,
    topo: topology,
    rng: createRng(o.seed ^ 0x5ce7a210),
    startSimMs: o.startSimMs,
    idPrefix,
    transformer: o.transformer,
    device: o.device,
    customer: o.customer,
    outageS: o.outageS,
    faults: o.faults,
    leadS: o.leadS,
    spanS: o.spanS,
  });
  return createWorld({
    network: net,
    topology,
    rng: createRng(o.seed),
    behaviourSeed: (o.seed ^ 0x0be4a710) >>> 0,
    startSimMs: o.startSimMs,
    actions,
    prefix: o.prefix,
    field: o.field,
    behaviour: resolveBehaviour(o.behaviour ?? {}, scenario.behaviour ? resolveBehaviour(scenario.behaviour) : undefined),
    idPrefix,
  });
}
