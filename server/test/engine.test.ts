import { describe, expect, it } from 'vitest';
import { generateNetwork, indexNetwork } from '@gridwatch/shared';
import { OutageEngine, type PowerEvent } from '../src/outage/engine.ts';

const index = indexNetwork(generateNetwork({ substations: 1, feedersPerSubstation: 1, lateralsPerFeeder: 2, transformersPerLateral: 2, customersPerTransformer: 12, seed: 3 }));
const tf = index.network.transformers[0]!;
const meters = index.customersOf.get(tf.id)!.map((c) => c.meter);
const T0 = Date.parse('2026-11-27T08:00:00Z');

function setup(minMeters = 3) {
  let now = T0;
  const engine = new OutageEngine({ index, now: () => now, minMeters });
  return { engine, advance: (ms: number) => (now += ms) };
}
const off = (device: string, ts: number, concentrator = false): PowerEvent => ({ device, transformer: tf.id, concentrator, kind: 'power-off', ts });
const on = (device: string, ts: number, concentrator = false): PowerEvent => ({ device, transformer: tf.id, concentrator, kind: 'power-restored', ts });

describe('outage engine: station-area outages', () => {
  it('needs minMeters meter power-offs before it opens a probable outage', () => {
    const { engine } = setup(3);
    engine.apply(off(meters[0]!, T0));
    engine.apply(off(meters[1]!, T0 + 1000));
    expect(engine.active()).toHaveLength(0);
    engine.apply(off(meters[2]!, T0 + 2000));
    const [o] = engine.active();
    expect(o).toMatchObject({ status: 'probable', level: 'transformer', device: tf.id, customers: meters.length, startedAt: T0, restoredAt: null });
    expect(o!.evidence.map((e) => e.device)).toEqual(meters.slice(0, 3));
    expect(engine.customersOut()).toBe(meters.length);
  });

  it('opens a confirmed outage on the concentrator power-off alone, and upgrades a probable one', () => {
    const a = setup();
    a.engine.apply(off(tf.concentrator, T0 + 30_000, true));
    expect(a.engine.active()[0]).toMatchObject({ status: 'confirmed', startedAt: T0 + 30_000 });

    const b = setup();
    for (const m of meters.slice(0, 3)) b.engine.apply(off(m, T0));
    b.engine.apply(off(tf.concentrator, T0 + 30_000, true));
    expect(b.engine.active()[0]).toMatchObject({ status: 'confirmed', startedAt: T0 });
  });

  it('ignores duplicates: a redelivered event changes nothing', () => {
    const { engine } = setup(3);
    engine.apply(off(meters[0]!, T0));
    engine.apply(off(meters[0]!, T0));
    engine.apply(off(meters[0]!, T0));
    expect(engine.active()).toHaveLength(0);
    for (const m of meters.slice(0, 3)) engine.apply(off(m, T0));
    engine.drainChanges();
    engine.apply(off(meters[1]!, T0));
    expect(engine.drainChanges()).toHaveLength(0);
    expect(engine.active()).toHaveLength(1);
  });

  it('restores on the concentrator restore, as restored (≥ 5 min) or momentary (< 5 min)', () => {
    const long = setup();
    long.engine.apply(off(tf.concentrator, T0, true));
    long.engine.apply(on(tf.concentrator, T0 + 20 * 60_000, true));
    expect(long.engine.active()).toHaveLength(0);
    expect(long.engine.current()[0]).toMatchObject({ status: 'restored', restoredAt: T0 + 20 * 60_000 });

    const short = setup();
    short.engine.apply(off(tf.concentrator, T0, true));
    short.engine.apply(on(tf.concentrator, T0 + 90_000, true));
    expect(short.engine.current()[0]).toMatchObject({ status: 'momentary' });
  });

  it('goes to restoring when some meters are back and restores when all reporting meters are back', () => {
    const { engine } = setup(3);
    for (const m of meters.slice(0, 3)) engine.apply(off(m, T0));
    engine.apply(on(meters[0]!, T0 + 600_000));
    expect(engine.active()[0]!.status).toBe('restoring');
    engine.apply(on(meters[1]!, T0 + 601_000));
    engine.apply(on(meters[2]!, T0 + 602_000));
    expect(engine.active()).toHaveLength(0);
    expect(engine.current()[0]).toMatchObject({ status: 'restored', restoredAt: T0 + 602_000 });
  });

  it('absorbs late power-offs that predate the restoration instead of opening a new outage', () => {
    const { engine } = setup(3);
    engine.apply(off(tf.concentrator, T0, true));
    engine.apply(on(tf.concentrator, T0 + 600_000, true));
    // Meter last gasps delayed over power-line carrier arrive after the restoration.
    for (const m of meters.slice(0, 5)) engine.apply(off(m, T0 + 1000));
    expect(engine.active()).toHaveLength(0);
    // A new loss after the restoration is a new outage.
    engine.apply(off(tf.concentrator, T0 + 900_000, true));
    expect(engine.active()[0]!.id).not.toBe(engine.current().find((o) => o.restoredAt)!.id);
  });

  it('restores when the station area delivers readings for an interval after the loss', () => {
    const { engine } = setup(3);
    engine.apply(off(tf.concentrator, T0, true));
    engine.readings(tf.id, T0 - 60_000, 900_000); // a late batch from before the loss proves nothing
    expect(engine.active()).toHaveLength(1);
    engine.readings(tf.id, T0 + 3_600_000, 900_000);
    expect(engine.active()).toHaveLength(0);
    expect(engine.current()[0]).toMatchObject({ status: 'restored', restoredAt: T0 + 2_700_000 });
  });

  it('forgets pending single-meter evidence after its time to live', () => {
    const { engine, advance } = setup(3);
    engine.apply(off(meters[0]!, T0));
    engine.apply(off(meters[1]!, T0));
    advance(3 * 3600_000);
    engine.tick();
    engine.apply(off(meters[2]!, T0 + 3 * 3600_000));
    expect(engine.active()).toHaveLength(0);
  });

  it('continues the open outages it is given at start (server restart) without duplicating them', () => {
    const first = setup(3);
    for (const m of meters.slice(0, 3)) first.engine.apply(off(m, T0));
    const persisted = first.engine.active().map((o) => structuredClone(o));

    const engine = new OutageEngine({ index, now: () => T0 + 60_000, minMeters: 3 }, persisted);
    expect(engine.active()).toHaveLength(1);
    for (const m of meters.slice(0, 4)) engine.apply(off(m, T0 + 10_000));
    expect(engine.active()).toHaveLength(1);
    expect(engine.active()[0]!.id).toBe(persisted[0]!.id);
    for (const m of meters.slice(0, 4)) engine.apply(on(m, T0 + 900_000));
    expect(engine.active()).toHaveLength(0);
  });
});
