// Public in-process API of the simulator for tests and evaluation harnesses (see simulation.ts).
export { createSimulation, type Simulation, type SimulationOptions } from './simulation.ts';
export { createWorld, DEFAULT_FIELD, QUIET_FIELD, resolveField, type Action, type FieldParams, type OutMessage, type Step, type World, type WorldOptions } from './world.ts';
export { DEFAULT_BEHAVIOUR, BehaviourError, loadBehaviourFile, resolveBehaviour, type BehaviourOverrides, type BehaviourParams } from './behaviour.ts';
export { SCENARIOS, faultResponse, type Scenario, type ScenarioContext, type FaultPlan } from './scenarios.ts';
export { createTopology, type Topology } from './topology.ts';
export { readRecording, createReplay, RECORD_FORMAT, TRUTH_FORMAT, type RunHeader, type RecordedMessage } from './record.ts';
export * from './truth.ts';
export { complaintAfterMs, outageContactRate, outageShape, personalFactor, postRestorationChance } from './customers.ts';
export { nextStep, runWorkforce, type WorkforceStep, type WorkforceOptions } from './workforce.ts';
