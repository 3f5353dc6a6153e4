// MQTT topic contract (GRIDWATCH.md "Telemetry contract"). The prefix is configurable; the
// default is `gw/v1`. Parsing is strict: an unknown shape is reported, never guessed.

export const DEFAULT_TOPIC_PREFIX = 'gw/v1';

export type TopicKind = 'readings' | 'meter-events' | 'faults' | 'contacts' | 'planned';

export interface ParsedTopic {
  kind: TopicKind;
  /** Station area (transformer) for AMI topics, feeder for DA topics. */
  scope?: string;
}

export const topics = (prefix = DEFAULT_TOPIC_PREFIX) => ({
  readings: (transformer: string) => `${prefix}/ami/${transformer}/readings`,
  meterEvents: (transformer: string) => `${prefix}/ami/${transformer}/events`,
  faults: (feeder: string) => `${prefix}/da/${feeder}/faults`,
  contacts: () => `${prefix}/service/contacts`,
  /** Planned (announced) outages from the utility's planning system. */
  planned: () => `${prefix}/oms/planned`,
  notice: (outage: string) => `${prefix}/notify/outage/${outage}`,
  /** Subscriptions the ingest needs, at QoS 1. */
  subscriptions: () => [
    `${prefix}/ami/+/readings`,
    `${prefix}/ami/+/events`,
    `${prefix}/da/+/faults`,
    `${prefix}/service/contacts`,
    `${prefix}/oms/planned`,
  ],
});

const SEGMENT = /^[A-Za-z0-9_.:-]{1,64}$/;

export function parseTopic(topic: string, prefix = DEFAULT_TOPIC_PREFIX): ParsedTopic | null {
  if (!topic.startsWith(prefix + '/')) return null;
  const parts = topic.slice(prefix.length + 1).split('/');
  if (parts.length === 3 && parts[0] === 'ami' && SEGMENT.test(parts[1]!)) {
    if (parts[2] === 'readings') return { kind: 'readings', scope: parts[1] };
    if (parts[2] === 'events') return { kind: 'meter-events', scope: parts[1] };
  }
  if (parts.length === 3 && parts[0] === 'da' && parts[2] === 'faults' && SEGMENT.test(parts[1]!)) {
    return { kind: 'faults', scope: parts[1] };
  }
  if (parts.length === 2 && parts[0] === 'service' && parts[1] === 'contacts') return { kind: 'contacts' };
  if (parts.length === 2 && parts[0] === 'oms' && parts[1] === 'planned') return { kind: 'planned' };
  return null;
}
