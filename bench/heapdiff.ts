// Compares two Chromium heap snapshots (e.g. from `pnpm bench:wall --heap-snapshot <prefix>`):
// objects grouped by kind and constructor name, with count and shallow size in each, sorted by
// how much they grew. Shows what a page keeps that it should not.
//
//   pnpm exec tsx bench/heapdiff.ts before.heapsnapshot after.heapsnapshot [--top 30]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Group {
  count: number;
  bytes: number;
}

/** Count and shallow bytes per "kind name" (strings and numbers are grouped by kind only). */
export function groups(snap: Snapshot): Map<string, Group> {
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const out = new Map<string, Group>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]!] ?? '?';
    const byName = type === 'object' || type === 'closure' || type === 'native' || type === 'hidden';
    const key = byName ? `${type} ${snap.strings[snap.nodes[i + iName]!]!.slice(0, 60)}` : type;
    const g = out.get(key) ?? { count: 0, bytes: 0 };
    g.count += 1;
    g.bytes += snap.nodes[i + iSize]!;
    out.set(key, g);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
  if (positionals.length !== 2) {
    console.error('usage: tsx bench/heapdiff.ts before.heapsnapshot after.heapsnapshot [--top 30]');
    process.exit(2);
  }
  const [a, b] = positionals.map((f) => groups(JSON.parse(readFileSync(f, 'utf8')) as Snapshot));
  const total = (m: Map<string, Group>) => [...m.values()].reduce((s, g) => ({ count: s.count + g.count, bytes: s.bytes + g.bytes }), { count: 0, bytes: 0 });
  const ta = total(a!);
  const tb = total(b!);
  console.log(`objects ${ta.count} → ${tb.count}; shallow ${(ta.bytes / 2 ** 20).toFixed(2)} → ${(tb.bytes / 2 ** 20).toFixed(2)} MB`);
  const rows = [...new Set([...a!.keys(), ...b!.keys()])].map((k) => {
    const x = a!.get(k) ?? { count: 0, bytes: 0 };
    const y = b!.get(k) ?? { count: 0, bytes: 0 };
    return { k, dCount: y.count - x.count, dBytes: y.bytes - x.bytes, count: y.count, bytes: y.bytes };
  });
  rows.sort((p, q) => Math.abs(q.dBytes) - Math.abs(p.dBytes));
  console.log('Δ bytes    Δ count   count     bytes  group');
  for (const r of rows.slice(0, Number(values.top))) {
    console.log(`${String(r.dBytes).padStart(9)} ${String(r.dCount).padStart(8)} ${String(r.count).padStart(7)} ${String(r.bytes).padStart(9)}  ${r.k}`);
  }
}
