// Shared test fixtures: the demo network, a fixed start, and readers for the simulator's output.
import {
  ContactMessage,
  FaultMessage,
  generateNetwork,
  indexNetwork,
  MeterEventsMessage,
  parseTopic,
  PlannedOutageMessage,
  ReadingsMessage,
  validator,
  type MeterEvent,
  type Validation,
} from '@gridwatch/shared';
import { createSimulation, type SimulationOptions } from '../src/simulation.ts';
import type { OutMessage, Step } from '../src/world.ts';

export const network = generateNetwork();
export const net = indexNetwork(network);
/** 08:00 local on the demo network (UTC+8). */
export const START = Date.parse('2025-06-01T00:00:00Z');
export const S = 1_000;
export const MIN = 60_000;
export const H = 3_600_000;

export const simulate = (o: Partial<SimulationOptions>, ms: number): Step =>
  createSimulation({ network: net, scenario: 'demo', seed: 1, startSimMs: START, ...o, field: { readingIntervalS: 60, ...o.field } }).advance(START + ms);

export const eventsOf = (m: OutMessage): MeterEvent[] => {
  const p = m.payload as MeterEventsMessage;
  return 'events' in p ? p.events : [p];
};
export const isEvents = (m: OutMessage) => m.topic.endsWith('/events');
export const isReadings = (m: OutMessage) => m.topic.endsWith('/readings');
export const isFault = (m: OutMessage) => m.topic.endsWith('/faults');
export const faultsOf = (messages: readonly OutMessage[]) => messages.filter(isFault).map((m) => ({ at: m.atSimMs, ...(m.payload as FaultMessage) }));

const checks: Record<string, { check(v: unknown): Validation<unknown> }> = {
  readings: validator(ReadingsMessage),
  'meter-events': validator(MeterEventsMessage),
  faults: validator(FaultMessage),
  contacts: validator(ContactMessage),
  planned: validator(PlannedOutageMessage),
};

/** 'ok' or why the message breaks the contract (topic or payload schema). */
export function contractProblem(m: OutMessage): string {
  const topic = parseTopic(m.topic);
  if (!topic) return `unknown topic ${m.topic}`;
  const result = checks[topic.kind]!.check(m.payload);
  return result.ok ? 'ok' : `${m.topic}: ${result.reason}`;
}

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
