// Pure logic of the auto-cycling outage detail: which outages it cycles through and in which
// order, and what it says about an outage's evidence. No DOM: unit-tested in detail.test.ts.
import { isWordedEvidence, type OutageDto, type OutageEvidence } from '@gridwatch/shared';
import { customersOut, isActive } from './state.ts';

/** How long the detail shows one outage before moving on. */
export const DETAIL_CYCLE_MS = 8_000;
/** The detail cycles through at most this many of the largest active outages. */
export const DETAIL_CYCLE_MAX = 12;

/**
 * Ids of the outages the detail cycles through: active root outages (nested ones are shown
 * through their parent), largest first (customers still out), then the oldest first, then by id.
 */
export function detailOrder(outages: Iterable<OutageDto>, max = DETAIL_CYCLE_MAX): string[] {
  const roots: { id: string; customers: number; startedAt: number }[] = [];
  for (const o of outages) if (!o.parentId && isActive(o)) roots.push({ id: o.id, customers: customersOut(o), startedAt: o.startedAt });
  roots.sort((a, b) => b.customers - a.customers || a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return roots.slice(0, max).map((r) => r.id);
}

/** The outage shown now: `current` while it is still in the cycle, else the first (largest). */
export function shownInCycle(order: readonly string[], current: string | null): string | null {
  if (current !== null && order.includes(current)) return current;
  return order[0] ?? null;
}

/** The outage to show after `current` (the one shown now): the next one, wrapping around. */
export function nextInCycle(order: readonly string[], current: string | null): string | null {
  if (order.length === 0) return null;
  const i = current === null ? -1 : order.indexOf(current);
  if (i < 0) return order[0]!;
  return order[(i + 1) % order.length]!;
}

export interface EvidenceNote {
  ts: number;
  kind: string;
  device: string;
  /** The server's English words ('' when it sent only a code). */
  note: string;
  /** The note as a code with args, when the server sent one this build can word (evidenceText). */
  code?: OutageEvidence['code'];
  args?: OutageEvidence['args'];
  /** The nested outage this note came from (its located device), when not the outage itself. */
  via?: string;
}

export interface EvidenceSummary {
  /** Evidence entries that explain something, oldest first, duplicates removed. */
  notes: EvidenceNote[];
  /** Distinct meters that reported power-off (last gasps). */
  meters: number;
  /** Distinct concentrators that reported power-off (their whole station area is off). */
  concentrators: number;
}

/**
 * Summarises the evidence of `outage` and of the outages nested in it: every entry with a note
 * (rollup, located, breaker.lockout, fci.fault, switch.open, planned, …; from nested outages
 * only their `nested` note, which says why they were folded in), and counts of the meters and
 * concentrators that reported power-off.
 */
export function summariseEvidence(outage: Pick<OutageDto, 'evidence'>, nested: readonly Pick<OutageDto, 'device' | 'evidence'>[] = []): EvidenceSummary {
  const meters = new Set<string>();
  const concentrators = new Set<string>();
  const notes: EvidenceNote[] = [];
  const seen = new Set<string>();
  const add = (e: OutageEvidence, via?: string) => {
    if (e.kind === 'meter.power-off') meters.add(e.device);
    else if (e.kind === 'concentrator.power-off') concentrators.add(e.device);
    const note = e.note?.trim() ?? '';
    const worded = isWordedEvidence(e);
    if (!note && !worded) return;
    if (via !== undefined && e.kind !== 'nested') return;
    // The same note twice says nothing new: by its code and args when it has them, else its words.
    const what = worded ? `${e.code}\u0000${JSON.stringify(e.args)}` : note;
    const key = `${e.kind}\u0000${e.device}\u0000${what}\u0000${via ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    const n: EvidenceNote = worded ? { ts: e.ts, kind: e.kind, device: e.device, note, code: e.code, args: e.args } : { ts: e.ts, kind: e.kind, device: e.device, note };
    notes.push(via === undefined ? n : { ...n, via });
  };
  for (const e of outage.evidence) add(e);
  for (const child of nested) for (const e of child.evidence) add(e, child.device);
  // Stable: entries with the same time keep the engine's order (own evidence before nested).
  notes.sort((a, b) => a.ts - b.ts);
  return { notes, meters: meters.size, concentrators: concentrators.size };
}

/**
 * At most `max` notes: the first (why the outage was opened) and the newest `max - 1`.
 * `hidden` is how many were left out (shown as "n more").
 */
export function limitNotes<T>(notes: readonly T[], max: number): { shown: T[]; hidden: number } {
  if (notes.length <= max) return { shown: [...notes], hidden: 0 };
  if (max <= 0) return { shown: [], hidden: notes.length };
  if (max === 1) return { shown: [notes[0]!], hidden: notes.length - 1 };
  return { shown: [notes[0]!, ...notes.slice(notes.length - (max - 1))], hidden: notes.length - max };
}

/** Nested outages of `id` (those whose parentId is `id`). */
export function nestedOf(outages: Iterable<OutageDto>, id: string): OutageDto[] {
  const out: OutageDto[] = [];
  for (const o of outages) if (o.parentId === id) out.push(o);
  return out;
}

/** State of an estimated restoration time: none yet, still ahead, or passed while still out. */
export function etrState(o: Pick<OutageDto, 'etr' | 'restoredAt'>, nowServer: number): 'none' | 'ahead' | 'overdue' {
  if (o.etr === null || o.restoredAt !== null) return 'none';
  return o.etr < nowServer ? 'overdue' : 'ahead';
}

/** Calendar days (local time) from `now` to `at`: 0 today, 1 tomorrow, -1 yesterday. */
export function dayOffset(at: number, now: number): number {
  const a = new Date(at);
  const b = new Date(now);
  const da = Date.UTC(a.getFullYear(), a.getMonth(), a.getDate());
  const db = Date.UTC(b.getFullYear(), b.getMonth(), b.getDate());
  return Math.round((da - db) / 86_400_000);
}

/**
 * Shortens an id in the middle ("recloser_disswitch_udt10888-udt12756" → "recloser…udt12756"):
 * the head says what kind of device it is, the tail which one. At most `max` characters; cuts
 * at separators (_ - .) where that loses at most three characters.
 */
export function middleEllipsis(id: string, max: number): string {
  if (id.length <= max || max < 5) return id;
  const room = max - 1;
  const sep = id.search(/[_\-.]/);
  const head = sep > 0 && sep <= room - 4 ? id.slice(0, sep) : id.slice(0, Math.floor(room * 0.45));
  let tail = id.slice(id.length - (room - head.length));
  const cut = tail.search(/[_\-.]/);
  if (cut >= 0 && cut <= 2 && tail.length - cut - 1 >= 4) tail = tail.slice(cut + 1);
  return `${head}…${tail}`;
}
