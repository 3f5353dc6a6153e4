// Each rule of the outage engine on the demo network's feeder F0101:
//   F0101-B (breaker) ─ FU01 ─ T1..T3
//        └ R1 (recloser, FCI) ─ FU02 ─ T4..T6, FU03 ─ T7..T9
//              └ S1 (switch, FCI) ─ FU04 ─ T10..T12
import { describe, expect, it } from 'vitest';
import { generateNetwork, indexNetwork, isWordedEvidence, type OutageDto } from '@gridwatch/shared';
import { OutageEngine, type EngineOptions, type FaultEvent, type PowerEvent } from '../src/outage/engine.ts';

const index = indexNetwork(generateNetwork());
const T = (n: number) => `T${String(n).padStart(6, '0')}`;
const tf = (n: number) => index.transformer.get(T(n))!;
const metersOf = (n: number) => index.customersOf.get(T(n))!.map((c) => c.meter);
const customersOf = (...ns: number[]) => ns.reduce((s, n) => s + metersOf(n).length, 0);
const T0 = Date.parse('2026-11-27T08:00:00Z');
const S = 1000;
const MIN = 60 * S;

function setup(options: Partial<EngineOptions> = {}, open: OutageDto[] = []) {
  let now = T0;
  const engine = new OutageEngine({ index, now: () => now, minMeters: 3, ...options }, open);
  const at = (ms: number) => {
    now = T0 + ms;
    engine.tick();
  };
  const off = (n: number, ts = T0, meters = 3): void => {
    for (const m of metersOf(n).slice(0, meters)) engine.apply({ device: m, transformer: T(n), concentrator: false, kind: 'power-off', ts });
  };
  const dcu = (n: number, kind: PowerEvent['kind'], ts: number): void =>
    engine.apply({ device: tf(n).concentrator, transformer: T(n), concentrator: true, kind, ts });
  const da = (device: string, kind: FaultEvent['kind'], ts: number) => engine.fault({ device, kind, ts });
  const roots = () => engine.active().filter((o) => o.parentId === null);
  return { engine, at, off, dcu, da, roots };
}

describe('prediction from meters and concentrators', () => {
  it('holds evidence, then opens a probable station-area outage from enough meters', () => {
    const s = setup();
    s.off(1, T0, 2);
    s.at(60 * S);
    expect(s.engine.active()).toHaveLength(0); // two meters are not enough
    s.off(1, T0 + 61 * S, 3);
    s.at(70 * S);
    expect(s.engine.active()).toHaveLength(0); // still inside the hold
    s.at(100 * S);
    const [o] = s.engine.active();
    expect(o).toMatchObject({ status: 'probable', level: 'transformer', device: T(1), customers: customersOf(1), startedAt: T0, restoredAt: null });
    expect(o!.evidence.find((e) => e.kind === 'located')!.note).toBe(`station area ${o!.device}: 3 meters reported power-off`);
    expect(o!.etr).toBeGreaterThan(T0);
  });

  it("confirms on the concentrator's own power-off", () => {
    const s = setup();
    s.dcu(1, 'power-off', T0);
    s.at(40 * S);
    expect(s.engine.active()[0]).toMatchObject({ status: 'confirmed', device: T(1) });
  });

  it('changes nothing on redelivered evidence', () => {
    const s = setup();
    s.off(1);
    s.at(40 * S);
    s.engine.drainChanges();
    s.off(1);
    s.dcu(1, 'power-off', T0);
    s.dcu(1, 'power-off', T0);
    s.at(41 * S);
    expect(s.engine.active()).toHaveLength(1);
    expect(s.engine.drainChanges().map((o) => o.status)).toEqual(['confirmed']);
  });
});

describe('roll-up to the common upstream device', () => {
  it('locates at the fuse when enough of its station areas are dark, covering all of them', () => {
    const s = setup();
    s.dcu(4, 'power-off', T0);
    s.dcu(5, 'power-off', T0 + 2 * S); // T6 never reports (its concentrator lost its last gasp)
    s.at(40 * S);
    expect(s.roots()).toHaveLength(1);
    const [o] = s.roots();
    expect(o).toMatchObject({ level: 'device', device: 'F0101-FU02', transformers: [T(4), T(5), T(6)], customers: customersOf(4, 5, 6), status: 'probable' });
    expect(o!.evidence.find((e) => e.kind === 'rollup')!.note).toMatch(/2 of 3 station areas below F0101-FU02 dark/);
  });

  it('keeps independent station areas apart when too few below the device are dark', () => {
    const s = setup();
    s.dcu(4, 'power-off', T0);
    s.dcu(7, 'power-off', T0);
    s.at(40 * S);
    expect(s.roots().map((o) => o.device).sort()).toEqual([T(4), T(7)]);
  });

  it('asks a reporting recloser for DA evidence or nearly every station area before blaming it', () => {
    const most = setup();
    for (const n of [4, 5, 6, 7, 8, 10, 11]) most.dcu(n, 'power-off', T0); // 7 of 9 below R1
    most.at(40 * S);
    expect(most.roots().map((o) => o.device).sort()).toEqual(['F0101-FU02', 'F0101-FU03', 'F0101-FU04']);

    const all = setup();
    for (const n of [4, 5, 6, 7, 8, 9, 10, 11, 12]) all.dcu(n, 'power-off', T0);
    all.at(40 * S);
    expect(all.roots().map((o) => o.device)).toEqual(['F0101-R1']);
  });

  it('moves an outage up when late evidence arrives, keeping its id and nesting the rest', () => {
    const s = setup();
    s.dcu(4, 'power-off', T0);
    s.at(40 * S);
    const first = s.roots()[0]!;
    expect(first.device).toBe(T(4));
    s.dcu(5, 'power-off', T0);
    s.at(80 * S);
    expect(s.roots()).toHaveLength(1);
    expect(s.roots()[0]).toMatchObject({ id: first.id, device: 'F0101-FU02', level: 'device' });
  });
});

describe('distribution automation', () => {
  it('confirms and locates at once on a lockout, and narrows the fault section with indicators', () => {
    const s = setup();
    s.da('F0101-R1', 'breaker.trip', T0);
    s.da('F0101-R1', 'fci.fault', T0);
    s.da('F0101-S1', 'fci.fault', T0);
    s.da('F0101-R1', 'breaker.reclose', T0 + 2 * S);
    s.da('F0101-R1', 'breaker.trip', T0 + 3 * S);
    s.da('F0101-R1', 'breaker.lockout', T0 + 20 * S);
    const [o] = s.roots(); // no hold: the lockout is decisive
    expect(o).toMatchObject({ status: 'confirmed', level: 'device', device: 'F0101-R1', startedAt: T0, faultSection: 'F0101-S1', customers: customersOf(4, 5, 6, 7, 8, 9, 10, 11, 12) });
    expect(o!.evidence.map((e) => e.kind)).toEqual(expect.arrayContaining(['breaker.lockout', 'fci.fault']));
    // Meter evidence below it is absorbed, not a new outage.
    s.off(5, T0 + 5 * S);
    s.at(2 * MIN);
    expect(s.engine.active()).toHaveLength(1);
  });

  it('opens the outage when protection trips again after a reclose, before the lockout, and keeps it one outage', () => {
    const s = setup();
    s.da('F0101-R1', 'breaker.trip', T0);
    s.da('F0101-R1', 'breaker.reclose', T0 + 2 * S);
    expect(s.roots()).toHaveLength(0); // a transient fault clears here
    s.da('F0101-R1', 'breaker.trip', T0 + 2 * S + 80);
    const [o] = s.roots(); // seconds after the loss, not at the lockout
    expect(o).toMatchObject({ status: 'confirmed', level: 'device', device: 'F0101-R1', startedAt: T0, restoredAt: null, customers: customersOf(4, 5, 6, 7, 8, 9, 10, 11, 12) });
    expect(o!.evidence.find((e) => e.kind === 'breaker.trip')!.note).toMatch(/tripped again after reclosing/);
    // The rest of the sequence belongs to it: no pending close, no second outage.
    s.da('F0101-R1', 'breaker.reclose', T0 + 17 * S);
    s.da('F0101-R1', 'breaker.trip', T0 + 17 * S + 80);
    s.da('F0101-R1', 'breaker.reclose', T0 + 47 * S);
    s.da('F0101-R1', 'breaker.trip', T0 + 47 * S + 80);
    s.da('F0101-R1', 'breaker.lockout', T0 + 47 * S + 150);
    s.off(5, T0 + S);
    s.at(3 * MIN);
    expect(s.roots()).toHaveLength(1);
    expect(s.roots()[0]).toMatchObject({ id: o!.id, status: 'confirmed', startedAt: T0, restoredAt: null });
    expect(s.roots()[0]!.evidence.map((e) => e.kind)).toContain('breaker.lockout');
    // The feeder stays dark: station areas restoring much later end it, not the old recloses.
    s.at(30 * MIN);
    expect(s.roots()).toHaveLength(1);
  });

  it('tells a momentary from a fault that follows it on the same breaker within the hold', () => {
    const s = setup();
    s.da('F0101-R1', 'breaker.trip', T0);
    s.da('F0101-R1', 'breaker.reclose', T0 + 2 * S); // held
    s.da('F0101-R1', 'breaker.trip', T0 + 30 * S); // a new fault, 28 s later
    s.da('F0101-R1', 'breaker.reclose', T0 + 32 * S);
    s.da('F0101-R1', 'breaker.trip', T0 + 32 * S + 80);
    const [o] = s.roots();
    expect(o).toMatchObject({ status: 'confirmed', device: 'F0101-R1', startedAt: T0 + 30 * S });
    expect(s.engine.current().find((x) => x.status === 'momentary')).toMatchObject({ startedAt: T0, restoredAt: T0 + 2 * S });
  });

  it('ends an outage opened on a second trip as momentary when a later reclose holds', () => {
    const s = setup();
    s.da('F0101-R1', 'breaker.trip', T0);
    s.da('F0101-R1', 'breaker.reclose', T0 + 2 * S);
    s.da('F0101-R1', 'breaker.trip', T0 + 2 * S + 80);
    expect(s.roots()).toHaveLength(1);
    s.da('F0101-R1', 'breaker.reclose', T0 + 17 * S); // the fault cleared this time
    s.at(30 * S);
    expect(s.roots()).toHaveLength(1); // waiting for a trip or a lockout
    s.at(2 * MIN);
    expect(s.roots()).toHaveLength(0);
    expect(s.engine.current()[0]).toMatchObject({ device: 'F0101-R1', status: 'momentary', startedAt: T0, restoredAt: T0 + 17 * S });
  });

  it('calls a trip with a successful reclose a momentary interruption, absorbing the last gasps', () => {
    const s = setup();
    s.da('F0101-R1', 'breaker.trip', T0);
    s.off(4, T0);
    s.off(7, T0 + S);
    s.da('F0101-R1', 'breaker.reclose', T0 + 2 * S);
    s.at(30 * S);
    expect(s.engine.active()).toHaveLength(0);
    s.at(60 * S);
    const momentary = s.engine.current();
    expect(momentary).toHaveLength(1);
    expect(momentary[0]).toMatchObject({ status: 'momentary', device: 'F0101-R1', startedAt: T0, restoredAt: T0 + 2 * S });
    s.off(10, T0 + S); // a delayed last gasp from the same blink
    s.at(5 * MIN);
    expect(s.engine.active()).toHaveLength(0);
  });

  it('treats a trip that never recloses as sustained when the concentrators below confirm it, momentary when they stay quiet', () => {
    const s = setup();
    s.da('F0101-R1', 'breaker.trip', T0);
    for (const n of [4, 5, 7, 10]) s.dcu(n, 'power-off', T0); // the lockout message was lost
    s.at(60 * S);
    expect(s.roots()[0]).toMatchObject({ device: 'F0101-R1', status: 'confirmed', startedAt: T0 });

    const quiet = setup();
    quiet.da('F0101-R1', 'breaker.trip', T0); // the reclose message was lost
    quiet.at(60 * S);
    expect(quiet.engine.active()).toHaveLength(0);
    expect(quiet.engine.current()[0]).toMatchObject({ device: 'F0101-R1', status: 'momentary' });
  });
});

describe('restoration', () => {
  it('splits a partial restoration: what one switch still isolates stays tracked as a nested outage', () => {
    const s = setup();
    s.da('F0101-R1', 'breaker.trip', T0);
    s.da('F0101-R1', 'breaker.lockout', T0 + 10 * S);
    const root = s.roots()[0]!;
    s.da('F0101-S1', 'switch.open', T0 + 30 * MIN);
    s.da('F0101-R1', 'breaker.reclose', T0 + 35 * MIN);
    expect(s.engine.active().find((o) => o.id === root.id)!.status).toBe('confirmed'); // a close is trusted once confirmed
    s.dcu(4, 'power-restored', T0 + 35 * MIN + 3 * S);
    const open = s.engine.active();
    expect(open.find((o) => o.id === root.id)).toMatchObject({ status: 'restoring', steps: [{ at: T0 + 35 * MIN, customers: customersOf(4, 5, 6, 7, 8, 9) }] });
    const child = open.find((o) => o.parentId === root.id)!;
    expect(child).toMatchObject({ device: 'F0101-S1', transformers: [T(10), T(11), T(12)], status: 'confirmed', startedAt: T0 });
    expect(s.engine.customersOut()).toBe(customersOf(10, 11, 12));

    s.da('F0101-S1', 'switch.close', T0 + 3 * 60 * MIN);
    s.dcu(11, 'power-restored', T0 + 3 * 60 * MIN + 2 * S);
    expect(s.engine.active()).toHaveLength(0);
    const done = s.engine.current().find((o) => o.id === root.id)!;
    expect(done).toMatchObject({ status: 'restored', restoredAt: T0 + 3 * 60 * MIN });
  });

  it('does not trust a close onto a fault: what protection dropped again stays dark', () => {
    const s = setup();
    s.da('F0101-R1', 'breaker.trip', T0);
    s.da('F0101-R1', 'breaker.lockout', T0 + 10 * S);
    const root = s.roots()[0]!;
    s.da('F0101-S1', 'switch.open', T0 + 30 * MIN);
    s.da('F0101-R1', 'breaker.reclose', T0 + 35 * MIN);
    s.dcu(4, 'power-restored', T0 + 35 * MIN + 3 * S);
    s.da('F0101-S1', 'switch.close', T0 + 40 * MIN); // the wrong step: the fault is still there
    s.da('F0101-R1', 'breaker.trip', T0 + 40 * MIN + 100);
    s.da('F0101-R1', 'breaker.lockout', T0 + 40 * MIN + 200);
    s.dcu(4, 'power-off', T0 + 40 * MIN + 100);
    s.at(60 * MIN);
    const roots = s.roots();
    expect(roots.map((o) => o.id)).toContain(root.id);
    const repeat = roots.find((o) => o.id !== root.id)!;
    // The new outage takes only what had been restored; what S1 feeds never got power back.
    expect(repeat).toMatchObject({ device: 'F0101-R1', status: 'confirmed', startedAt: T0 + 40 * MIN + 100 });
    expect(repeat.transformers).toEqual([T(4), T(5), T(6), T(7), T(8), T(9)]);
    expect(s.engine.active().find((o) => o.parentId === root.id)).toMatchObject({ device: 'F0101-S1' });
  });

  it('restores a station area on its concentrator, on all reporting meters, or on fresh readings', () => {
    const a = setup();
    a.dcu(1, 'power-off', T0);
    a.at(40 * S);
    a.dcu(1, 'power-restored', T0 + 20 * MIN);
    expect(a.engine.current()[0]).toMatchObject({ status: 'restored', restoredAt: T0 + 20 * MIN });

    const b = setup();
    b.off(1);
    b.at(40 * S);
    const [m1, m2, m3] = metersOf(1);
    b.engine.apply({ device: m1!, transformer: T(1), concentrator: false, kind: 'power-restored', ts: T0 + 2 * MIN });
    expect(b.engine.active()).toHaveLength(0); // one meter with power means the station area is live
    expect(b.engine.current()[0]).toMatchObject({ status: 'momentary', restoredAt: T0 + 2 * MIN });
    void m2;
    void m3;

    const c = setup();
    c.dcu(1, 'power-off', T0);
    c.at(40 * S);
    c.engine.readings(T(1), T0 - MIN, 15 * MIN); // a late batch from before the loss proves nothing
    expect(c.engine.active()).toHaveLength(1);
    c.engine.readings(T(1), T0 + 60 * MIN, 15 * MIN);
    expect(c.engine.current()[0]).toMatchObject({ status: 'restored', restoredAt: T0 + 45 * MIN });
  });

  it('absorbs late last gasps from before the restoration instead of opening a new outage', () => {
    const s = setup();
    s.dcu(1, 'power-off', T0);
    s.at(40 * S);
    s.dcu(1, 'power-restored', T0 + 10 * MIN);
    s.off(1, T0 + S, 5); // delayed over power-line carrier
    s.at(15 * MIN);
    expect(s.engine.active()).toHaveLength(0);
    s.dcu(1, 'power-off', T0 + 20 * MIN); // a new loss is a new outage
    s.at(21 * MIN);
    expect(s.engine.active()).toHaveLength(1);
    expect(s.engine.active()[0]!.startedAt).toBe(T0 + 20 * MIN);
  });
});

describe('planned and customer-side', () => {
  it('marks an outage that matches an announced window as planned, with the window end as ETR', () => {
    const s = setup();
    s.engine.setPlanned({ id: 'P1', device: 'F0101-S1', startsAt: T0, endsAt: T0 + 4 * 60 * MIN, cancelled: false });
    s.da('F0101-S1', 'switch.open', T0 + 2 * MIN);
    const [o] = s.roots();
    expect(o).toMatchObject({ status: 'planned', device: 'F0101-S1', etr: T0 + 4 * 60 * MIN });
    s.da('F0101-S1', 'switch.close', T0 + 3 * 60 * MIN);
    s.dcu(10, 'power-restored', T0 + 3 * 60 * MIN + S);
    expect(s.engine.current()[0]).toMatchObject({ status: 'planned', restoredAt: T0 + 3 * 60 * MIN });
  });

  it('calls one meter off customer-side once its station area delivers readings without it, and closes it on restore', () => {
    const s = setup();
    const [meter, ...others] = metersOf(2);
    s.engine.apply({ device: meter!, transformer: T(2), concentrator: false, kind: 'power-off', ts: T0 });
    s.at(10 * MIN);
    expect(s.engine.active()).toHaveLength(0); // one last gasp alone proves nothing yet
    s.engine.readings(T(2), T0 + 15 * MIN, 15 * MIN, others);
    const [o] = s.engine.active();
    expect(o).toMatchObject({ status: 'customer-side', level: 'meter', device: meter, transformers: [], customers: 1, startedAt: T0 });
    expect(s.engine.customersOut()).toBe(1);
    s.engine.apply({ device: meter!, transformer: T(2), concentrator: false, kind: 'power-restored', ts: T0 + 50 * MIN });
    expect(s.engine.current()[0]).toMatchObject({ status: 'customer-side', restoredAt: T0 + 50 * MIN });

    // A meter that is read again was only blinking.
    const blink = setup();
    blink.engine.apply({ device: meter!, transformer: T(2), concentrator: false, kind: 'power-off', ts: T0 });
    blink.engine.readings(T(2), T0 + 15 * MIN, 15 * MIN, [meter!, ...others]);
    expect(blink.engine.active()).toHaveLength(0);
  });

  it('takes a lone meter off for 3 min, on a quiet feeder, as customer-side before the next readings', () => {
    const s = setup();
    const meter = metersOf(2)[0]!;
    s.engine.apply({ device: meter, transformer: T(2), concentrator: false, kind: 'power-off', ts: T0 });
    s.at(2 * MIN);
    expect(s.engine.active()).toHaveLength(0);
    s.at(3 * MIN);
    const [o] = s.engine.active();
    expect(o).toMatchObject({ status: 'customer-side', level: 'meter', device: meter, customers: 1, startedAt: T0 });
    expect(o!.evidence.find((e) => e.kind === 'located')!.note).toMatch(/no restore for 3 min.*next readings confirm/);
    // The readings then agree: still one outage.
    s.engine.readings(T(2), T0 + 15 * MIN, 15 * MIN, metersOf(2).slice(1));
    expect(s.engine.active()).toHaveLength(1);

    // A blink restored within seconds, or a loss while the feeder is busy (a momentary, a larger
    // outage taking shape), waits for the readings.
    const blink = setup();
    blink.engine.apply({ device: meter, transformer: T(2), concentrator: false, kind: 'power-off', ts: T0 });
    blink.engine.apply({ device: meter, transformer: T(2), concentrator: false, kind: 'power-restored', ts: T0 + 20 * S });
    blink.at(3 * MIN);
    expect(blink.engine.active()).toHaveLength(0);
    const busy = setup();
    busy.engine.apply({ device: meter, transformer: T(2), concentrator: false, kind: 'power-off', ts: T0 });
    busy.da('F0101-R1', 'breaker.trip', T0 + 30 * S);
    busy.da('F0101-R1', 'breaker.reclose', T0 + 32 * S);
    busy.at(3 * MIN);
    expect(busy.engine.active().filter((x) => x.level === 'meter')).toHaveLength(0);
  });

  it('ignores a flapping meter', () => {
    const s = setup();
    const meter = metersOf(2)[1]!;
    for (let i = 0; i < 6; i++) {
      s.engine.apply({ device: meter, transformer: T(2), concentrator: false, kind: 'power-off', ts: T0 + i * 5 * MIN });
      s.engine.apply({ device: meter, transformer: T(2), concentrator: false, kind: 'power-restored', ts: T0 + i * 5 * MIN + 10 * S });
    }
    s.engine.apply({ device: meter, transformer: T(2), concentrator: false, kind: 'power-off', ts: T0 + 31 * MIN });
    s.at(40 * MIN);
    expect(s.engine.active()).toHaveLength(0);
  });
});

describe('restart', () => {
  it('continues the open outages it is given without duplicating them', () => {
    const first = setup();
    first.dcu(4, 'power-off', T0);
    first.dcu(5, 'power-off', T0);
    first.at(40 * S);
    const persisted = first.engine.active().map((o) => structuredClone(o));
    expect(persisted).toHaveLength(1);

    const s = setup({}, persisted);
    s.at(2 * MIN);
    expect(s.engine.active().map((o) => o.id)).toEqual([persisted[0]!.id]);
    s.dcu(4, 'power-off', T0); // redelivered after the restart
    s.off(6, T0 + S);
    s.at(4 * MIN);
    expect(s.engine.active().map((o) => o.id)).toEqual([persisted[0]!.id]);
    for (const n of [4, 5, 6]) s.dcu(n, 'power-restored', T0 + 60 * MIN);
    expect(s.engine.active()).toHaveLength(0);
    expect(s.engine.current().find((o) => o.parentId === null)).toMatchObject({ id: persisted[0]!.id, status: 'restored' });
  });
});

describe('evidence notes as codes', () => {
  const noted = (o: OutageDto | undefined, kind: string) => o!.evidence.filter((e) => e.kind === kind).map(({ note, code, args }) => ({ note, code, args }));

  it('says where a station area was located from, as a code with args beside the English note', () => {
    const byConcentrator = setup();
    byConcentrator.dcu(1, 'power-off', T0);
    byConcentrator.at(40 * S);
    expect(noted(byConcentrator.roots()[0], 'located')).toEqual([{ code: 'located-concentrator', args: { area: T(1) }, note: `station area ${T(1)}: its concentrator reported power-off` }]);

    const byMeters = setup();
    byMeters.off(1, T0, 4);
    byMeters.at(100 * S);
    expect(noted(byMeters.roots()[0], 'located')).toEqual([{ code: 'located-meters', args: { area: T(1), meters: 4 }, note: `station area ${T(1)}: 4 meters reported power-off` }]);
  });

  it('codes a lockout, the fault section its indicators give and a roll-up', () => {
    const s = setup();
    s.da('F0101-B', 'breaker.trip', T0);
    s.da('F0101-B', 'breaker.lockout', T0 + 20 * S);
    const [o] = s.roots();
    expect(noted(o, 'breaker.lockout')).toEqual([{ code: 'lockout', args: { device: 'F0101-B' }, note: 'F0101-B locked out: confirmed and located by protection' }]);
    expect(noted(o, 'fci.fault')).toEqual([]);
    // R1 saw fault current, S1 below it did not: the fault is between them.
    s.da('F0101-R1', 'fci.fault', T0 + S);
    expect(noted(s.roots()[0], 'fci.fault')).toEqual([
      { code: 'fci-section', args: { device: 'F0101-R1', quiet: 'F0101-S1' }, note: 'fault below F0101-R1 (saw fault current), above F0101-S1 (did not)' },
    ]);

    const up = setup();
    up.dcu(4, 'power-off', T0);
    up.dcu(5, 'power-off', T0 + 2 * S);
    up.at(40 * S);
    expect(noted(up.roots()[0], 'rollup')).toEqual([{ code: 'rollup', args: { device: 'F0101-FU02', dark: 2, total: 3, percent: expect.any(Number) }, note: expect.stringMatching(/^2 of 3 station areas below F0101-FU02 dark/) }]);
  });

  it('codes a planned window with its times, and every note of a partial restoration', () => {
    const s = setup();
    s.engine.setPlanned({ id: 'P1', device: 'F0101-S1', startsAt: T0, endsAt: T0 + 4 * 60 * MIN, cancelled: false });
    s.da('F0101-S1', 'switch.open', T0 + 2 * MIN);
    expect(noted(s.roots()[0], 'planned')).toEqual([{ code: 'planned-match', args: { plan: 'P1', startsAt: T0, endsAt: T0 + 4 * 60 * MIN }, note: `matches planned outage P1 (${new Date(T0).toISOString()} – ${new Date(T0 + 4 * 60 * MIN).toISOString()})` }]);

    const r = setup();
    r.da('F0101-R1', 'breaker.trip', T0);
    r.da('F0101-R1', 'breaker.lockout', T0 + 10 * S);
    const root = r.roots()[0]!;
    r.da('F0101-S1', 'switch.open', T0 + 30 * MIN);
    r.da('F0101-R1', 'breaker.reclose', T0 + 35 * MIN);
    r.dcu(4, 'power-restored', T0 + 35 * MIN + 3 * S);
    const open = r.engine.active();
    const parent = open.find((o) => o.id === root.id);
    expect(noted(parent, 'switch.open')).toEqual([{ code: 'isolation-open', args: { device: 'F0101-S1' }, note: expect.any(String) }]);
    // The close waited for power below it; its kind says so in English, the args name the area.
    const close = parent!.evidence.filter((e) => e.kind.startsWith('breaker.reclose'));
    expect(close).toMatchObject([{ kind: 'breaker.reclose, confirmed by T000004', code: 'closed-isolating', args: { device: 'F0101-R1', open: 'F0101-S1', confirmedBy: T(4) }, note: 'F0101-R1 closed; F0101-S1 still open (power back at T000004)' }]);
    expect(noted(open.find((o) => o.parentId === root.id), 'nested')).toEqual([{ code: 'still-dark', args: { outage: root.id }, note: expect.any(String) }]);
    // No note without its code: the wall words every one.
    const all = [...r.engine.active(), ...r.engine.current(), ...s.engine.current()].flatMap((o) => o.evidence).filter((e) => e.note);
    expect(all.length).toBeGreaterThan(4);
    for (const e of all) expect(isWordedEvidence(e), `${e.kind}: ${e.note}`).toBe(true);
  });
});
