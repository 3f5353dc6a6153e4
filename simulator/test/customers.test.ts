// Customer behaviour statistics for a fixed seed: who calls, how soon, on which channel, and how
// much notices change that; plus validation of behaviour files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContactMessage, createRng, validator } from '@gridwatch/shared';
import { BehaviourError, DEFAULT_BEHAVIOUR, loadBehaviourFile, resolveBehaviour, type BehaviourOverrides } from '../src/behaviour.ts';
import { truthOf, type ContactTruth, type TruthRecord } from '../src/truth.ts';
import { createWorld, QUIET_FIELD, type Action } from '../src/world.ts';
import { H, median, MIN, net, network, simulate, START } from './helpers.ts';

interface Run {
  truth: TruthRecord[];
  /** Customer interruptions. */
  interrupted: number;
  outageContacts: ContactTruth[];
  /** Share of interrupted customers who called at least once. */
  share: number;
  /** Minutes from the loss to each caller's first contact. */
  firstDelaysMin: number[];
}

/**
 * Every station area fails once a day for `durationMin`, four days running, starting at a given
 * local hour (staggered by 20 min). `notifyAfterMin` sends each area's customers a notice with
 * the true restoration time (or `etrAfterMin` after the loss) that many minutes in.
 */
function outages(o: { hourLocal: number; durationMin: number; notifyAfterMin?: number; etrAfterMin?: number; behaviour?: BehaviourOverrides }): Run {
  const ids = network.transformers.map((t) => t.id);
  const day0 = START - 8 * H; // local midnight (UTC+8)
  const plan = ids.flatMap((transformer, i) =>
    [0, 1, 2, 3].map((d) => ({ id: `x${d}-${i}`, transformer, at: day0 + d * 24 * H + o.hourLocal * H + (i % 12) * 20 * MIN })),
  );
  const actions: Action[] = plan
    .flatMap((p) => [
      { kind: 'transformer-failure' as const, atSimMs: p.at, id: p.id, transformer: p.transformer },
      { kind: 'transformer-repair' as const, atSimMs: p.at + o.durationMin * MIN, id: p.id },
    ])
    .sort((a, b) => a.atSimMs - b.atSimMs);
  // Memory of earlier outages and unrelated calls would blur what is measured here.
  const behaviour = resolveBehaviour({ repeat: { perOutage: 0 }, postRestoration: { perOutage: 0 }, background: { perCustomerPerDay: 0 }, ...o.behaviour });
  const world = createWorld({ network: net, rng: createRng(21), behaviourSeed: 4, startSimMs: day0, actions, field: { ...QUIET_FIELD, readingIntervalS: 86_400 }, behaviour });
  const truth: TruthRecord[] = [];
  if (o.notifyAfterMin !== undefined) {
    for (const p of [...plan].sort((a, b) => a.at - b.at)) {
      const at = p.at + o.notifyAfterMin * MIN;
      truth.push(...world.advance(at).truth);
      const customers = net.customersOf.get(p.transformer)!.map((c) => c.id);
      world.notify({ id: `n-${p.id}`, ts: at, outage: p.id, customers, etr: p.at + (o.etrAfterMin ?? o.durationMin) * MIN }, at);
    }
  }
  truth.push(...world.advance(day0 + 5 * 24 * H).truth);
  const interrupted = truthOf(truth, 'transformer-failure').reduce((n, r) => n + r.customerCount, 0);
  const outageContacts = truthOf(truth, 'contact').filter((c) => c.cause.kind === 'outage');
  const first = new Map<string, number>();
  for (const c of outageContacts) {
    const key = `${c.customer}|${c.cause.kind === 'outage' && c.cause.outage}`;
    if (!first.has(key)) first.set(key, c.sinceLossS! / 60);
  }
  return { truth, interrupted, outageContacts, share: first.size / interrupted, firstDelaysMin: [...first.values()] };
}

describe('customer contacts during outages', () => {
  const day = outages({ hourLocal: 9, durationMin: 90 });

  it('only a minority calls (evidence: 8-12%), mostly within the first half hour or so', () => {
    expect(day.interrupted).toBeGreaterThan(6_000);
    expect(day.share).toBeGreaterThan(0.07);
    expect(day.share).toBeLessThan(0.14);
    const m = median(day.firstDelaysMin);
    expect(m).toBeGreaterThan(10);
    expect(m).toBeLessThan(40);
    expect(Math.max(...day.firstDelaysMin)).toBeLessThanOrEqual(90);
    // The hazard ramps up: hardly anyone calls in the first two minutes.
    expect(day.firstDelaysMin.filter((d) => d < 2).length / day.firstDelaysMin.length).toBeLessThan(0.03);
  });

  it('about 94% of contacts come by hotline', () => {
    const hotline = day.outageContacts.filter((c) => c.channel === 'hotline').length / day.outageContacts.length;
    expect(hotline).toBeGreaterThan(0.915);
    expect(hotline).toBeLessThan(0.965);
    expect(new Set(day.outageContacts.map((c) => c.channel))).toEqual(new Set(['hotline', 'app', 'wechat', 'hall']));
  });

  it('notices with a restoration time cut the share calling substantially (same seed)', () => {
    const notified = outages({ hourLocal: 9, durationMin: 90, notifyAfterMin: 5 });
    expect(notified.share).toBeLessThan(0.5 * day.share);
    expect(notified.share).toBeGreaterThan(0.1 * day.share);
    // Those who still call after the notice are marked as notified in the truth.
    const after = notified.outageContacts.filter((c) => c.sinceLossS! > 5 * 60);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((c) => c.notified)).toBe(true);
    expect(truthOf(notified.truth, 'notice').every((n) => n.reached === n.customers)).toBe(true);
  });

  it('a missed restoration time makes notified customers call again', () => {
    const kept = outages({ hourLocal: 9, durationMin: 180, notifyAfterMin: 5 });
    const missed = outages({ hourLocal: 9, durationMin: 180, notifyAfterMin: 5, etrAfterMin: 60 });
    const lateCalls = (r: Run) => r.outageContacts.filter((c) => c.sinceLossS! > 60 * 60).length;
    expect(lateCalls(missed)).toBeGreaterThan(3 * lateCalls(kept));
  });

  it('a customer cut off repeatedly reports early and complains once the outage outlasts 15 minutes', () => {
    // Each area fails daily, so from the third day on its customers have two recent outages.
    const firstCalls = (r: Run) => {
      const seen = new Set<string>();
      return r.outageContacts.filter((c) => {
        const key = `${c.customer}|${c.cause.kind === 'outage' && c.cause.outage}`;
        return !seen.has(key) && seen.add(key) && /^x[23]-/.test(c.cause.kind === 'outage' ? c.cause.outage : '');
      });
    };
    const early = (cs: ContactTruth[]) => cs.filter((c) => c.sinceLossS! < 15 * 60);
    const late = (cs: ContactTruth[]) => cs.filter((c) => c.sinceLossS! >= 15 * 60);
    const calls = firstCalls(day);
    expect(early(calls).length).toBeGreaterThan(20);
    expect(early(calls).every((c) => c.contactType === 'report')).toBe(true);
    expect(late(calls).length).toBeGreaterThan(20);
    expect(late(calls).every((c) => c.contactType === 'complaint')).toBe(true);
    // The earlier rule, kept as a behaviour variant: their first call is a complaint however early.
    const instant = firstCalls(outages({ hourLocal: 9, durationMin: 90, behaviour: { complaint: { repeatAfterS: 0 } } }));
    expect(early(instant).length).toBeGreaterThan(20);
    expect(instant.every((c) => c.contactType === 'complaint')).toBe(true);
  });

  it('fewer calls at night', () => {
    const night = outages({ hourLocal: 1, durationMin: 90 });
    expect(night.share).toBeLessThan(0.5 * day.share);
  });

  it('every contact message is contract-valid and matches its truth record', () => {
    const check = validator(ContactMessage);
    const { messages, truth } = simulate({ scenario: 'storm', faults: 12, seed: 6, field: { readingIntervalS: 3600 } }, 6 * H);
    const contacts = messages.filter((m) => m.topic === 'gw/v1/service/contacts').map((m) => m.payload as ContactMessage);
    expect(contacts.length).toBeGreaterThan(50);
    const byId = new Map(truthOf(truth, 'contact').map((c) => [c.id, c]));
    for (const c of contacts) {
      expect(check.check(c).ok).toBe(true);
      const t = byId.get(c.id)!;
      expect(t).toMatchObject({ customer: c.customer, channel: c.channel, category: c.category, at: Date.parse(c.ts as string) });
      expect(c.text!.length).toBeGreaterThan(5);
    }
    // Mostly Chinese texts, some English.
    const zh = contacts.filter((c) => /[\u4e00-\u9fff]/.test(c.text!)).length / contacts.length;
    expect(zh).toBeGreaterThan(0.7);
    expect(zh).toBeLessThan(0.97);
  });
});

describe('background contacts', () => {
  it('come at the configured rate, about billing, attitude and other things, never about an outage', () => {
    const perCustomerPerDay = 0.01;
    const { truth } = simulate({ scenario: 'steady', field: { ...QUIET_FIELD, readingIntervalS: 86_400 }, behaviour: { background: { perCustomerPerDay } } }, 4 * 24 * H);
    const contacts = truthOf(truth, 'contact');
    expect(contacts.every((c) => c.cause.kind === 'background')).toBe(true);
    const meanHour = DEFAULT_BEHAVIOUR.hour.reduce((a, b) => a + b, 0) / 24;
    const expected = network.customers.length * perCustomerPerDay * 4 * meanHour;
    expect(contacts.length).toBeGreaterThan(expected * 0.8);
    expect(contacts.length).toBeLessThan(expected * 1.2);
    const billing = contacts.filter((c) => c.category === 'billing').length / contacts.length;
    expect(billing).toBeGreaterThan(0.45);
    expect(billing).toBeLessThan(0.65);
    expect(new Set(contacts.map((c) => c.category))).toEqual(new Set(['billing', 'attitude', 'other']));
  });
});

describe('behaviour parameters', () => {
  it('report unknown keys, wrong types and out-of-range values, all at once, with their paths', () => {
    const problems = (overrides: unknown) => {
      try {
        resolveBehaviour(overrides);
        return '';
      } catch (err) {
        expect(err).toBeInstanceOf(BehaviourError);
        return (err as Error).message;
      }
    };
    const message = problems({ outage: { peakPerHour: -1, nope: 2 }, channel: { keepPreferred: 1.5 }, hour: [1, 2], textZhShare: 'many', extra: {} });
    expect(message).toMatch(/outage\.peakPerHour: must be >= 0/);
    expect(message).toMatch(/outage\.nope: unknown key/);
    expect(message).toMatch(/channel\.keepPreferred: must be a share/);
    expect(message).toMatch(/hour: expected an array of 24 numbers/);
    expect(message).toMatch(/textZhShare: expected a number/);
    expect(message).toMatch(/extra: unknown key/);
    expect(problems([])).toMatch(/expected an object/);
    expect(problems({ outage: { rampS: 0 } })).toMatch(/outage\.rampS: must be > 0/);
    expect(problems({ postRestoration: { minRecent: 2.5 } })).toMatch(/minRecent: must be an integer/);
    expect(problems({ background: { categories: { billing: 0, attitude: 0, other: 0 } } })).toMatch(/weights must not all be 0/);
    expect(problems({ type: { critical: 5 }, notice: { withEtr: 0.1 } })).toBe('');
    expect(resolveBehaviour({ type: { critical: 5 } }).type).toEqual({ ...DEFAULT_BEHAVIOUR.type, critical: 5 });
  });

  it('load from a JSON file, naming the file in errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gw-behaviour-'));
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ notice: { withEtr: 0.1 }, channel: { hotlineDeviation: 0 } }));
    expect(loadBehaviourFile(good).notice.withEtr).toBe(0.1);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ "notice": { "withETR": 0.1 } }');
    expect(() => loadBehaviourFile(bad)).toThrow(/bad\.json.*\n.*notice\.withETR: unknown key/);
    writeFileSync(bad, '{ not json');
    expect(() => loadBehaviourFile(bad)).toThrow(/bad\.json: not valid JSON/);
    expect(() => loadBehaviourFile(path.join(dir, 'missing.json'))).toThrow(/missing\.json/);
  });
});
