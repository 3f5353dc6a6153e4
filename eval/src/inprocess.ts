// GridWatch's own ingest wired to an outage engine, on the harness's virtual clock: what the
// server does with an MQTT message, without the broker and the database.
import type { NetworkIndex } from '@gridwatch/shared';
import type { OutageEngine } from '@gridwatch/server/engine';
import { Ingest, type IngestSinks, type Sink } from '@gridwatch/server/ingest';
import { Metrics } from '@gridwatch/server/metrics';

const MIN = 60_000;

export const nullSink = <R>(): Sink<R> => ({ push: () => {}, pushMany: () => {} });

/** Sinks that drop everything except those given. */
export const sinksWith = (given: Partial<IngestSinks>): IngestSinks => ({
  readings: nullSink(), meterEvents: nullSink(), faultEvents: nullSink(), contacts: nullSink(), deadLetters: nullSink(), planned: nullSink(), ...given,
});

export function engineIngest(index: NetworkIndex, clock: () => number, engine: OutageEngine, sinks: IngestSinks): Ingest {
  return new Ingest({
    index,
    sinks,
    metrics: new Metrics(clock),
    now: clock,
    topicPrefix: 'gw/v1',
    maxFutureSkewMs: 5 * MIN,
    maxPastAgeMs: 7 * 24 * 60 * MIN,
    onPowerEvent: (ev) => engine.apply(ev),
    onReadings: (t, end, interval, meters) => engine.readings(t, end, interval, meters),
    onFault: (ev) => engine.fault(ev),
    onPlanned: (w) => engine.setPlanned(w),
  });
}
