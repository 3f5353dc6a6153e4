// Precomputed topology for the outage engine: for every switching/protective device, the station
// areas and customers below it, and fast ancestor tests. Built once per network; all look-ups
// the engine does per event are O(depth).
import type { DeviceKind, NetworkIndex } from '@gridwatch/shared';

export interface Topology {
  readonly index: NetworkIndex;
  /** Station areas anywhere below the device. */
  transformersBelow(device: string): readonly string[];
  customersBelow(device: string): number;
  /** Device ids from the transformer's nearest device up to the feeder head. */
  path(transformer: string): readonly string[];
  /** True when `ancestor` is `device` or above it. */
  isAtOrAbove(ancestor: string, device: string): boolean;
  /** True when the station area is below `device`. */
  covers(device: string, transformer: string): boolean;
  kind(device: string): DeviceKind | undefined;
  parent(device: string): string | null;
  customersOf(transformer: string): number;
}

export function buildTopology(index: NetworkIndex): Topology {
  const below = new Map<string, string[]>();
  const customers = new Map<string, number>();
  for (const d of index.network.devices) {
    below.set(d.id, []);
    customers.set(d.id, 0);
  }
  for (const t of index.network.transformers) {
    const n = index.customersOf.get(t.id)?.length ?? 0;
    for (const d of index.upstream(t.id)) {
      below.get(d)?.push(t.id);
      customers.set(d, (customers.get(d) ?? 0) + n);
    }
  }
  // Depth-first entry/exit numbers make "is X above Y" two comparisons.
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const d of index.network.devices) {
    if (d.parent && index.device.has(d.parent)) {
      let list = children.get(d.parent);
      if (!list) children.set(d.parent, (list = []));
      list.push(d.id);
    } else roots.push(d.id);
  }
  const enter = new Map<string, number>();
  const exit = new Map<string, number>();
  let clock = 0;
  for (const root of roots) {
    const stack: [string, number][] = [[root, 0]];
    enter.set(root, clock++);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const kids = children.get(top[0]) ?? [];
      if (top[1] < kids.length) {
        const child = kids[top[1]++]!;
        if (enter.has(child)) continue; // a cycle in bad data must not hang us
        enter.set(child, clock++);
        stack.push([child, 0]);
      } else {
        exit.set(top[0], clock++);
        stack.pop();
      }
    }
  }
  const isAtOrAbove = (a: string, d: string) => {
    const ea = enter.get(a);
    const ed = enter.get(d);
    if (ea === undefined || ed === undefined) return false;
    return ea <= ed && exit.get(d)! <= exit.get(a)!;
  };
  return {
    index,
    transformersBelow: (d) => below.get(d) ?? [],
    customersBelow: (d) => customers.get(d) ?? 0,
    path: (t) => index.upstream(t),
    isAtOrAbove,
    covers: (d, t) => {
      const first = index.transformer.get(t)?.device;
      return first !== undefined && isAtOrAbove(d, first);
    },
    kind: (d) => index.device.get(d)?.kind,
    parent: (d) => index.device.get(d)?.parent ?? null,
    customersOf: (t) => index.customersOf.get(t)?.length ?? 0,
  };
}
